package config

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/robotui/robotui/ui/keys"
)

func TestApplyEnvValues(t *testing.T) {
	c := Defaults()
	err := c.ApplyEnv([]string{
		"PATH=/usr/bin",
		"ROBOTUI_GATEWAY_PORT=4003",
		"ROBOTUI_GATEWAY_READONLY=false",
		"ROBOTUI_GATEWAY_MODE=paper",
		"ROBOTUI_KEEPALIVE_INTERVAL=750ms",
		"ROBOTUI_RECONNECT_JITTER=0.5",
		"ROBOTUI_WATCHLIST_SYMBOLS= aapl, msft ,,",
		"ROBOTUI_LOG_FORMAT=json",
		"ROBOTUI_LOG_FILE=",
		"ROBOTUI_SIM_SEED=-3",
		"ROBOTUI_KEYS_QUIT=x,ctrl+q",
		"ROBOTUI_CONFIG=/elsewhere.toml", // not a section: not ours to judge
		"ROBOTUI_E2E_BIN=/tmp/robotui",
		"ROBOTUI_SIM_SPEED=2",
		"ROBOTUI_SIM_SPEED=3", // the last one wins, as in a process environment
	})
	if err != nil {
		t.Fatalf("ApplyEnv: %v", err)
	}
	want := Defaults()
	want.Gateway.Port = 4003
	want.Gateway.ReadOnly = false
	want.Keepalive.Interval = 750 * time.Millisecond
	want.Reconnect.Jitter = 0.5
	want.Watchlist.Symbols = []string{"AAPL", "MSFT"}
	want.Log.Format = "json"
	want.Sim.Seed = -3
	want.Sim.Speed = 3
	want.Keys["quit"] = []string{"x", "ctrl+q"}
	c.origins = nil
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

func TestApplyEnvErrors(t *testing.T) {
	tests := []struct {
		env   string
		wants []want
	}{
		{"ROBOTUI_GATEWAY_PORT=abc", []want{{env: "ROBOTUI_GATEWAY_PORT", key: "gateway.port", msg: `expected an integer, got "abc"`}}},
		{"ROBOTUI_GATEWAY_PORT=", []want{{env: "ROBOTUI_GATEWAY_PORT", key: "gateway.port", msg: `expected an integer, got ""`}}},
		{"ROBOTUI_GATEWAY_READONLY=maybe", []want{{env: "ROBOTUI_GATEWAY_READONLY", key: "gateway.readonly", msg: "expected true or false"}}},
		{"ROBOTUI_KEEPALIVE_TIMEOUT=2", []want{{env: "ROBOTUI_KEEPALIVE_TIMEOUT", key: "keepalive.timeout", msg: `expected a duration like "2s", got "2"`}}},
		{"ROBOTUI_SIM_SPEED=fast", []want{{env: "ROBOTUI_SIM_SPEED", key: "sim.speed", msg: "expected a number"}}},
		{"ROBOTUI_SIM_SEED=99999999999999999999", []want{{env: "ROBOTUI_SIM_SEED", key: "sim.seed", msg: "expected an integer"}}},
		{"ROBOTUI_GATEWAY_PROT=1", []want{{env: "ROBOTUI_GATEWAY_PROT", msg: `unknown setting in [gateway] (did you mean "ROBOTUI_GATEWAY_PORT"?)`}}},
		{"ROBOTUI_LOG_COLOUR=1", []want{{env: "ROBOTUI_LOG_COLOUR", msg: "expected one of ROBOTUI_LOG_FORMAT, ROBOTUI_LOG_LEVEL, ROBOTUI_LOG_FILE"}}},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			c := Defaults()
			checkErrors(t, "", c.ApplyEnv([]string{tt.env}), tt.wants)
		})
	}
}

