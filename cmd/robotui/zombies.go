package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/robotui/robotui/conn/sockets"
)

// zombiesStdinIsTerminal says whether a confirmation can be asked on stdin; tests replace it.
var zombiesStdinIsTerminal = func(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

const zombiesUsage = `Usage: robotui zombies [--port 4002] [--json] [--kill [--yes] [--grace 3s]]

Lists the sockets on the gateway port and its zombies (CLOSE_WAIT sockets on
connections to the port). Dry run by default; with --kill, signals the owners
of client-side zombies the policy allows (never the gateway, another user's
process, pid 1 or robotui itself): SIGTERM, then SIGKILL after --grace. Asks
for confirmation on a terminal unless --yes; refuses without a terminal.
Gateway-side zombies are only cleared by restarting the gateway.

Exit status: 0 no zombies, 1 zombies found, 2 error.

Flags:
`

// runZombies is `robotui zombies`; it returns the exit status.
func runZombies(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("robotui zombies", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.Int("port", 4002, "gateway `port` to inspect")
	host := fs.String("host", "127.0.0.1", "gateway `host`: only connections to it count (another server on the same port is not the gateway)")
	asJSON := fs.Bool("json", false, "print one JSON object (see DESIGN.md) instead of a table")
	kill := fs.Bool("kill", false, "signal the owners of client-side zombies the policy allows")
	yes := fs.Bool("yes", false, "with --kill: do not ask for confirmation")
	grace := fs.Duration("grace", 3*time.Second, "with --kill: wait this long after SIGTERM before SIGKILL")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), zombiesUsage)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stdout); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "robotui zombies: "+format+"\n", a...)
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return fail("unexpected argument %q (see --help)", fs.Arg(0))
	case *port < 1 || *port > 65535:
		return fail("--port %d: want 1..65535", *port)
	case *grace < 0:
		return fail("--grace %v: want a duration of 0 or more", *grace)
	case *yes && !*kill:
		return fail("--yes confirms --kill; without --kill nothing is signalled")
	}

	addrs, err := sockets.ResolveGateway(context.Background(), *host)
	if err != nil {
		return fail("--host %s: %v", *host, err)
	}
	scanner := sockets.NewScanner()
	scanner.SetGateway(addrs)
	table, err := scanner.Scan(*port, true)
	if err != nil {
		return fail("%v", err)
	}
	status := 0
	if len(table.Zombies) > 0 {
		status = 1
	}
	plan := sockets.Plan(table, sockets.Self())
	if !*kill {
		if *asJSON {
			err = json.NewEncoder(stdout).Encode(sockets.NewReport(table))
		} else if err = sockets.NewReport(table).WriteText(stdout); err == nil && len(table.Zombies) > 0 {
			fmt.Fprintln(stdout, "dry run; with --kill:")
			err = plan.WriteText(stdout)
		}
		if err != nil {
			return fail("write: %v", err)
		}
		return status
	}

	if len(plan.Targets) > 0 && !*yes {
		if !zombiesStdinIsTerminal(stdin) {
			return fail("refusing to kill without confirmation: stdin is not a terminal (pass --yes to confirm)")
		}
		if !*asJSON {
			sockets.NewReport(table).WriteText(stdout)
		}
		plan.WriteText(stderr)
		fmt.Fprintf(stderr, "Signal %d process(es)? [y/N] ", len(plan.Targets))
		answer, _ := bufio.NewReader(stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(stderr, "not confirmed: nothing signalled")
			declined := make([]sockets.Refusal, 0, len(plan.Targets)+len(plan.Refused))
			for _, t := range plan.Targets {
				declined = append(declined, sockets.Refusal{PID: t.PID, Command: t.Command, Reason: sockets.ReasonNotConfirmed})
			}
			plan = sockets.KillPlan{Port: plan.Port, Refused: append(declined, plan.Refused...)}
		} else if fresh, err := scanner.Scan(*port, true); err == nil {
			plan = sockets.Recheck(plan, sockets.Plan(fresh, sockets.Self())) // the answer may have come long after the scan
		} else {
			return fail("rescan before signalling: %v", err)
		}
	} else if !*asJSON {
		sockets.NewReport(table).WriteText(stdout)
	}

	results := sockets.Kill(context.Background(), plan, *grace)
	if *asJSON {
		err = json.NewEncoder(stdout).Encode(sockets.NewKillReport(table, results))
	} else if len(results) > 0 {
		err = sockets.WriteResults(stdout, results)
	}
	if err != nil {
		return fail("write: %v", err)
	}
	return status
}
