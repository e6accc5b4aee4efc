package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// ApplyEnv overlays ROBOTUI_<SECTION>_<KEY> variables from env (as in os.Environ; the last
// of duplicates wins) on c. Lists are comma-separated: ROBOTUI_WATCHLIST_SYMBOLS=AAPL,MSFT.
// A variable that names a known section but no key in it is an error (a typo would otherwise
// be silently ignored); other ROBOTUI_ variables are not settings and are left alone. Errors
// name the variable; c keeps every value that could be applied.
func (c *Config) ApplyEnv(env []string) error {
	var errs []error
	for _, kv := range env {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envPrefix) {
			continue
		}
		f := fieldByEnv[name]
		if f == nil {
			if msg, ours := unknownEnv(name); ours {
				errs = append(errs, &Error{Env: name, Msg: msg})
			}
			continue
		}
		if err := f.set(c, Error{Env: name}, func(v reflect.Value) error { return setFromString(v, value) }); err != nil {
			errs = append(errs, &Error{Env: name, Key: f.key, Msg: err.Error()})
		}
	}
	c.normalize()
	return errors.Join(errs...)
}

// unknownEnv explains a ROBOTUI_ variable that is no setting, if it claims one of our sections.
func unknownEnv(name string) (msg string, ours bool) {
	rest := strings.TrimPrefix(name, envPrefix)
	for _, section := range sections {
		if !strings.HasPrefix(rest, strings.ToUpper(section)+"_") {
			continue
		}
		var vars []string
		for _, k := range sectionKeys[section] {
			vars = append(vars, fieldByKey[section+"."+k].env)
		}
		return fmt.Sprintf("unknown setting in [%s]%s", section, suggest(name, vars)), true
	}
	return "", false
}

// Set stores value, given as text the way an environment variable would give it, under the
// dotted key (e.g. "gateway.port"), and remembers flag (e.g. "--port") for error messages. It is
// how main applies command-line flags between [Config.ApplyEnv] and [Config.Validate].
func (c *Config) Set(key, value, flag string) error {
	f := fieldByKey[key]
	if f == nil {
		return &Error{Flag: flag, Key: key, Msg: "unknown config key"}
	}
	if err := f.set(c, Error{Flag: flag}, func(v reflect.Value) error { return setFromString(v, value) }); err != nil {
		return &Error{Flag: flag, Key: key, Msg: err.Error()}
	}
	c.normalize()
	return nil
}
