package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robotui/robotui/engine/alert"
	"github.com/robotui/robotui/engine/calendar"
)

var alertQuiet = alert.ParseQuietHours

// Alerts are the alert rules (engine/alert) and where they go. A zero
// duration or count turns its rule off.
type Alerts struct {
	// Enabled turns alerting on. Default true (without a sink the alerts are events only).
	Enabled bool `toml:"enabled"`
	// DownAfter: the session not ready longer than this alerts. Default 30s; 0 off.
	DownAfter time.Duration `toml:"down_after"`
	// StormSessions: more than this many sessions lost in StormWindow is a reconnect storm (one outage's dials count once). Default 5; 0 off.
	StormSessions int `toml:"storm_sessions"`
	// StormWindow of the reconnect storm rule. Default 10m.
	StormWindow time.Duration `toml:"storm_window"`
	// ClientZombies: client-side CLOSE_WAIT sockets on the gateway port alert. Default true.
	ClientZombies bool `toml:"client_zombies"`
	// GatewayZombies: gateway-side CLOSE_WAIT sockets at or above this alert. Default 2; 0 off.
	GatewayZombies int `toml:"gateway_zombies"`
	// Silent: a symbol without updates while the market is open alerts. Default true.
	Silent bool `toml:"silent"`
	// FarmBroken: a data farm broken longer than this alerts. Default 60s; 0 off.
	FarmBroken time.Duration `toml:"farm_broken"`
	// CompetingSession: a competing live session (10197) alerts. Default true.
	CompetingSession bool `toml:"competing_session"`
	// KeepaliveP99: a keepalive p99 above this alerts. Default 500ms; 0 off.
	KeepaliveP99 time.Duration `toml:"keepalive_p99"`
	// Signals: every BUY/SELL signal alerts. Default false.
	Signals bool `toml:"signals"`
	// StrategySignals: "SYMBOL:KIND" rules ("*" for every symbol), each a strategy_signal alert on
	// that strategy's BUY/SELL on that symbol. Default [] (off).
	StrategySignals []string `toml:"strategy_signals"`
	// DailyPnL: an account whose day P&L is below DailyPnLBelow alerts. Default false.
	DailyPnL bool `toml:"daily_pnl"`
	// DailyPnLBelow is that threshold, in the account's currency. Default -1000.0.
	DailyPnLBelow float64 `toml:"daily_pnl_below"`
	// Repeat: a firing alert is sent again at most this often. Default 1h.
	Repeat time.Duration `toml:"repeat"`
	// Grace after a restart window before an outage that began in it alerts. Default 10m.
	Grace time.Duration `toml:"grace"`
	// Bell rings the terminal bell and flashes the header on a firing alert. Default true.
	Bell bool `toml:"bell"`
	// Sinks are the [[alerts.sink]] tables; none by default (the example keeps them commented out).
	Sinks []Sink `toml:"sink"`
}

// Sink is one [[alerts.sink]] table.
type Sink struct {
	// Kind: webhook, slack, discord, telegram, ntfy, email or exec.
	Kind string `toml:"kind"`
	// URL of a webhook; may stand in the file.
	URL string `toml:"url"`
	// URLEnv names the variable holding the URL (a webhook's, or the shoutrrr URL of the chat kinds and email).
	URLEnv string `toml:"url_env"`
	// URLFile holds the URL in its first line.
	URLFile string `toml:"url_file"`
	// Command of an exec sink, argv.
	Command []string `toml:"command"`
	// Rules this sink is sent; empty: all.
	Rules []string `toml:"rules"`
	// QuietHours "22:00-07:00" (host clock): no firing messages then.
	QuietHours string `toml:"quiet_hours"`
}

// SinkKinds are the sink kinds.
var SinkKinds = []string{"webhook", "slack", "discord", "telegram", "ntfy", "email", "exec"}

// IBC is IBC's command server (gateway control).
type IBC struct {
	// CommandPort of IBC's command server on [gateway] host. Default 0: off (IBC's convention is 7462).
	CommandPort int `toml:"command_port"`
}

// IBCAddr is the command server's host:port, "" when off.
func (c Config) IBCAddr() string {
	if c.IBC.CommandPort == 0 {
		return ""
	}
	return Gateway{Host: c.Gateway.Host, Port: c.IBC.CommandPort}.Addr()
}

