package config

import (
	"strings"
	"testing"
)

func TestNestingLimit(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		wants []want
	}{
		{"inline table with a list", "keys = { quit = [\"q\"] }\n", nil},
		{"dotted key", "keys.quit = [\"q\"]\n[sim]\nspeed = 1.5\n", nil},
		{"brackets in strings and comments", "[log]\nfile = \"[[[[{{{{a.b.c.d.e\" # [[[[ a.b.c.d.e\nlevel = '''\n[[[[\n'''\n", nil},
		{"deep inline tables", "\n" + "a = " + strings.Repeat("{b=", 5000) + "1" + strings.Repeat("}", 5000) + "\n",
			[]want{{line: 2, msg: "brackets nested more than 3 levels deep"}}},
		{"deep arrays over lines", "a = [\n[\n[\n[\n1]]]]\n",
			[]want{{line: 4, msg: "brackets nested more than 3 levels deep"}}},
		{"long dotted key", strings.Repeat("a.", 5000) + "b = 1\n",
			[]want{{line: 1, msg: "dotted key nested more than 3 levels deep"}}},
		{"after a multi-line literal string", "s = '''\n'''\na = [[[[1]]]]\n",
			[]want{{line: 3, msg: "brackets nested more than 3 levels deep"}}},
		{"after a string ending in quotes", "s = \"\"\"a\"\"\"\"\"\na = {b={c={d={e=1}}}}\n",
			[]want{{line: 2, msg: "brackets nested more than 3 levels deep"}}},
		{"after an escaped quote", "s = \"a\\\"[[[[\"\na.b.c.d.e = 1\n",
			[]want{{line: 2, msg: "dotted key nested more than 3 levels deep"}}},
		{"long table header", "\n\n[a . \"b\" . 'c' . d . e]\n",
			[]want{{line: 3, msg: "dotted key nested more than 3 levels deep"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBytes("config.toml", []byte(tt.src))
			if tt.wants == nil {
				for _, e := range Errors(err) {
					if strings.Contains(e.Msg, "nested") {
						t.Errorf("unexpected %v", e)
					}
				}
				return
			}
			checkErrors(t, "config.toml", err, tt.wants)
		})
	}
}

func TestTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("[gateway]\n")
	for i := range 200 {
		b.WriteString("k" + strings.Repeat("x", i) + " = 1\n")
	}
	_, err := ParseBytes("config.toml", []byte(b.String()))
	errs := Errors(err)
	if len(errs) != maxErrors+1 || !strings.Contains(errs[maxErrors].Msg, "more than 50 errors") {
		t.Errorf("got %d errors, last %v; want %d and a note", len(errs), errs[len(errs)-1], maxErrors+1)
	}

	c := Defaults()
	for i := range 200 {
		c.Watchlist.Symbols = append(c.Watchlist.Symbols, strings.Repeat("!", i%5+1))
	}
	if errs := Errors(c.Validate(false)); len(errs) != maxErrors+1 {
		t.Errorf("Validate gave %d errors, want %d", len(errs), maxErrors+1)
	}
}
