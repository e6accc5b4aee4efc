package main

import (
	"errors"
	"flag"
	"io"
)

// parseFlags parses args into fs. When it returns false the command is over
// and code is its exit status: 0 after --help (usage on stdout only), 2
// after a bad flag (the flag package's reason, then the usage, on fs's
// output).
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (code int, ok bool) {
	usage := fs.Usage
	if usage == nil {
		usage = func() { fs.PrintDefaults() }
	}
	// The flag package prints the usage itself on -h as well as on errors;
	// it is printed here instead, once, where it belongs.
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		errOut := fs.Output()
		fs.SetOutput(stdout)
		fs.Usage()
		fs.SetOutput(errOut)
		return 0, false
	}
	fs.Usage()
	return 2, false
}
