package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/robotui/robotui/cmd/robotui/internal/config"
)

const configUsage = "Usage: robotui config check [--live] [PATH]\n\nValidates PATH (default: $XDG_CONFIG_HOME/robotui/config.toml) with the environment applied; exit 0 ok, 2 errors."

// runConfig implements `robotui config check [--live] [PATH]`.
func runConfig(args []string, stdout, stderr io.Writer, env []string) int {
	if len(args) == 0 || args[0] != "check" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(stdout, configUsage)
			return 0
		}
		fmt.Fprintln(stderr, "robotui config: expected 'check [--live] [PATH]'")
		return 2
	}
	fs := flag.NewFlagSet("robotui config check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), configUsage) }
	live := fs.Bool("live", false, "allow live mode and live ports (7496, 4001)")
	// --live may come after the path too: `robotui config check my.toml --live`.
	var rest []string
	for _, a := range args[1:] {
		if a == "--live" || a == "-live" {
			*live = true
			continue
		}
		rest = append(rest, a)
	}
	if code, ok := parseFlags(fs, rest, stdout); !ok {
		return code
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(stderr, "robotui config check: at most one PATH")
		return 2
	}
	return config.Check(fs.Arg(0), env, *live, stdout, stderr)
}
