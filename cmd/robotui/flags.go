package main

import (
	"errors"
	"flag"
	"io"
)

// parseFlags parses args into fs. When it returns false the command is over
// and code is its exit status: 0 after --help (usage on stdout), 2 after a
// bad flag (the flag package has already said why on fs's output).
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (code int, ok bool) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return 0, false
	}
	return 2, false
}