func defaultAlerts() Alerts {
	return Alerts{Enabled: true, DownAfter: 30 * time.Second, StormSessions: 5, StormWindow: 10 * time.Minute,
		ClientZombies: true, GatewayZombies: 2, Silent: true, FarmBroken: 60 * time.Second, CompetingSession: true,
		KeepaliveP99: 500 * time.Millisecond, StrategySignals: []string{}, DailyPnLBelow: -1000, Repeat: time.Hour, Grace: 10 * time.Minute, Bell: true}
}

// isTableList is a setting given as an array of tables ([[alerts.sink]]): decoded whole, not a leaf.
func isTableList(key string) bool { return key == "alerts.sink" || key == "watchlist.group" }

// alerts checks the [alerts] sinks and [ibc]; secrets are checked by `config check` (SinkProblems).
func (v *validator) alerts() {
	for i, s := range v.c.Alerts.Sinks {
		key := fmt.Sprintf("alerts.sink[%d]", i)
		if !slices.Contains(SinkKinds, s.Kind) {
			v.fail(key, nil, "kind: expected one of %s, got %q", quoteAll(SinkKinds), s.Kind)
		}
		if s.Kind == "exec" && len(s.Command) == 0 {
			v.fail(key, nil, "an exec sink needs command = [\"program\", \"arg\", ...]")
		}
		if s.Kind != "webhook" && s.URL != "" {
			v.fail(key, nil, "url in the file is for webhooks only: a %s URL holds a token; use url_env or url_file", s.Kind)
		}
	}
	if _, err := calendar.ParseRegion(v.c.Gateway.ResetRegion); err != nil {
		v.fail("gateway.reset_region", nil, "%v", err)
	}
	if t := v.c.Gateway.RestartTime; t != "" {
		if _, err := calendar.ParseClock(t); err != nil {
			v.fail("gateway.restart_time", nil, "%v", err)
		}
	}
	for _, r := range v.c.Alerts.StrategySignals {
		sym, kind, ok := strings.Cut(r, ":")
		switch {
		case !ok || sym == "" || kind == "":
			v.fail("alerts.strategy_signals", nil, `%q: expected "SYMBOL:KIND" like "AAPL:rsi" or "*:macd"`, clip(r))
		case !slices.Contains(kindNames(), kind):
			v.fail("alerts.strategy_signals", nil, "%q: kind: expected one of %s", clip(r), quoteAll(kindNames()))
		case sym != "*" && !slices.Contains(v.c.Watchlist.Symbols, sym):
			v.fail("alerts.strategy_signals", nil, "%q: %s is not in [watchlist] symbols", clip(r), clip(sym))
		}
	}
	for i, s := range v.c.Alerts.Sinks {
		if _, err := alertQuiet(s.QuietHours); err != nil {
			v.fail(fmt.Sprintf("alerts.sink[%d]", i), nil, "%v", err)
		}
	}
	if p := v.c.IBC.CommandPort; p < 0 || p > 65535 {
		v.fail("ibc.command_port", nil, "expected 0 (off) or a port 1..65535, got %d", p)
	} else if p != 0 && p == v.c.Gateway.Port {
		v.fail("ibc.command_port", nil, "IBC's command server cannot share the API port %d", p)
	}
}

// SinkSecret is where sink i's URL comes from (a webhook's file URL aside).
func (s Sink) Secret(env []string) alert.Secret {
	return alert.Secret{Env: s.URLEnv, File: s.URLFile, Getenv: func(k string) string { return lookup(env, k) }}
}

// NeedsSecret says whether the sink's kind reads a secret: all but exec, and a webhook with url in the file.
func (s Sink) NeedsSecret() bool { return s.Kind != "exec" && !(s.Kind == "webhook" && s.URL != "") }

// SinkSecretProblems names each sink whose secret is missing; never the secret itself.
func (c Config) SinkSecretProblems(env []string) []string {
	var out []string
	for i, s := range c.Alerts.Sinks {
		if !s.NeedsSecret() {
			continue
		}
		if _, err := s.Secret(env).Value(); err != nil {
			out = append(out, fmt.Sprintf("alerts.sink[%d] (%s): %v", i, s.Kind, err))
		}
	}
	return out
}
