package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/robotui/robotui/cmd/robotui/internal/config"
	"github.com/robotui/robotui/conn/ibc"
)

const ibcUsage = `Usage: robotui ibc restart|reconnectdata|reconnectaccount|stop [--yes] [--config PATH]

Sends one command to IBC's command server ([ibc] command_port on [gateway] host)
after saying what it will do and asking for y (--yes: do not ask).
Exit 0 on an OK reply, 1 on an ERROR reply, 2 on usage errors or no command server.`

// runIBC is `robotui ibc COMMAND`.
func runIBC(args []string, stdin io.Reader, stdout, stderr io.Writer, env []string) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, ibcUsage)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stdout, ibcUsage)
		return 0
	}
	cmd, ok := ibc.Parse(args[0])
	if !ok {
		fmt.Fprintf(stderr, "robotui ibc: unknown command %q\n%s\n", args[0], ibcUsage)
		return 2
	}
	fs := flag.NewFlagSet("robotui ibc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), ibcUsage) }
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	path := fs.String("config", "", "config file")
	if code, ok := parseFlags(fs, args[1:], stdout); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "robotui ibc: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg, _, err := config.Load(*path, env, true)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	addr := cfg.IBCAddr()
	if addr == "" {
		fmt.Fprintln(stderr, "robotui ibc: no command server: set [ibc] command_port (IBC's CommandServerPort)")
		return 2
	}
	if !*yes {
		fmt.Fprintf(stdout, "%s at %s: %s\nProceed? [y/N] ", cmd, addr, ibcDoes(cmd))
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		if strings.TrimSpace(strings.ToLower(line)) != "y" {
			fmt.Fprintln(stdout, "not sent")
			return 1
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := ibc.Send(ctx, addr, cmd)
	if err != nil {
		fmt.Fprintln(stderr, "robotui ibc:", err)
		if errors.Is(err, ibc.ErrNoServer) {
			return 2
		}
		return 1
	}
	fmt.Fprintln(stdout, r.Text)
	if !r.OK {
		return 1
	}
	return 0
}

// ibcDoes is what cmd does, in the menu's words.
func ibcDoes(cmd ibc.Command) string {
	for _, c := range ibc.Commands {
		if c.Command == cmd {
			return c.Does
		}
	}
	return ""
}
