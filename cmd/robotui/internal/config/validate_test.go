package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestDefaultsAreValid(t *testing.T) {
	for _, allowLive := range []bool{false, true} {
		if err := Defaults().Validate(allowLive); err != nil {
			t.Errorf("Defaults().Validate(%v) = %v", allowLive, err)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		allowLive bool
		wants     []want
	}{
		// gateway
		{"empty host", "[gateway]\nhost = \"\"\n", false, []want{{line: 2, key: "gateway.host", msg: "expected a host name or IP address"}}},
		{"host with space", "[gateway]\nhost = \"a b\"\n", false, []want{{line: 2, key: "gateway.host", msg: `got "a b"`}}},
		{"port 0", "[gateway]\nport = 0\n", false, []want{{line: 2, key: "gateway.port", msg: "expected an integer from 1 to 65535, got 0"}}},
		{"port 65536", "[gateway]\nport = 65536\n", false, []want{{line: 2, key: "gateway.port", msg: "from 1 to 65535, got 65536"}}},
		{"port 65535", "[gateway]\nport = 65535\n", false, nil},
		{"client id -1", "[gateway]\nclient_id = -1\n", false, []want{{line: 2, key: "gateway.client_id", msg: "from 0 to 2147483638, got -1"}}},
		{"client id max", "[gateway]\nclient_id = 2147483638\n", false, nil},
		{"client id without room to rotate", "[gateway]\nclient_id = 2147483647\n", false, []want{{line: 2, key: "gateway.client_id", msg: "from 0 to 2147483638"}}},
		{"client id too big", "[gateway]\nclient_id = 2147483648\n", false, []want{{line: 2, key: "gateway.client_id", msg: "got 2147483648"}}},
		{"bad mode", "[gateway]\nmode = \"demo\"\n", false, []want{{line: 2, key: "gateway.mode", msg: `expected "paper" or "live", got "demo"`}}},
		{"zero connect timeout", "[gateway]\nconnect_timeout = \"0s\"\n", false, []want{{line: 2, key: "gateway.connect_timeout", msg: `expected a positive duration like "2s", got 0s`}}},
		{"negative connect timeout", "[gateway]\nconnect_timeout = \"-1s\"\n", false, []want{{line: 2, key: "gateway.connect_timeout", msg: "got -1s"}}},

		// floors that keep absurd settings from storming the gateway
		{"connect timeout 1ns", "[gateway]\nconnect_timeout = \"1ns\"\n", false, []want{{line: 2, key: "gateway.connect_timeout", msg: "expected at least 1s, got 1ns"}}},
		{"connect timeout 1s", "[gateway]\nconnect_timeout = \"1s\"\n", false, nil},
		{"reconnect 1ns", "[reconnect]\ninitial = \"1ns\"\nmax = \"1ns\"\n", false, []want{
			{line: 2, key: "reconnect.initial", msg: "at least 100ms, got 1ns"}, {line: 3, key: "reconnect.max", msg: "at least 100ms, got 1ns"}}},
		{"reconnect at the floor", "[reconnect]\ninitial = \"100ms\"\nmax = \"100ms\"\n", false, nil},
		{"keepalive 1ns", "[keepalive]\ninterval = \"1ns\"\ntimeout = \"1ns\"\n", false, []want{
			{line: 2, key: "keepalive.interval", msg: "at least 100ms"}, {line: 3, key: "keepalive.timeout", msg: "at least 50ms"}}},
		{"scan 1ns", "[zombies]\nscan_interval = \"1ns\"\n", false, []want{{line: 2, key: "zombies.scan_interval", msg: "at least 250ms, got 1ns"}}},
		{"scan 250ms", "[zombies]\nscan_interval = \"250ms\"\n", false, nil},

		// host names
		{"host with port", "[gateway]\nhost = \"127.0.0.1:4003\"\n", false, []want{{line: 2, key: "gateway.host", msg: "a port goes in gateway.port"}}},
		{"host with control character", "[gateway]\nhost = \"gate\\u0007way\"\n", false, []want{{line: 2, key: "gateway.host", msg: `"gate\away"`}}},
		{"host like a flag", "[gateway]\nhost = \"-x\"\n", false, []want{{line: 2, key: "gateway.host", msg: "labels of letters"}}},
		{"host of 300 characters", "[gateway]\nhost = \"" + strings.Repeat("a", 300) + "\"\n", false, []want{{line: 2, key: "gateway.host", msg: "300 characters"}}},
		{"host label of 64", "[gateway]\nhost = \"" + strings.Repeat("a", 64) + ".example\"\n", false, []want{{line: 2, key: "gateway.host", msg: "labels"}}},
		{"host name", "[gateway]\nhost = \"gw-1.internal.example.com.\"\n", false, nil},
		{"host IPv6", "[gateway]\nhost = \"::1\"\n", false, nil},
		{"host localhost", "[gateway]\nhost = \"localhost\"\n", false, nil},

		// the watchlist's bound
		{"500 symbols", "[watchlist]\nsymbols = [" + symbolList(500) + "]\n", false, nil},
		{"501 symbols", "[watchlist]\nsymbols = [" + symbolList(501) + "]\n", false, []want{{line: 2, key: "watchlist.symbols", msg: "501 symbols: at most 500"}}},

		// paper / live
		{"paper on 7497", "[gateway]\nport = 7497\n", false, nil},
		{"paper on 4001", "[gateway]\nport = 4001\n", false, []want{{line: 2, key: "gateway.port", msg: `port 4001 is IB Gateway's live-trading port but mode is "paper"`}}},
		{"paper on 7496", "[gateway]\nport = 7496\n", false, []want{{line: 2, key: "gateway.port", msg: `port 7496 is TWS's live-trading port`}}},
		{"paper on 7496", "[gateway]\nport = 7496\n", false, []want{{line: 2, key: "gateway.port", msg: "live-trading port"}}},
		{"paper on 7496 with --live", "[gateway]\nport = 7496\n", true, nil},
		{"live without --live", "[gateway]\nmode = \"live\"\nport = 4001\n", false, []want{{line: 2, key: "gateway.mode", msg: "live mode needs --live"}}},
		{"live on 4001 with --live", "[gateway]\nmode = \"live\"\nport = 4001\n", true, nil},
		{"live on 7496 with --live", "[gateway]\nmode = \"live\"\nport = 7496\n", true, nil},
		{"live on default 4002", "[gateway]\nmode = \"live\"\n", false, []want{{line: 2, key: "gateway.mode", msg: "live mode needs --live"}, {line: 2, key: "gateway.mode", msg: `port 4002 is IB Gateway's paper-trading port but mode is "live"`}}},
		{"live on 7497", "[gateway]\nmode = \"live\"\nport = 7497\n", false, []want{{line: 2, key: "gateway.mode", msg: "live mode needs --live"}, {line: 3, key: "gateway.port", msg: "TWS's paper-trading port"}}},
		{"live on 7497 with --live", "[gateway]\nmode = \"live\"\nport = 7497\n", true, nil},
		{"live on 7497 without --live", "[gateway]\nport = 7497\nmode = \"live\"\n", false, []want{
			{line: 3, key: "gateway.mode", msg: "live mode needs --live"},
			{line: 2, key: "gateway.port", msg: "paper-trading port"},
		}},
		{"live on another port", "[gateway]\nmode = \"live\"\nport = 4003\n", true, nil},

		// keepalive
		{"zero interval", "[keepalive]\ninterval = \"0s\"\n", false, []want{{line: 2, key: "keepalive.interval", msg: "positive duration"}}},
		{"zero timeout", "[keepalive]\ntimeout = \"0ms\"\n", false, []want{{line: 2, key: "keepalive.timeout", msg: "positive duration"}}},
		{"max misses 0", "[keepalive]\nmax_misses = 0\n", false, []want{{line: 2, key: "keepalive.max_misses", msg: "from 1 to"}}},
		{"history 9", "[keepalive]\nhistory = 9\n", false, []want{{line: 2, key: "keepalive.history", msg: "from 10 to 100000, got 9"}}},
		{"history 100001", "[keepalive]\nhistory = 100001\n", false, []want{{line: 2, key: "keepalive.history", msg: "got 100001"}}},
		{"history bounds", "[keepalive]\nhistory = 10\n", false, nil},

		// reconnect
		{"zero initial", "[reconnect]\ninitial = \"0s\"\n", false, []want{{line: 2, key: "reconnect.initial", msg: "positive duration"}}},
		{"max below initial", "[reconnect]\ninitial = \"1m\"\n", false, []want{{line: 2, key: "reconnect.initial", msg: "max (30s) must not be below initial (1m0s)"}}},
		{"max below initial, max set", "[reconnect]\nmax = \"100ms\"\n", false, []want{{line: 2, key: "reconnect.max", msg: "must not be below initial"}}},
		{"multiplier below 1", "[reconnect]\nmultiplier = 0.5\n", false, []want{{line: 2, key: "reconnect.multiplier", msg: "from 1 to 10, got 0.5"}}},
		{"multiplier nan", "[reconnect]\nmultiplier = nan\n", false, []want{{line: 2, key: "reconnect.multiplier", msg: "got NaN"}}},
		{"multiplier inf", "[reconnect]\nmultiplier = inf\n", false, []want{{line: 2, key: "reconnect.multiplier", msg: "got +Inf"}}},
		{"multiplier 1", "[reconnect]\nmultiplier = 1\n", false, nil},
		{"jitter negative", "[reconnect]\njitter = -0.1\n", false, []want{{line: 2, key: "reconnect.jitter", msg: "from 0 to 1, got -0.1"}}},
		{"jitter above 1", "[reconnect]\njitter = 1.5\n", false, []want{{line: 2, key: "reconnect.jitter", msg: "got 1.5"}}},
		{"jitter bounds", "[reconnect]\njitter = 0\n", false, nil},

		// zombies
		{"zero scan interval", "[zombies]\nscan_interval = \"0s\"\n", false, []want{{line: 2, key: "zombies.scan_interval", msg: "positive duration"}}},
		{"zero kill grace", "[zombies]\nkill_grace = \"0s\"\n", false, []want{{line: 2, key: "zombies.kill_grace", msg: "positive duration"}}},
		{"auto kill on", "[zombies]\nauto_kill = true\n", false, nil},

		// watchlist
		{"empty watchlist", "[watchlist]\nsymbols = []\n", false, []want{{line: 2, key: "watchlist.symbols", msg: "expected at least one symbol"}}},
		{"symbol too long", "[watchlist]\nsymbols = [\"ABCDEFGHIJKLM\"]\n", false, []want{{line: 2, key: "watchlist.symbols", msg: `symbol "ABCDEFGHIJKLM": expected 1 to 12 characters`}}},
		{"symbol bad char", "[watchlist]\nsymbols = [\"AAPL\", \"A$\"]\n", false, []want{{line: 2, key: "watchlist.symbols", msg: `symbol "A$"`}}},
		{"symbol blank", "[watchlist]\nsymbols = [\"  \"]\n", false, []want{{line: 2, key: "watchlist.symbols", msg: `symbol ""`}}},
		{"duplicate symbols after upper-casing", "[watchlist]\nsymbols = [\"aapl\", \"AAPL\"]\n", false, []want{{line: 2, key: "watchlist.symbols", msg: `symbol "AAPL" is listed twice`}}},
		{"odd but valid symbols", "[watchlist]\nsymbols = [\"brk b\", \"BF.B\", \"X-1\", \"ABCDEFGHIJKL\"]\n", false, nil},
		{"bar size 1 secs", "[watchlist]\nbar_size = \"1 secs\"\n", false, []want{{line: 2, key: "watchlist.bar_size", msg: "keepUpToDate needs 5 secs or more"}}},
		{"bar size not offered", "[watchlist]\nbar_size = \"7 mins\"\n", false, []want{{line: 2, key: "watchlist.bar_size", msg: `expected a bar size IB offers: one of "5 secs",`}}},
		{"bar size misspelt", "[watchlist]\nbar_size = \"1 mins\"\n", false, []want{{line: 2, key: "watchlist.bar_size", msg: `got "1 mins"`}}},
		{"bar size 1 month", "[watchlist]\nbar_size = \"1 month\"\n", false, nil},
		{"duration without space", "[watchlist]\nduration = \"2D\"\n", false, []want{{line: 2, key: "watchlist.duration", msg: `expected "<n> <unit>"`}}},
		{"duration zero", "[watchlist]\nduration = \"0 D\"\n", false, []want{{line: 2, key: "watchlist.duration", msg: `got "0 D"`}}},
		{"duration bad unit", "[watchlist]\nduration = \"2 H\"\n", false, []want{{line: 2, key: "watchlist.duration", msg: `got "2 H"`}}},
		{"duration seconds", "[watchlist]\nduration = \"3600 S\"\n", false, nil},
		{"what to show unknown", "[watchlist]\nwhat_to_show = \"trades\"\n", false, []want{{line: 2, key: "watchlist.what_to_show", msg: `expected one of "TRADES", "MIDPOINT"`}}},
		{"adjusted last", "[watchlist]\nwhat_to_show = \"ADJUSTED_LAST\"\n", false, []want{{line: 2, key: "watchlist.what_to_show", msg: "cannot be kept up to date"}}},
		{"bid ask", "[watchlist]\nwhat_to_show = \"BID_ASK\"\n", false, nil},

		// strategy
		{"fast 0", "[strategy]\nfast = 0\n", false, []want{{line: 2, key: "strategy.fast", msg: "at least 1 bar, got 0"}}},
		{"fast equals slow", "[strategy]\nfast = 20\n", false, []want{{line: 2, key: "strategy.fast", msg: "fast (20) must be less than slow (20)"}}},
		{"slow below fast", "[strategy]\n\nslow = 5\n", false, []want{{line: 3, key: "strategy.slow", msg: "fast (10) must be less than slow (5)"}}},
		{"slow too big", "[strategy]\nslow = 1001\n", false, []want{{line: 2, key: "strategy.slow", msg: "at most 1000 bars, got 1001"}}},
		{"fast 1 slow 1000", "[strategy]\nfast = 1\nslow = 1000\n", false, nil},

		// log
		{"log format", "[log]\nformat = \"xml\"\n", false, []want{{line: 2, key: "log.format", msg: `expected one of "text", "json", got "xml"`}}},
		{"log level", "[log]\nlevel = \"trace\"\n", false, []want{{line: 2, key: "log.level", msg: `got "trace"`}}},

		// metrics
		{"metrics loopback", "[metrics]\naddr = \"127.0.0.1:9464\"\n", false, nil},
		{"metrics localhost", "[metrics]\naddr = \"localhost:9464\"\n", false, nil},
		{"metrics ipv6 loopback", "[metrics]\naddr = \"[::1]:9464\"\n", false, nil},
		{"metrics remote", "[metrics]\naddr = \"0.0.0.0:9464\"\n", false, []want{{line: 2, key: "metrics.addr", msg: "not a loopback address; set metrics.allow_remote = true"}}},
		{"metrics all interfaces", "[metrics]\naddr = \":9464\"\n", false, []want{{line: 2, key: "metrics.addr", msg: "not a loopback address"}}},
		{"metrics remote allowed", "[metrics]\naddr = \"0.0.0.0:9464\"\nallow_remote = true\n", false, nil},
		{"metrics no port", "[metrics]\naddr = \"127.0.0.1\"\n", false, []want{{line: 2, key: "metrics.addr", msg: `expected host:port like "127.0.0.1:9464"`}}},
		{"metrics port 0", "[metrics]\naddr = \"127.0.0.1:0\"\n", false, []want{{line: 2, key: "metrics.addr", msg: "expected host:port"}}},

		// health and api
		{"api loopback", "[api]\naddr = \"127.0.0.1:7465\"\n", false, nil},
		{"api remote", "[api]\naddr = \"0.0.0.0:7465\"\n", false, []want{{line: 2, key: "api.addr", msg: "set api.allow_remote = true to serve api"}}},
		{"api remote without token", "[api]\naddr = \"0.0.0.0:7465\"\nallow_remote = true\n", false, []want{{line: 3, key: "api.allow_remote", msg: "needs api.token_file"}}},
		{"api remote with token", "[api]\naddr = \"0.0.0.0:7465\"\nallow_remote = true\ntoken_file = \"/run/secrets/t\"\n", false, nil},
		{"api bad addr", "[api]\naddr = \"7465\"\n", false, []want{{line: 2, key: "api.addr", msg: `expected host:port like "127.0.0.1:7465"`}}},
		{"push url not http", "[health]\npush_url = \"ftp://hc-ping.com/secret\"\n", false, []want{{line: 2, key: "health.push_url", msg: "value not shown"}}},
		{"push url", "[health]\npush_url = \"https://hc-ping.com/secret\"\n", false, nil},
		{"push interval floor", "[health]\npush_interval = \"1s\"\n", false, []want{{line: 2, key: "health.push_interval", msg: "at least 5s"}}},
		{"gateway zombies 0", "[health]\ngateway_zombies = 0\n", false, []want{{line: 2, key: "health.gateway_zombies", msg: "expected an integer from 1"}}},

		// sim
		{"speed 0", "[sim]\nspeed = 0\n", false, []want{{line: 2, key: "sim.speed", msg: "above 0 and at most 10000, got 0"}}},
		{"speed too high", "[sim]\nspeed = 10000.5\n", false, []want{{line: 2, key: "sim.speed", msg: "got 10000.5"}}},
		{"speed max", "[sim]\nspeed = 10000\n", false, nil},
		{"server version 99", "[sim]\nserver_version = 99\n", false, []want{{line: 2, key: "sim.server_version", msg: "from 100 to 200, got 99"}}},
		{"server version 201", "[sim]\nserver_version = 201\n", false, []want{{line: 2, key: "sim.server_version", msg: "got 201"}}},

		// keys
		{"no keys for an action", "[keys]\nhelp = []\n", false, []want{{line: 2, key: "keys.help", msg: "expected at least one key"}}},
		{"empty key name", "[keys]\nhelp = [\"\"]\n", false, []want{{line: 2, key: "keys.help", msg: "got an empty string"}}},
		{"key on two actions", "[keys]\nsort = [\"r\"]\n", false, []want{{line: 2, key: "keys.sort", msg: `key "r" is already bound to keys.reconnect`}}},
		{"key listed twice", "[keys]\nquit = [\"q\", \"q\"]\n", false, []want{{line: 2, key: "keys.quit", msg: `key "q" is listed twice`}}},
		{"rebinding", "[keys]\nreconnect = [\"ctrl+r\"]\nrefresh = [\"r\"]\n", false, nil},
		{"taking a default's key", "[keys]\n\nreconnect = [\"s\"]\n", false, []want{{line: 3, key: "keys.reconnect", msg: `key "s" is already bound to keys.sort`}}},
		{"a dialog key on the main screen", "[keys]\nsort = [\"y\"]\n", false, nil},
		{"a global key on the main screen", "[keys]\nsort = [\"q\"]\n", false, []want{{line: 2, key: "keys.sort", msg: `key "q" is already bound to keys.quit`}}},
		{"a new action", "[keys]\nhistory = [\"ctrl+h\"]\nopen = [\"o\"]\n", false, []want{{line: 3, key: "keys.open", msg: `key "o" is already bound to keys.open_orders`}}},

		// everything at once: all errors, not just the first
		{"many errors", "[gateway]\nport = 0\n[strategy]\nfast = 0\n[log]\nlevel = \"loud\"\n", false, []want{
			{line: 2, key: "gateway.port", msg: "from 1 to 65535"},
			{line: 4, key: "strategy.fast", msg: "at least 1 bar"},
			{line: 6, key: "log.level", msg: "loud"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseBytes("config.toml", []byte(tt.src))
			if err != nil {
				t.Fatalf("ParseBytes: %v", err)
			}
			checkErrors(t, "config.toml", c.Validate(tt.allowLive), tt.wants)
		})
	}
}

func TestValidateSentinels(t *testing.T) {
	tests := []struct {
		src       string
		allowLive bool
		want      error
	}{
		{"[gateway]\nmode = \"live\"\nport = 4001\n", false, ErrNeedsLive},
		{"[gateway]\nport = 4001\n", false, ErrModeMismatch},
		{"[gateway]\nmode = \"live\"\n", false, ErrModeMismatch},
		{"[gateway]\nport = 4001\n", true, nil},
	}
	for _, tt := range tests {
		c, err := ParseBytes("c.toml", []byte(tt.src))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(tt.allowLive); !errors.Is(err, tt.want) {
			t.Errorf("%q: Validate(%v) = %v, want errors.Is %v", tt.src, tt.allowLive, err, tt.want)
		}
	}
}

// A default can be blamed too: an error with no file, variable or flag names just the key.
func TestValidateDefaultsBlameKey(t *testing.T) {
	c := Defaults()
	c.Strategy.Slow = 5
	err := c.Validate(false)
	checkErrors(t, "", err, []want{{key: "strategy.fast", msg: "fast (10) must be less than slow (5)"}})
	if got := err.Error(); !strings.HasPrefix(got, "strategy.fast: ") {
		t.Errorf("message %q should start with the key", got)
	}
}

func TestKeyNamesAreThoseTheConsoleAccepts(t *testing.T) {
	c, err := ParseBytes("k.toml", []byte("[keys]\nreconnect = [\"ctrl-r\"]\nhelp = [\"Tab\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	errs := Errors(c.Validate(false))
	if len(errs) != 2 {
		t.Fatalf("got %d errors, want 2 (a bad name, and Tab already bound as tab): %v", len(errs), c.Validate(false))
	}
	if e := errs[0]; e.Line != 2 || e.Key != "keys.reconnect" || !strings.Contains(e.Msg, "ctrl-r") {
		t.Errorf("bad key name: %+v", e)
	}
	if e := errs[1]; e.Line != 3 || e.Key != "keys.help" || !strings.Contains(e.Msg, "already bound") {
		t.Errorf("Tab vs tab: %+v", e)
	}
}

// symbolList is n distinct symbols as a TOML array's items.
func symbolList(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf("\"S%d\"", i)
	}
	return strings.Join(items, ",")
}

func TestIntegersWithAPlusSignAreRefused(t *testing.T) {
	for _, key := range []string{"gateway.port", "gateway.client_id"} {
		c := Defaults()
		if err := c.Set(key, "+4002", "--flag"); err == nil {
			t.Errorf("%s = +4002 accepted", key)
		}
		if err := c.Set(key, "4002", "--flag"); err != nil {
			t.Errorf("%s = 4002: %v", key, err)
		}
	}
}
