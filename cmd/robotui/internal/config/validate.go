package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robotui/robotui/ui/keys"
)

// IB's API ports: TWS and IB Gateway, live and paper.
const (
	portTWSLive     = 7496
	portTWSPaper    = 7497
	portGatewayLive = 4001
	portGatewayPap  = 4002
)

// barSizes are the bar sizes IB offers, smallest first. "1 secs" is offered but cannot be
// kept up to date, so Validate rejects it with its own reason.
var barSizes = []string{
	"1 secs", "5 secs", "10 secs", "15 secs", "30 secs",
	"1 min", "2 mins", "3 mins", "5 mins", "10 mins", "15 mins", "20 mins", "30 mins",
	"1 hour", "2 hours", "3 hours", "4 hours", "8 hours",
	"1 day", "1 week", "1 month",
}

// whatToShow are IB's bar data types but "ADJUSTED_LAST", which Validate rejects with its own
// reason.
var whatToShow = []string{
	"TRADES", "MIDPOINT", "BID", "ASK", "BID_ASK", "HISTORICAL_VOLATILITY", "OPTION_IMPLIED_VOLATILITY",
}

// offAtZero are the durations that 0 turns off.
var offAtZero = map[string]bool{"data.silent_after": true, "alerts.down_after": true, "alerts.farm_broken": true, "alerts.keepalive_p99": true}

// intRanges are the integer settings' inclusive bounds.
var intRanges = map[string][2]int{
	"gateway.port": {1, 65535},
	// On 326 the session tries the next 9 ids too: they must still fit the wire's int32.
	"gateway.client_id":      {0, math.MaxInt32 - 9},
	"keepalive.max_misses":   {1, math.MaxInt32},
	"keepalive.history":      {10, 100000},
	"sim.server_version":     {100, 200},
	"alerts.storm_sessions":  {0, 1000},
	"alerts.gateway_zombies": {0, 10000},
}

// durationFloors are the least each duration setting may be; every other
// duration need only be positive. Each floor keeps a setting from turning
// robotui into the storm of connects it exists to prevent, or from starving
// the machine (config.toml.example says why, per key).
var durationFloors = map[string]time.Duration{
	"gateway.connect_timeout": time.Second,            // a dial plus a handshake under load takes hundreds of ms
	"keepalive.interval":      100 * time.Millisecond, // ten pings a second is already far beyond need
	"keepalive.timeout":       50 * time.Millisecond,  // a loaded gateway answers in tens of ms
	"reconnect.initial":       100 * time.Millisecond, // ten connects a second at most, before the attempt cap
	"reconnect.max":           100 * time.Millisecond,
	"zombies.scan_interval":   250 * time.Millisecond, // a scan reads the kernel's tables: four a second is plenty
	"zombies.kill_grace":      100 * time.Millisecond,
}

// MaxSymbols bounds the watchlist: every symbol is one historical request
// under IB's pacing, and the performance targets are set at 500.
const MaxSymbols = 500

var (
	durationPattern = regexp.MustCompile(`^[1-9][0-9]{0,8} [SDWMY]$`)
	symbolPattern   = regexp.MustCompile(`^[A-Z0-9.\- ]{1,12}$`)
)

// Validate checks every rule and returns all violations joined (nil when c is valid). Each
// *Error points at the file line, variable or flag the offending value came from. allowLive is
// the caller's explicit opt-in (--live) to live trading: without it mode "live" is an error, and
// so is a paper/live mismatch (paper mode on a live port 7496 or 4001, live mode on 7497 or 4002),
// so a live port cannot be reached without --live. With --live a mismatch is accepted as meant.
func (c Config) Validate(allowLive bool) error {
	v := validator{c: &c}
	v.bounds()
	v.gateway(allowLive)
	v.reconnect()
	v.watchlist()
	v.data()
	v.journal()
	v.strategy()
	v.log()
	v.metrics()
	v.ops()
	v.fanout()
	v.sim()
	v.keys()
	v.alerts()
	return errors.Join(v.errs...)
}

type validator struct {
	c    *Config
	errs errList
}

// fail records a problem with key, located where key's value came from.
func (v *validator) fail(key string, sentinel error, format string, args ...any) {
	e := v.c.origins[key]
	e.Key, e.Msg, e.Err = key, fmt.Sprintf(format, args...), sentinel
	v.errs.add("", &e)
}

// blame picks, of two keys in a conflict, the one that was set explicitly: a, unless only b was.
func (v *validator) blame(a, b string) string {
	_, aSet := v.c.origins[a]
	_, bSet := v.c.origins[b]
	if !aSet && bSet {
		return b
	}
	return a
}

