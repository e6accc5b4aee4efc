package config

import (
	"os"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"",
	"[gateway]\nport = \"abc\"\n",
	"[gateway]\nport = 4001\nmode = \"live\"\n",
	"[watchlist]\nsymbols = []\nbar_size = \"1 secs\"\n",
	"gateway = { port = 1, x = { y = [1, [2, {z = 3}]] } }\n",
	"[[keys]]\nquit = 1\n[keys.up]\n",
	"s = \"\"\"\n[gateway]\nport = 1\"\"\"\n[log]\nlevel = \"\"\"loud\"\"\"\n",
	"[gateway\nport = 1\n",
	"a = [[[[[[[[[[1]]]]]]]]]]\n",
	"[sim]\nspeed = nan\nseed = -9223372036854775808\n",
	"[reconnect]\ninitial = \"-5s\"\nmultiplier = inf\n",
	"\"\\u00e9\" = 1\n'lit' = 2\n",
	"a = {b = {c = {d = 1}}}\n",
	"a.b.c.d.e = 1\n",
	"[log]\nfile = \"[[[[\" # {{{{\n",
	"[[watchlist.group]]\nname = \"g\"\nsymbols = [\"AAPL\"]\nstrategies = [{ kind = \"rsi\", low = 20 }, { kind = \"bollinger\", mode = \"breakout\" }]\n",
	"[[watchlist.group]]\nname = \"g\"\nsymbols = [\"aapl\"]\nstrategies = [{ kind = \"macd\", signal = 0 }]\n[alerts]\nstrategy_signals = [\"*:rsi\"]\n",
}

// FuzzLoad feeds arbitrary bytes through ParseBytes and Validate: never a panic, every error
// an *Error with a line inside the input, and a config without errors obeys the rules.
func FuzzLoad(f *testing.F) {
	if example, err := os.ReadFile(examplePath); err == nil {
		f.Add(example)
	} else {
		f.Fatal(err)
	}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseBytes("fuzz.toml", data)
		lines := strings.Count(string(data), "\n") + 1
		for _, e := range Errors(err) {
			if e.File != "fuzz.toml" || e.Line < 0 || e.Line > lines || e.Msg == "" {
				t.Fatalf("bad error %#v for %q", e, data)
			}
		}
		if len(Errors(err)) == 0 && err != nil {
			t.Fatalf("error of an unexpected type %T: %v", err, err)
		}
		for _, allowLive := range []bool{false, true} {
			verr := c.Validate(allowLive)
			if verr != nil {
				continue
			}
			if len(c.Watchlist.Symbols) == 0 || c.Strategy.Fast >= c.Strategy.Slow ||
				c.Gateway.Port < 1 || c.Gateway.Port > 65535 || c.Keepalive.Interval <= 0 ||
				!(c.Sim.Speed > 0) || (!allowLive && c.Gateway.Mode != ModePaper) {
				t.Fatalf("Validate(%v) accepted %+v", allowLive, c)
			}
			if _, err := c.SymbolStrategies(); err != nil {
				t.Fatalf("Validate(%v) accepted strategies SymbolStrategies refuses: %v", allowLive, err)
			}
		}
	})
}

// FuzzByteSize: [journal] max_size is read from a file.
func FuzzByteSize(f *testing.F) {
	for _, s := range []string{"200MB", "1gb", "512 KB", "10", "-1MB", "9223372036854775807GB", "MB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := ByteSize(s); err == nil && n < 0 {
			t.Errorf("ByteSize(%q) = %d", s, n)
		}
	})
}
