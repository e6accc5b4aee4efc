package config

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// origin is where a setting's current value came from; the zero value means the default.
type origin struct {
	file string
	line int
	env  string
	flag string
}

// ParseBytes decodes a TOML document over [Defaults]. name is the file name used in errors.
// It reports syntax errors, unknown keys and values of the wrong type, all of them; semantic
// checks are left to [Config.Validate]. On error the returned Config still holds every value
// that could be decoded.
func ParseBytes(name string, data []byte) (Config, error) {
	c := Defaults()
	c.origins = map[string]origin{}
	if err := checkNesting(name, string(data)); err != nil {
		return c, err
	}
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		return c, syntaxError(name, err)
	}
	d := decoder{c: &c, file: name, raw: raw, lines: keyLines(string(data)), seen: map[string]bool{}}
	for _, k := range md.Keys() {
		d.key(k)
	}
	c.normalize()
	return c, errors.Join(d.errs...)
}

func syntaxError(name string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &Error{File: name, Line: pe.Position.Line, Key: pe.LastKey, Msg: "invalid TOML: " + pe.Message, Err: err}
	}
	return &Error{File: name, Msg: "invalid TOML: " + err.Error(), Err: err}
}

type decoder struct {
	c     *Config
	file  string
	raw   map[string]any
	lines map[string]int
	seen  map[string]bool // dotted keys already decoded or reported
	errs  []error
}

// key handles one key of the document, in document order. Keys deeper than section.name
// belong to a setting given as a table; decoding that setting reports it.
func (d *decoder) key(k toml.Key) {
	if len(d.errs) > maxErrors {
		return
	}
	section := k[0]
	names, known := sectionKeys[section]
	if !known {
		what := "unknown section"
		if _, isTable := d.raw[section].(map[string]any); !isTable {
			what = "unknown key; settings belong in a section"
		}
		d.failOnce(section, what+suggest(section, sectionNames()))
		return
	}
	table, ok := d.raw[section].(map[string]any)
	if !ok {
		d.failOnce(section, fmt.Sprintf("expected a table [%s], got %s", section, describe(d.raw[section])))
		return
	}
	if len(k) == 1 {
		return
	}
	dotted := section + "." + k[1]
	f := fieldByKey[dotted]
	if f == nil {
		d.failOnce(dotted, fmt.Sprintf("unknown key in [%s]%s", section, suggest(k[1], names)))
		return
	}
	if d.seen[dotted] {
		return
	}
	d.seen[dotted] = true
	if err := setFromTOML(f.value(d.c), table[k[1]]); err != nil {
		d.fail(dotted, err.Error())
		return
	}
	d.c.origins[dotted] = origin{file: d.file, line: d.lines[dotted]}
}

func (d *decoder) failOnce(key, msg string) {
	if !d.seen[key] {
		d.seen[key] = true
		d.fail(key, msg)
	}
}

func (d *decoder) fail(key, msg string) {
	if len(d.errs) == maxErrors {
		d.errs = append(d.errs, tooManyErrors(d.file))
		return
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: d.lines[key], Key: key, Msg: msg})
}

// suggest returns ` (did you mean "x"?)` for the closest candidate, or the list of candidates.
func suggest(got string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(got), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return "; expected one of " + strings.Join(candidates, ", ")
}

// editDistance is the Levenshtein distance, giving up (returning a large value) on long input.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// normalize trims and upper-cases the symbols, as documented on Watchlist.Symbols.
func (c *Config) normalize() {
	syms := slices.Clone(c.Watchlist.Symbols)
	for i, s := range syms {
		syms[i] = strings.ToUpper(strings.TrimSpace(s))
	}
	c.Watchlist.Symbols = syms
}

// setOrigin records where key's value came from without touching a map another copy of
// the Config may share.
func (c *Config) setOrigin(key string, o origin) {
	c.origins = maps.Clone(c.origins)
	if c.origins == nil {
		c.origins = map[string]origin{}
	}
	c.origins[key] = o
}