// bounds checks the rules that follow from a setting's type and key alone: every duration
// is positive and at least its floor in durationFloors, and integers stay within intRanges.
func (v *validator) bounds() {
	for _, f := range fields {
		switch x := f.get(v.c).(type) {
		case time.Duration:
			if x <= 0 && !(x == 0 && offAtZero[f.key]) {
				v.fail(f.key, nil, `expected a positive duration like "2s", got %s`, x)
			} else if floor := durationFloors[f.key]; x < floor {
				v.fail(f.key, nil, "expected at least %s, got %s", floor, x)
			}
		case int:
			if r, ok := intRanges[f.key]; ok && (x < r[0] || x > r[1]) {
				v.fail(f.key, nil, "expected an integer from %d to %d, got %d", r[0], r[1], x)
			}
		}
	}
}

func (v *validator) oneOf(key, got string, allowed ...string) {
	if !slices.Contains(allowed, got) {
		v.fail(key, nil, "expected one of %s, got %q", quoteAll(allowed), got)
	}
}

func (v *validator) gateway(allowLive bool) {
	g := v.c.Gateway
	if why := checkHost(g.Host); why != "" {
		v.fail("gateway.host", nil, `expected a host name or IP address like "127.0.0.1", got %q: %s`, clip(g.Host), why)
	}
	switch g.Mode {
	case ModePaper:
		// The rule: a paper/live mismatch is an error unless --live is given.
		if !allowLive && (g.Port == portTWSLive || g.Port == portGatewayLive) {
			v.fail(v.blame("gateway.port", "gateway.mode"), ErrModeMismatch,
				`port %d is %s's live-trading port but mode is "paper"; paper trading uses %d (IB Gateway) or %d (TWS); to connect to a live port, set mode = "live" and pass --live`,
				g.Port, portProduct(g.Port), portGatewayPap, portTWSPaper)
		}
	case ModeLive:
		if !allowLive {
			v.fail("gateway.mode", ErrNeedsLive, `live mode needs --live`)
		}
		if !allowLive && (g.Port == portTWSPaper || g.Port == portGatewayPap) {
			v.fail(v.blame("gateway.port", "gateway.mode"), ErrModeMismatch,
				`port %d is %s's paper-trading port but mode is "live"; live trading uses %d (IB Gateway) or %d (TWS)`,
				g.Port, portProduct(g.Port), portGatewayLive, portTWSLive)
		}
	default:
		v.fail("gateway.mode", nil, `expected "paper" or "live", got %q`, g.Mode)
	}
}

// hostLabel is one label of a host name (RFC 1123): letters, digits and
// hyphens, not starting or ending with a hyphen.
var hostLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// checkHost says what is wrong with a gateway host, "" when it is an IP
// address or a host name.
func checkHost(h string) string {
	switch {
	case h == "":
		return "it is empty"
	case net.ParseIP(h) != nil:
		return ""
	case len(h) > 253:
		return fmt.Sprintf("%d characters, a host name has at most 253", len(h))
	case strings.Contains(h, ":"):
		return "a port goes in gateway.port, not in the host"
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if !hostLabel.MatchString(label) {
			return "a host name is dot-separated labels of letters, digits and inner hyphens"
		}
	}
	return ""
}

func portProduct(port int) string {
	if port == portTWSLive || port == portTWSPaper {
		return "TWS"
	}
	return "IB Gateway"
}

func (v *validator) reconnect() {
	r := v.c.Reconnect
	if r.Initial > 0 && r.Max > 0 && r.Max < r.Initial {
		v.fail(v.blame("reconnect.max", "reconnect.initial"), nil,
			"max (%s) must not be below initial (%s)", r.Max, r.Initial)
	}
	// An upper bound keeps delay arithmetic far from float overflow.
	if !(r.Multiplier >= 1 && r.Multiplier <= 10) {
		v.fail("reconnect.multiplier", nil, "expected a number from 1 to 10, got %v", r.Multiplier)
	}
	if !(r.Jitter >= 0 && r.Jitter <= 1) {
		v.fail("reconnect.jitter", nil, "expected a fraction from 0 to 1, got %v", r.Jitter)
	}
}

func (v *validator) watchlist() {
	w := v.c.Watchlist
	if len(w.Symbols) == 0 {
		v.fail("watchlist.symbols", nil, "expected at least one symbol")
	}
	if len(w.Symbols) > MaxSymbols {
		v.fail("watchlist.symbols", nil, "%d symbols: at most %d are followed (each is a historical request under IB's pacing)", len(w.Symbols), MaxSymbols)
		return
	}
	seen := map[string]bool{}
	for _, s := range w.Symbols {
		switch {
		case !symbolPattern.MatchString(s):
			v.fail("watchlist.symbols", nil, "symbol %q: expected 1 to 12 characters of A-Z, 0-9, '.', '-' or space", clip(s))
		case seen[s]:
			v.fail("watchlist.symbols", nil, "symbol %q is listed twice", s)
		}
		seen[s] = true
	}
	switch {
	case w.BarSize == "1 secs":
		v.fail("watchlist.bar_size", nil, `"1 secs" bars cannot be kept up to date (keepUpToDate needs 5 secs or more)`)
	case !slices.Contains(barSizes, w.BarSize):
		v.fail("watchlist.bar_size", nil, "expected a bar size IB offers: one of %s, got %q", quoteAll(barSizes[1:]), clip(w.BarSize))
	}
	if !durationPattern.MatchString(w.Duration) {
		v.fail("watchlist.duration", nil, `expected "<n> <unit>" with n >= 1 and unit S, D, W, M or Y, like "2 D", got %q`, clip(w.Duration))
	}
	if w.WhatToShow == "ADJUSTED_LAST" {
		v.fail("watchlist.what_to_show", nil, `"ADJUSTED_LAST" cannot be kept up to date (keepUpToDate)`)
	} else {
		v.oneOf("watchlist.what_to_show", w.WhatToShow, whatToShow...)
	}
}

