package main

import (
	"fmt"
	"io"
	"strings"
)

// subcommands are what completion offers after `robotui`.
var subcommands = []string{"gateway", "zombies", "config", "health", "report", "status", "quotes", "positions", "backtest", "completion", "version", "help"}

// consoleFlagNames are the console's flags, for completion.
var consoleFlagNames = []string{"--config", "--host", "--port", "--client-id", "--symbols", "--sim", "--no-tui", "--once",
	"--log-format", "--log-level", "--log-file", "--metrics", "--api", "--live", "--no-journal"}

func runCompletion(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "Usage: robotui completion bash|zsh|fish")
		return 2
	}
	words := strings.Join(append(append([]string{}, subcommands...), consoleFlagNames...), " ")
	switch args[0] {
	case "bash":
		fmt.Fprintf(stdout, `# robotui bash completion: source <(robotui completion bash)
_robotui() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "%s" -- "$cur"))
	else
		COMPREPLY=($(compgen -W "--json --addr --api --ready --since --help" -- "$cur"))
	fi
}
complete -o default -F _robotui robotui
`, words)
	case "zsh":
		fmt.Fprintf(stdout, `#compdef robotui
# robotui zsh completion: robotui completion zsh > "${fpath[1]}/_robotui"
_robotui() {
	if (( CURRENT == 2 )); then
		compadd -- %s
	else
		compadd -- --json --addr --api --ready --help
	fi
}
compdef _robotui robotui
`, words)
	case "fish":
		fmt.Fprintln(stdout, "# robotui fish completion: robotui completion fish | source")
		for _, c := range subcommands {
			fmt.Fprintf(stdout, "complete -c robotui -n __fish_use_subcommand -a %s\n", c)
		}
		for _, f := range consoleFlagNames {
			fmt.Fprintf(stdout, "complete -c robotui -n __fish_use_subcommand -l %s\n", strings.TrimPrefix(f, "--"))
		}
		fmt.Fprintln(stdout, "complete -c robotui -n '__fish_seen_subcommand_from status quotes positions' -l json -l api")
		fmt.Fprintln(stdout, "complete -c robotui -n '__fish_seen_subcommand_from health' -l addr -l ready")
	default:
		fmt.Fprintf(stderr, "robotui completion: unknown shell %q (bash, zsh or fish)\n", args[0])
		return 2
	}
	return 0
}
