package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/robotui/robotui/conn/sockets"
)

// zombiesStdinIsTerminal says whether a confirmation can be asked on stdin; tests replace it.
var zombiesStdinIsTerminal = func(r io.Reader) bool { return isTerminal(r) }

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

// zombiesCmd is one run of `robotui zombies`: its flags and streams.
type zombiesCmd struct {
	port            int
	host            string
	json, kill, yes bool
	grace           time.Duration
	stdin           io.Reader
	stdout, stderr  io.Writer
}

// runZombies is `robotui zombies`; it returns the exit status.
func runZombies(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := zombiesCmd{stdin: stdin, stdout: stdout, stderr: stderr}
	if code, ok := c.parse(args); !ok {
		return code
	}
	addrs, err := sockets.ResolveGateway(context.Background(), c.host)
	if err != nil {
		return c.fail(fmt.Errorf("--host %s: %w", c.host, err))
	}
	scanner := sockets.NewScanner()
	scanner.SetGateway(addrs)
	z := sockets.Zombies{Scanner: scanner, Port: c.port, Grace: c.grace}
	table, plan, err := z.Plan(context.Background())
	switch {
	case err != nil:
	case c.kill:
		err = c.killZombies(z, table, plan)
	default:
		err = c.print(table, plan)
	}
	if err != nil {
		return c.fail(err)
	}
	if len(table.Zombies) > 0 {
		return 1
	}
	return 0
}

// parse reads the flags; !ok means exit with code (help, or a bad flag).
func (c *zombiesCmd) parse(args []string) (code int, ok bool) {
	fs := flag.NewFlagSet("robotui zombies", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.IntVar(&c.port, "port", 4002, "gateway `port` to inspect")
	fs.StringVar(&c.host, "host", "127.0.0.1", "gateway `host`: only connections to it count (another server on the same port is not the gateway)")
	fs.BoolVar(&c.json, "json", false, "print one JSON object (see DESIGN.md) instead of a table")
	fs.BoolVar(&c.kill, "kill", false, "signal the owners of client-side zombies the policy allows")
	fs.BoolVar(&c.yes, "yes", false, "with --kill: do not ask for confirmation")
	fs.DurationVar(&c.grace, "grace", 3*time.Second, "with --kill: wait this long after SIGTERM before SIGKILL")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), zombiesUsage)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, c.stdout); !ok {
		return code, false
	}
	var err error
	switch {
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	case c.port < 1 || c.port > 65535:
		err = fmt.Errorf("--port %d: want 1..65535", c.port)
	case c.grace < 0:
		err = fmt.Errorf("--grace %v: want a duration of 0 or more", c.grace)
	case c.yes && !c.kill:
		err = errors.New("--yes confirms --kill; without --kill nothing is signalled")
	}
	if err != nil {
		return c.fail(err), false
	}
	return 0, true
}

// print is the dry run: the report, and what --kill would do.
func (c *zombiesCmd) print(table sockets.Table, plan sockets.KillPlan) error {
	var err error
	if c.json {
		err = json.NewEncoder(c.stdout).Encode(sockets.NewReport(table))
	} else if err = sockets.NewReport(table).WriteText(c.stdout); err == nil && len(table.Zombies) > 0 {
		fmt.Fprintln(c.stdout, "dry run; with --kill:")
		err = plan.WriteText(c.stdout)
	}
	return err
}

// killZombies asks for confirmation (unless --yes), has sockets.Zombies
// carry out the plan and prints the results: as JSON, in the report.
func (c *zombiesCmd) killZombies(z sockets.Zombies, table sockets.Table, plan sockets.KillPlan) error {
	ask := len(plan.Targets) > 0 && !c.yes
	if ask && !zombiesStdinIsTerminal(c.stdin) {
		return errors.New("refusing to kill without confirmation: stdin is not a terminal (pass --yes to confirm)")
	}
	if !c.json {
		sockets.NewReport(table).WriteText(c.stdout)
	}
	var results []sockets.Result
	if ask && !c.confirm(plan) {
		fmt.Fprintln(c.stderr, "not confirmed: nothing signalled")
		results = plan.Declined()
	} else {
		var err error
		if results, err = z.Kill(context.Background(), plan); err != nil {
			return fmt.Errorf("rescan before signalling: %w", err)
		}
	}
	if c.json {
		return json.NewEncoder(c.stdout).Encode(sockets.NewKillReport(table, results))
	}
	if len(results) > 0 {
		return sockets.WriteResults(c.stdout, results)
	}
	return nil
}

// confirm shows the plan and asks on stderr whether to carry it out.
func (c *zombiesCmd) confirm(plan sockets.KillPlan) bool {
	plan.WriteText(c.stderr)
	fmt.Fprintf(c.stderr, "Signal %d process(es)? [y/N] ", len(plan.Targets))
	answer, _ := bufio.NewReader(c.stdin).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes"
}

func (c *zombiesCmd) fail(err error) int {
	fmt.Fprintf(c.stderr, "robotui zombies: %v\n", err)
	return 2
}