// Flags beat environment, environment beats the file, the file beats defaults; and a
// validation error names whichever of them set the bad value.
func TestPrecedence(t *testing.T) {
	c, err := ParseBytes("config.toml", []byte("[gateway]\nport = 7497\nclient_id = 5\nhost = \"filehost\"\n[strategy]\nfast = 30\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ApplyEnv([]string{"ROBOTUI_GATEWAY_CLIENT_ID=6", "ROBOTUI_GATEWAY_HOST=envhost", "ROBOTUI_STRATEGY_SLOW=25"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Set("gateway.host", "flaghost", "--host"); err != nil {
		t.Fatal(err)
	}
	g := c.Gateway
	if g.Port != 7497 || g.ClientID != 6 || g.Host != "flaghost" || g.ConnectTimeout != 10*time.Second {
		t.Errorf("gateway = %+v; want port from file, client_id from env, host from flag, timeout default", g)
	}
	// fast = 30 (file) >= slow = 25 (env): blamed on the file line that set fast.
	checkErrors(t, "config.toml", c.Validate(false), []want{{line: 6, key: "strategy.fast", msg: "fast (30) must be less than slow (25)"}})

	// Override fast by environment, then by flag: the blame follows.
	if err := c.ApplyEnv([]string{"ROBOTUI_STRATEGY_FAST=26"}); err != nil {
		t.Fatal(err)
	}
	checkErrors(t, "", c.Validate(false), []want{{env: "ROBOTUI_STRATEGY_FAST", key: "strategy.fast", msg: "fast (26)"}})
	if err := c.Set("strategy.fast", "27", "--fast"); err != nil {
		t.Fatal(err)
	}
	checkErrors(t, "", c.Validate(false), []want{{flag: "--fast", key: "strategy.fast", msg: "fast (27)"}})
}

func TestSet(t *testing.T) {
	tests := []struct {
		key, value string
		wants      []want
	}{
		{"gateway.port", "4003", nil},
		{"watchlist.symbols", "spy, qqq", nil},
		{"gateway.port", "x", []want{{flag: "--flag", key: "gateway.port", msg: `expected an integer, got "x"`}}},
		{"gateway.nope", "1", []want{{flag: "--flag", key: "gateway.nope", msg: "unknown config key"}}},
	}
	for _, tt := range tests {
		c := Defaults()
		checkErrors(t, "", c.Set(tt.key, tt.value, "--flag"), tt.wants)
	}
	c := Defaults()
	if err := c.Set("watchlist.symbols", "spy, qqq", "--symbols"); err != nil || !reflect.DeepEqual(c.Watchlist.Symbols, []string{"SPY", "QQQ"}) {
		t.Errorf("Set symbols: %v, %q", err, c.Watchlist.Symbols)
	}
}

// Setting on a copy must not change where the original's values came from.
func TestCopiesDoNotShareOrigins(t *testing.T) {
	a, err := ParseBytes("a.toml", []byte("[strategy]\nfast = 20\n"))
	if err != nil {
		t.Fatal(err)
	}
	b := a
	if err := b.Set("strategy.fast", "20", "--fast"); err != nil {
		t.Fatal(err)
	}
	if got := Errors(a.Validate(false)); len(got) != 1 || got[0].File != "a.toml" || got[0].Flag != "" {
		t.Errorf("original blames %+v, want a.toml", got)
	}
	if err := b.Set("keys.quit", "x", "--quit"); err != nil || !reflect.DeepEqual(a.Keys["quit"], []string{"q", "ctrl+c"}) {
		t.Errorf("setting a copy's key binding changed the original: %v, %q", err, a.Keys["quit"])
	}
}

func TestEveryKeyHasAnEnvVar(t *testing.T) {
	seen := map[string]string{}
	for _, f := range fields {
		if prev, dup := seen[f.env]; dup {
			t.Errorf("%s and %s share %s", prev, f.key, f.env)
		}
		seen[f.env] = f.key
		c := Defaults()
		if err := c.ApplyEnv([]string{f.env + "=" + envSample(f, &c)}); err != nil {
			t.Errorf("%s: %v", f.env, err)
		}
	}
	if want := 69 + len(keys.Actions); len(fields) != want {
		t.Errorf("found %d settings, want %d: did a section lose its toml tags?", len(fields), want)
	}
}

// envSample is a valid text form of f's default value.
func envSample(f *field, c *Config) string {
	v := f.get(c)
	switch x := v.(type) {
	case time.Duration:
		return x.String()
	case []string:
		return "a,b"
	case Mode:
		return string(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}
