// Command robotui is a terminal trading console for Interactive Brokers that
// keeps exactly one TWS API session for its whole life, proves it alive,
// and shows the gateway port's socket table so that CLOSE_WAIT zombies are
// seen and cleared before they lock the gateway up.
//
//	robotui [flags]              the console (or headless with --no-tui)
//	robotui gateway [flags]      the simulated IB Gateway, standalone
//	robotui zombies [flags]      the gateway port's sockets and zombies
//	robotui config check [PATH]  validate a configuration file
//	robotui health [--ready]     ask a running robotui whether it is healthy (ready)
//	robotui status|quotes|positions [--json]  ask a running robotui's API
//	robotui completion bash|zsh|fish
//	robotui version
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"time"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// commit is set at build time with -ldflags "-X main.commit=..." (make build);
// else the toolchain's vcs.revision is used.
var commit = ""

func main() {
	if os.Getenv("GOGC") == "" {
		go tuneGC(time.NewTicker(gcTuneEvery).C)
	}
	os.Exit(profiled(func() int { return run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ()) }))
}

// profiled writes a CPU profile to $ROBOTUI_CPUPROFILE when it is set: a
// developer's aid for the idle-CPU target, not a user feature.
func profiled(f func() int) int {
	path := os.Getenv("ROBOTUI_CPUPROFILE")
	if path == "" {
		return f()
	}
	out, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "robotui: cpu profile:", err)
		return f()
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		fmt.Fprintln(os.Stderr, "robotui: cpu profile:", err)
		return f()
	}
	defer pprof.StopCPUProfile()
	return f()
}

// run dispatches a subcommand and returns the exit status: 0 ok, 1 a
// finding or partial failure (per command), 2 a usage or runtime error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, env []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "gateway":
			return runGateway(args[1:], stdout, stderr)
		case "zombies":
			return runZombies(args[1:], stdin, stdout, stderr)
		case "config":
			return runConfig(args[1:], stdout, stderr, env)
		case "alerts":
			return runAlerts(args[1:], stdout, stderr, env)
		case "ibc":
			return runIBC(args[1:], stdin, stdout, stderr, env)
		case "health":
			return runHealth(args[1:], stdout, stderr, env)
		case "report":
			return runReport(args[1:], stdout, stderr, env)
		case "backtest":
			return runBacktest(args[1:], stdout, stderr, env)
		case "status", "quotes", "positions":
			return runClient(args[0], args[1:], stdout, stderr, env)
		case "completion":
			return runCompletion(args[1:], stdout, stderr)
		case "version":
			if len(args) > 1 && args[1] != "-h" && args[1] != "--help" {
				fmt.Fprintf(stderr, "robotui version: unexpected argument %q\n", args[1])
				return 2
			}
			if len(args) > 1 {
				fmt.Fprintln(stdout, "Usage: robotui version\n\nPrints robotui's version.")
				return 0
			}
			fmt.Fprintf(stdout, "robotui %s\n", buildVersion())
			fmt.Fprintln(stdout, buildDetails())
			return 0
		case "help":
			printUsage(stdout)
			return 0
		}
	}
	return runConsole(args, stdin, stdout, stderr, env)
}

// buildVersion is the -ldflags version (make build), else what the Go
// toolchain recorded: the module version of `go install ...@vX`, or the
// VCS revision of a build from a checkout.
func buildVersion() string {
	if version != "dev" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return version
}

// buildDetails is the module path and version, the commit and the Go
// version the toolchain recorded.
func buildDetails() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "build info unavailable"
	}
	mod := info.Main.Path + " " + info.Main.Version
	rev, dirty := "unknown", ""
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = " (modified)"
		}
	}
	if commit != "" {
		rev, dirty = commit, ""
	}
	return fmt.Sprintf("module %s, commit %s%s, %s", mod, rev, dirty, info.GoVersion)
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `robotui: a terminal trading console for Interactive Brokers

Usage:
  robotui [flags]              the console; headless with --no-tui (or when stdout is not a terminal)
  robotui --sim                the console against the built-in simulated gateway
  robotui gateway [flags]      run the simulated IB Gateway standalone
  robotui zombies [flags]      list (and with --kill, remove) zombie sockets on the gateway port
  robotui config check [PATH]  validate a configuration file (exit 0 ok, 2 errors)
  robotui alerts test          send a test alert to every [[alerts.sink]]
  robotui ibc restart|reconnectdata|reconnectaccount|stop [--yes]
                               a command to IBC's command server ([ibc] command_port)
  robotui report [--since 24h|7d|DATE] [--json] [--sim]
                               what the journal remembers: uptime, outages, keepalive, zombies
  robotui health [--ready]     ask a running robotui (never the gateway): exit 0 healthy, 1 not, 2 none
  robotui status|quotes|positions [--json]  ask a running robotui's API (--api)
  robotui backtest [--symbols] [--strategy] [--since] [--json]  how each strategy has done (journal, or --api)
  robotui completion bash|zsh|fish  print a shell completion script
  robotui version              print the version, module version and commit

Run 'robotui COMMAND --help' for a command's flags, 'robotui --help' for the console's.
`)
}
