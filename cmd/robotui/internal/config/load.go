package config

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxFileSize bounds what is read, so that --config /dev/zero fails instead of eating memory,
// and a hostile file cannot keep the TOML parser busy for long. The example is under 7 kB.
const maxFileSize = 256 << 10

// Source says which file a Config was read from.
type Source struct {
	// Path of the file read; "" when none was found and the built-in defaults were used.
	Path string
	// Explicit is true when Path was given by the caller (--config) rather than found.
	Explicit bool
	// Searched is the default location looked at when no path was given; "" if none could be
	// worked out (neither XDG_CONFIG_HOME nor HOME set).
	Searched string
}

// String is the file, or a note that defaults were used.
func (s Source) String() string {
	switch {
	case s.Path != "":
		return s.Path
	case s.Searched != "":
		return "built-in defaults (no file at " + s.Searched + ")"
	}
	return "built-in defaults"
}

// DefaultPath is where robotui looks for its config without --config:
// $XDG_CONFIG_HOME/robotui/config.toml, or ~/.config/robotui/config.toml when XDG_CONFIG_HOME
// is unset (or, as the XDG spec says, not absolute). Variables come from env, not the process.
// The home directory is $HOME, or $USERPROFILE where there is no HOME (Windows). It returns ""
// when none of them is usable.
func DefaultPath(env []string) string {
	if xdg := lookup(env, "XDG_CONFIG_HOME"); filepath.IsAbs(xdg) {
		return filepath.Join(xdg, "robotui", "config.toml")
	}
	home := cmp.Or(lookup(env, "HOME"), lookup(env, "USERPROFILE"))
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".config", "robotui", "config.toml")
}

// lookup is os.Getenv over an environ-style slice; the last assignment wins.
func lookup(env []string, name string) string {
	value := ""
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			value = v
		}
	}
	return value
}

// Parse reads the config file over [Defaults]: path if given (it must exist), else
// [DefaultPath] if a file is there, else nothing. env is used only to find the default path;
// overlay it with [Config.ApplyEnv]. Errors are those of [ParseBytes], or an *Error naming the
// file when it cannot be read (errors.Is(err, fs.ErrNotExist) for a missing one).
func Parse(path string, env []string) (Config, Source, error) {
	src := Source{Path: path, Explicit: path != ""}
	if path == "" {
		src.Searched = DefaultPath(env)
		if src.Searched == "" {
			return Defaults(), src, nil
		}
		if _, err := os.Stat(src.Searched); errors.Is(err, fs.ErrNotExist) {
			return Defaults(), src, nil
		}
		src.Path = src.Searched
	}
	data, err := readLimited(src.Path)
	if err != nil {
		return Defaults(), src, err
	}
	c, err := ParseBytes(src.Path, data)
	return c, src, err
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	var data []byte
	if err == nil {
		defer f.Close()
		data, err = io.ReadAll(io.LimitReader(f, maxFileSize+1))
	}
	switch {
	case err != nil:
		return nil, &Error{File: path, Msg: "cannot read config file: " + cause(err), Err: err}
	case len(data) > maxFileSize:
		return nil, &Error{File: path, Msg: fmt.Sprintf("config file is larger than %d bytes", maxFileSize)}
	}
	return data, nil
}

// cause drops the path an *fs.PathError repeats.
func cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Load is Parse, ApplyEnv and Validate in one go, for callers with no flags to apply. It
// returns every problem found, joined.
func Load(path string, env []string, allowLive bool) (Config, Source, error) {
	c, src, err := Parse(path, env)
	envErr := c.ApplyEnv(env)
	return c, src, errors.Join(err, envErr, c.Validate(allowLive))
}

// Check implements `robotui config check`: it loads the configuration as main would (without
// flags) and prints "ok: PATH" to stdout and returns 0, or prints every problem, one per line,
// to stderr and returns 2.
func Check(path string, env []string, allowLive bool, stdout, stderr io.Writer) int {
	c, src, err := Load(path, env, allowLive)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if p := c.SinkSecretProblems(env); len(p) > 0 {
		fmt.Fprintln(stderr, strings.Join(p, "\n"))
		return 2
	}
	fmt.Fprintf(stdout, "ok: %s\n", src)
	return 0
}