func (v *validator) data() {
	if d := v.c.Data.SilentAfter; d != 0 && d < time.Second {
		v.fail("data.silent_after", nil, `expected 0 (off) or at least "1s", got %s`, d)
	}
}

func (v *validator) journal() {
	if d := v.c.Journal.Retention; d < time.Hour {
		v.fail("journal.retention", nil, `expected at least "1h", got %s`, d)
	}
	if n, err := ByteSize(v.c.Journal.MaxSize); err != nil {
		v.fail("journal.max_size", nil, "%v", err)
	} else if n < 1<<20 {
		v.fail("journal.max_size", nil, `expected at least "1MB", got %q`, v.c.Journal.MaxSize)
	}
}

// ByteSize reads "200MB", "1GB", "512KB" or a plain number of bytes (binary units: 1MB = 1024 KB).
func ByteSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf(`expected a size such as "200MB", got %q`, s)
	}
	return n * mult, nil
}

func (v *validator) strategy() {
	s := v.c.Strategy
	if s.Fast < 1 {
		v.fail("strategy.fast", nil, "expected a period of at least 1 bar, got %d", s.Fast)
	}
	if s.Slow > 1000 {
		v.fail("strategy.slow", nil, "expected a period of at most 1000 bars, got %d", s.Slow)
	}
	if s.Fast >= s.Slow {
		v.fail(v.blame("strategy.fast", "strategy.slow"), nil, "fast (%d) must be less than slow (%d)", s.Fast, s.Slow)
	}
	if s.EvalBars < 1 || s.EvalBars > 1000 {
		v.fail("strategy.eval_bars", nil, "expected 1 to 1000 bars, got %d", s.EvalBars)
	}
	v.groups()
}

func (v *validator) log() {
	v.oneOf("log.format", v.c.Log.Format, "text", "json")
	v.oneOf("log.level", v.c.Log.Level, "debug", "info", "warn", "error")
}

func (v *validator) metrics() {
	m := v.c.Metrics
	if m.Addr != "" {
		v.listenAddr("metrics.addr", m.Addr, m.AllowRemote, "metrics.allow_remote", "9464")
	}
}

// listenAddr checks a server's host:port and that it is loopback unless
// allowKey permits more; it reports whether the address itself is well formed.
func (v *validator) listenAddr(key, addr string, allowRemote bool, allowKey, examplePort string) bool {
	host, port, err := net.SplitHostPort(addr)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 1 || n > 65535 {
		v.fail(key, nil, `expected host:port like "127.0.0.1:%s" (or "" for off), got %q`, examplePort, clip(addr))
		return false
	}
	if !allowRemote && !isLoopback(host) {
		section, _, _ := strings.Cut(key, ".")
		v.fail(key, nil, "%q is not a loopback address; set %s = true to serve %s beyond this machine", addr, allowKey, section)
	}
	return true
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (v *validator) sim() {
	if s := v.c.Sim.Speed; !(s > 0 && s <= 10000) {
		v.fail("sim.speed", nil, "expected a number above 0 and at most 10000, got %v", s)
	}
	if _, err := SimStart(v.c.Sim.Start); err != nil {
		v.fail("sim.start", nil, `expected "" or an RFC 3339 instant like "2026-01-05T10:00:00-05:00", got %q`, clip(v.c.Sim.Start))
	}
}

// SimStart reads sim.start: the zero time for "".
func SimStart(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, s)
}

// keys applies ui/keys' rules, so that a file this accepts is one the console accepts.
func (v *validator) keys() {
	for _, p := range keys.Check(v.c.Keys) {
		at, msg := "keys."+string(p.Action), p.Error()
		if p.Other != "" {
			// Blame the binding that was set, not the default it collides with.
			other := "keys." + string(p.Other)
			if v.blame(at, other) == other {
				at, other = other, at
			}
			msg = fmt.Sprintf("key %q is already bound to %s", keys.Display(p.Key), other)
		}
		v.fail(at, p.Err, "%s", msg)
	}
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
