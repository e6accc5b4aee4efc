package config

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// ParseBytes decodes a TOML document over [Defaults]. name is the file name used in errors.
// It reports syntax errors, unknown keys and values of the wrong type, all of them; semantic
// checks are left to [Config.Validate]. On error the returned Config still holds every value
// that could be decoded.
func ParseBytes(name string, data []byte) (Config, error) {
	c := Defaults()
	if err := checkNesting(name, string(data)); err != nil {
		return c, err
	}
	var doc map[string]toml.Primitive
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		return c, syntaxError(name, err)
	}
	d := decoder{c: &c, file: name, md: &md, doc: doc, tables: map[string]map[string]toml.Primitive{}, seen: map[string]bool{}}
	for _, k := range md.Keys() { // in document order
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

// peekFunc is a toml.Unmarshaler that shows it the raw value, then fails.
type peekFunc func(raw any)

func (f peekFunc) UnmarshalTOML(raw any) error { f(raw); return errors.New("peeked") }

// peek returns the raw value under p and the line of its key. The parser keeps key positions
// private and hands them out only inside a ParseError, so the value is read by an Unmarshaler
// that fails. Decoding raw values ourselves (not into Config) is what lets every bad value be
// reported, in our words, rather than the first one in Go's.
func (d *decoder) peek(p toml.Primitive) (raw any, line int) {
	var pe toml.ParseError
	if errors.As(d.md.PrimitiveDecode(p, peekFunc(func(v any) { raw = v })), &pe) {
		line = pe.Position.Line
	}
	return raw, line
}

type decoder struct {
	c      *Config
	file   string
	md     *toml.MetaData
	doc    map[string]toml.Primitive
	tables map[string]map[string]toml.Primitive // each section's keys; nil when it is no table
	seen   map[string]bool                      // dotted keys already decoded or reported
	errs   errList
}

// table returns the keys of section, if it is a table.
func (d *decoder) table(section string) map[string]toml.Primitive {
	t, done := d.tables[section]
	if !done {
		if d.md.PrimitiveDecode(d.doc[section], &t) != nil {
			t = nil
		}
		d.tables[section] = t
	}
	return t
}

// key handles one key of the document. Keys deeper than section.name belong to a setting
// given as a table; decoding that setting reports it.
func (d *decoder) key(k toml.Key) {
	if len(d.errs) > maxErrors {
		return // each peek costs a pass over the file
	}
	section := k[0]
	names, known := sectionKeys[section]
	if !known || len(k) == 1 {
		d.section(k, known)
		return
	}
	dotted := section + "." + k[1]
	table := d.table(section)
	if len(k) > 2 || table == nil || d.seen[dotted] {
		return
	}
	d.seen[dotted] = true
	if dotted == "watchlist.group" {
		d.groupList(dotted, table[k[1]])
		return
	}
	if isTableList(dotted) {
		d.tableList(dotted, table[k[1]])
		return
	}
	raw, line := d.peek(table[k[1]])
	f := fieldByKey[dotted]
	if f == nil {
		d.fail(dotted, line, fmt.Sprintf("unknown key in [%s]%s", section, suggest(k[1], names)))
		return
	}
	if err := f.set(d.c, Error{File: d.file, Line: line}, func(v reflect.Value) error { return setFromTOML(v, raw) }); err != nil {
		d.fail(dotted, line, err.Error())
	}
}

// section checks a top-level key: a known section that is a table, or nothing else.
func (d *decoder) section(k toml.Key, known bool) {
	section := k[0]
	if d.seen[section] {
		return
	}
	d.seen[section] = true
	raw, line := d.peek(d.doc[section])
	if t := d.table(section); line == 0 && len(k) > 1 && t != nil {
		_, line = d.peek(t[k[1]]) // a table made by a dotted key has no line of its own
	}
	_, isTable := raw.(map[string]any)
	switch {
	case !known && (isTable || len(k) > 1):
		d.fail(section, line, "unknown section"+suggest(section, sections))
	case !known:
		d.fail(section, line, "unknown key; settings belong in a section"+suggest(section, sections))
	case !isTable:
		d.fail(section, line, fmt.Sprintf("expected a table [%s], got %s", section, describe(raw)))
	}
}

// tableList decodes [[alerts.sink]] whole; unknown keys in it are errors too.
func (d *decoder) tableList(dotted string, p toml.Primitive) {
	var sinks []Sink
	if err := d.md.PrimitiveDecode(p, &sinks); err != nil {
		_, line := d.peek(p)
		d.fail(dotted, line, "expected [[alerts.sink]] tables: "+err.Error())
		return
	}
	for _, u := range d.md.Undecoded() {
		if len(u) > 2 && u[0] == "alerts" && u[1] == "sink" {
			d.fail(dotted, 0, fmt.Sprintf("unknown key %q in [[alerts.sink]]", u[len(u)-1]))
		}
	}
	d.c.Alerts.Sinks = sinks
	d.c.origins = maps.Clone(d.c.origins)
	if d.c.origins == nil {
		d.c.origins = map[string]Error{}
	}
	d.c.origins[dotted] = Error{File: d.file}
}

func (d *decoder) fail(key string, line int, msg string) {
	d.errs.add(d.file, &Error{File: d.file, Line: line, Key: key, Msg: msg})
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
