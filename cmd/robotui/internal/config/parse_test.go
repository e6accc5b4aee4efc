package config

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func TestParseBytesDecodesValues(t *testing.T) {
	src := `
[gateway]
host = "10.0.0.5"
port = 7497
client_id = 42
readonly = false
connect_timeout = "1m30s"

[keepalive]
interval = "500ms"

[reconnect]
multiplier = 3   # an integer is fine for a number

[watchlist]
symbols = [" aapl ", "brk b"]

[sim]
seed = -9
speed = 2.5
`
	c, err := ParseBytes("config.toml", []byte(src))
	if err != nil {
		t.Fatalf("ParseBytes: %v", err)
	}
	want := Defaults()
	want.Gateway.Host = "10.0.0.5"
	want.Gateway.Port = 7497
	want.Gateway.ClientID = 42
	want.Gateway.ReadOnly = false
	want.Gateway.ConnectTimeout = 90 * time.Second
	want.Keepalive.Interval = 500 * time.Millisecond
	want.Reconnect.Multiplier = 3
	want.Watchlist.Symbols = []string{"AAPL", "BRK B"}
	want.Sim.Seed = -9
	want.Sim.Speed = 2.5
	c.origins = nil
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

func TestParseBytesErrors(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		wants []want
	}{
		{"unknown key", "[gateway]\nhost = \"h\"\nprot = 4002\n",
			[]want{{line: 3, key: "gateway.prot", msg: `unknown key in [gateway] (did you mean "port"?)`}}},
		{"unknown key binding", "[keys]\nkill_zombie = [\"z\"]\n",
			[]want{{line: 2, key: "keys.kill_zombie", msg: `unknown key in [keys] (did you mean "kill_zombies"?)`}}},
		{"unknown key far from any", "[log]\ncolour = true\n",
			[]want{{line: 2, key: "log.colour", msg: "expected one of format, level, file"}}},
		{"unknown section", "\n\n[gatway]\nport = 1\n",
			[]want{{line: 3, key: "gatway", msg: `unknown section (did you mean "gateway"?)`}}},
		{"unknown section of a dotted key", "\n\ngatway.port = 1\ngatway.host = \"h\"\n",
			[]want{{line: 3, key: "gatway", msg: `unknown section (did you mean "gateway"?)`}}},
		{"unknown top-level key", "verbose = true\n",
			[]want{{line: 1, key: "verbose", msg: "unknown key; settings belong in a section; expected one of gateway, keepalive"}}},
		{"byte-order mark", "\uFEFF[gateway]\nport = \"x\"\n",
			[]want{{line: 2, key: "gateway.port", msg: "expected an integer"}}},
		{"section is not a table", "gateway = 5\n",
			[]want{{line: 1, key: "gateway", msg: "expected a table [gateway], got integer 5"}}},
		{"array of tables", "[[gateway]]\nport = 1\n",
			[]want{{line: 1, key: "gateway", msg: "expected a table [gateway], got a table"}}},
		{"port is a string", "[gateway]\n\nport = \"abc\"\n",
			[]want{{line: 3, key: "gateway.port", msg: `expected an integer, got "abc"`}}},
		{"port is a float", "[gateway]\nport = 4002.5\n",
			[]want{{line: 2, key: "gateway.port", msg: "expected an integer, got float 4002.5"}}},
		{"bad duration", "[keepalive]\ninterval = \"two\"\n",
			[]want{{line: 2, key: "keepalive.interval", msg: `expected a duration like "2s", got "two"`}}},
		{"duration as integer", "[keepalive]\ntimeout = 2\n",
			[]want{{line: 2, key: "keepalive.timeout", msg: `expected a duration like "2s", got integer 2`}}},
		{"bool as string", "[gateway]\nreadonly = \"yes\"\n",
			[]want{{line: 2, key: "gateway.readonly", msg: `expected true or false, got "yes"`}}},
		{"number as bool", "[sim]\nspeed = true\n",
			[]want{{line: 2, key: "sim.speed", msg: "expected a number, got boolean true"}}},
		{"list as string", "[watchlist]\nsymbols = \"AAPL\"\n",
			[]want{{line: 2, key: "watchlist.symbols", msg: `expected a list of strings like ["a", "b"], got "AAPL"`}}},
		{"list with a number", "[watchlist]\nsymbols = [\n  \"AAPL\",\n  1,\n]\n",
			[]want{{line: 2, key: "watchlist.symbols", msg: "got integer 1 at position 2"}}},
		{"setting given as table", "[gateway.port]\nx = 1\n",
			[]want{{line: 1, key: "gateway.port", msg: "expected an integer, got a table"}}},
		{"string as date", "[log]\nfile = 1979-05-27\n",
			[]want{{line: 2, key: "log.file", msg: "expected a string, got a date/time"}}},
		{"int beyond int64", "[gateway]\nclient_id = 9223372036854775808\n",
			[]want{{line: 2, key: "gateway.client_id", msg: "invalid TOML"}}},
		{"dotted keys", "gateway.port = \"x\"\nlog.level = 3\n", []want{
			{line: 1, key: "gateway.port", msg: "expected an integer"},
			{line: 2, key: "log.level", msg: "expected a string, got integer 3"},
		}},
		{"inline table", "log = { format = 1, bogus = 2 }\n", []want{
			{line: 1, key: "log.format", msg: "expected a string"},
			{line: 1, key: "log.bogus", msg: "unknown key in [log]"},
		}},
		{"all errors in document order", "[gateway]\nport = \"a\"\nhost = 1\n[sim]\nseed = \"s\"\nnope = 1\n", []want{
			{line: 2, key: "gateway.port", msg: "expected an integer"},
			{line: 3, key: "gateway.host", msg: "expected a string"},
			{line: 5, key: "sim.seed", msg: "expected an integer"},
			{line: 6, key: "sim.nope", msg: "unknown key"},
		}},
		{"syntax error", "[gateway]\nport = 4002\nhost = \n", []want{
			{line: 3, key: "gateway.host", msg: "invalid TOML"},
		}},
		{"duplicate key", "[gateway]\nport = 1\nport = 2\n", []want{
			{line: 3, key: "gateway.port", msg: "invalid TOML: Key 'gateway.port' has already been defined"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBytes("config.toml", []byte(tt.src))
			checkErrors(t, "config.toml", err, tt.wants)
		})
	}
}

func TestSyntaxErrorWrapsParseError(t *testing.T) {
	_, err := ParseBytes("x.toml", []byte("a = = 1\n"))
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("want a toml.ParseError inside, got %T: %v", err, err)
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{File: "config.toml", Line: 12, Key: "keepalive.interval", Msg: `expected a duration like "2s", got "two"`},
			`config.toml:12: keepalive.interval: expected a duration like "2s", got "two"`},
		{&Error{File: "c.toml", Msg: "cannot read config file: no such file or directory"},
			"c.toml: cannot read config file: no such file or directory"},
		{&Error{Env: "ROBOTUI_GATEWAY_PORT", Key: "gateway.port", Msg: "m"}, "ROBOTUI_GATEWAY_PORT: gateway.port: m"},
		{&Error{Flag: "--port", Key: "gateway.port", Msg: "m"}, "--port: gateway.port: m"},
		{&Error{Key: "strategy.fast", Msg: "m"}, "strategy.fast: m"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}
