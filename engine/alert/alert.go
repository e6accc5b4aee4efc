// Package alert tells someone who is not looking at the console: rules on the
// engine's snapshots decide which alerts are active, a Manager fires each
// once by key, repeats it at most every Repeat while it lasts and resolves it
// when it ends, and hands every message to each sink's own retrying worker
// (alertmanager's notify pattern), so a dead sink never blocks the engine.
package alert

import (
	"time"
)

// Rule names an alert rule; it is the `alert` field's prefix and what a sink's
// `rules` list selects.
type Rule string

// The rules of issue 15.
const (
	RuleDown           Rule = "session_down"
	RuleStorm          Rule = "reconnect_storm"
	RuleClientZombies  Rule = "client_zombies"
	RuleGatewayZombies Rule = "gateway_zombies"
	RuleSilent         Rule = "symbol_silent"
	RuleFarm           Rule = "farm_broken"
	RuleCompeting      Rule = "competing_session"
	RuleKeepalive      Rule = "keepalive_p99"
	RuleSignal         Rule = "signal"
	RuleStrategy       Rule = "strategy_signal" // a BUY/SELL of one strategy on one symbol: strategy_signal:AAPL:rsi
	RuleDailyPnL       Rule = "daily_pnl"
	RuleTest           Rule = "test"
)

// Rules lists every rule, in the order they are evaluated.
var Rules = []Rule{RuleDown, RuleStorm, RuleClientZombies, RuleGatewayZombies, RuleSilent, RuleFarm,
	RuleCompeting, RuleKeepalive, RuleSignal, RuleStrategy, RuleDailyPnL}

// Severity of an alert.
type Severity string

// Severities.
const (
	Critical Severity = "critical"
	Warning  Severity = "warning"
	Info     Severity = "info"
)

// State of one message about an alert.
type State string

// Firing and resolved are two messages about one alert key.
const (
	Firing   State = "firing"
	Resolved State = "resolved"
)

// Notification is one message: its JSON is the webhook body of DESIGN.md.
type Notification struct {
	Alert    string    `json:"alert"` // the key: rule, or rule:subject (symbol_silent:AAPL)
	State    State     `json:"state"`
	Severity Severity  `json:"severity"`
	Summary  string    `json:"summary"`
	Details  string    `json:"details"`
	Since    time.Time `json:"since"`
	Host     string    `json:"host"`
	Account  string    `json:"account"`

	rule Rule // for the sinks' rules filter
}

// Rule is the rule behind the notification.
func (n Notification) Rule() Rule { return n.rule }

// Thresholds configure the rules; a zero duration or count turns its rule off
// where noted. DefaultThresholds has issue 15's defaults.
type Thresholds struct {
	DownAfter      time.Duration // session not ready longer than this; 0 off
	StormSessions  int           // more than this many sessions lost ...; 0 off
	StormWindow    time.Duration // ... within this window
	ClientZombies  bool
	GatewayZombies int // gateway-side CLOSE_WAIT at or above this; 0 off
	Silent         bool
	FarmBroken     time.Duration // a farm broken longer than this; 0 off
	Competing      bool
	KeepaliveP99   time.Duration // 0 off
	Signals        bool          // every BUY/SELL (off by default)
	// StrategySignals are the strategy_signal rules, each "SYMBOL:KIND" ("*" for every
	// symbol): a BUY/SELL of that strategy on that symbol alerts. None by default.
	StrategySignals []string
	DailyPnLBelow   float64       // an account whose day P&L is below this alerts (daily_pnl:ACCOUNT)
	DailyPnL        bool          // off by default
	Repeat          time.Duration // a firing alert is sent again at most this often
	Grace           time.Duration // after a restart window, how long an outage is still forgiven
}

// DefaultThresholds are the defaults of issue 15.
func DefaultThresholds() Thresholds {
	return Thresholds{DownAfter: 30 * time.Second, StormSessions: 5, StormWindow: 10 * time.Minute,
		ClientZombies: true, GatewayZombies: 2, Silent: true, FarmBroken: 60 * time.Second, Competing: true,
		KeepaliveP99: 500 * time.Millisecond, Repeat: time.Hour, Grace: 10 * time.Minute}
}
