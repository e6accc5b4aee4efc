package engine

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine/calendar"
	"github.com/robotui/robotui/engine/signal"
)

// Errors New and the commands return; callers decide with errors.Is.
var (
	ErrNoSymbols  = errors.New("engine: the watchlist is empty")
	ErrBadSymbol  = errors.New("engine: invalid symbol")
	ErrNoAddr     = errors.New("engine: no gateway address")
	ErrBadPort    = errors.New("engine: invalid gateway port")
	ErrNoFaults   = errors.New("engine: fault injection needs the simulator (--sim)")
	ErrStarted    = errors.New("engine: already started")
	ErrBadOptions = errors.New("engine: invalid options")
)

// BarSettings is what every symbol's historical-bar request asks for.
type BarSettings struct {
	Duration   string // how far back the backfill reaches; default "2 D"
	BarSize    string // default "5 mins"
	WhatToShow string // default "TRADES"
	UseRTH     bool   // regular trading hours only; see DefaultBarSettings
}

// DefaultBarSettings is "2 D" of "5 mins" TRADES bars in regular hours. A
// zero BarSettings in Options means these; otherwise empty strings take their
// default and UseRTH is taken as given.
func DefaultBarSettings() BarSettings {
	return BarSettings{Duration: "2 D", BarSize: "5 mins", WhatToShow: "TRADES", UseRTH: true}
}

// FaultInjector is the simulator's fault menu (only with --sim).
type FaultInjector interface {
	FaultNames() []string
	// InjectFault applies one entry and says what it did in a few words
	// ("fault injected: drop (FIN)", "faults cleared").
	InjectFault(name string) (string, error)
	ActiveFaults() []string // the entries in effect now, in menu order
}

// Options configure an Engine. Zero values take the documented defaults.
type Options struct {
	Session  conn.Config // Observer is wrapped: the engine sees every event first
	Symbols  []string
	Bars     BarSettings
	Strategy signal.Strategy // default SMA(10,20)
	// Strategies gives symbols (normalised names) their own strategies, the
	// first in Strategy's place as the main signal; the others are judged on
	// the same bars and emitted after it. Symbols absent have Strategy alone.
	Strategies map[string][]signal.Strategy
	// EvalBars is N of Performance: the bars after a signal it is judged at. Default 10.
	EvalBars     int
	GatewayPort  int           // port to scan; from Session.Addr when 0
	ScanInterval time.Duration // default 2 s; < 0 disables scanning
	AutoKill     bool          // kill client-side zombies without asking
	KillGrace    time.Duration // SIGTERM → SIGKILL; default 3 s
	Mode         string        // "paper" or "live", shown
	Readonly     bool
	Sim          bool
	Faults       FaultInjector            // nil unless running against the simulator
	Calendar     *calendar.Calendar       // default calendar.NYSE()
	Log          *slog.Logger             // every event as one record; nil discards
	EventHistory int                      // events kept for the snapshot; default 300
	PublishEvery time.Duration            // snapshot rate limit; default 100 ms
	PriceEvery   time.Duration            // how often revisions of forming bars alone are published; default 1 s
	OnceTimeout  time.Duration            // RunOnce's overall deadline; default 2 min
	FlushTimeout time.Duration            // how long Close waits for the log sink's last flush; default 500 ms
	OnLogError   func(error)              // called once, from the log writer, when the log sink first fails
	ServerTime   func() (time.Time, bool) // the gateway's clock as last reported; default the session's (tests replace it)
	Now          func() time.Time         // default time.Now
	ClockRate    float64                  // how fast the gateway's clock runs against ours (the simulator's speed); default 1

	// MaxBars bounds each symbol's series (oldest dropped); default 256,
	// raised to twice the longest strategy lookback when that is larger. Only the
	// lookback's bars are needed to judge the next one; the series is most of
	// a symbol's memory (500 symbols of 256 bars: about 9 MB).
	MaxBars int
	// SignalHistory bounds the emitted signals kept per symbol; default 500.
	SignalHistory int
	// SilentAfter is how long a live symbol may go without an update while
	// the market is open before it is "silent" and asked again; default
	// 30 s, < 0 turns the watch off.
	SilentAfter time.Duration
	// SilentCheck is how often the watch looks; default 1 s.
	SilentCheck time.Duration
	// RestartWindows are when the gateway is expected away (IB's resets, the
	// weekend, the configured restart); an outage in one is `expected`. nil: none.
	RestartWindows *calendar.RestartWindows
	// IBCAddr is IBC's command server (host:port); "" turns the gateway menu off.
	IBCAddr string
	// QuoteLines bounds the market-data lines the quotes hold (watchlist
	// first, then positions); default DefaultQuoteLines, IB's default budget.
	QuoteLines int
	// Journal records every event and closed bar and fills the series at
	// Start (a warm start); nil: no journal.
	Journal Journal
}

const (
	defaultScanInterval  = 2 * time.Second
	defaultKillGrace     = 3 * time.Second
	defaultEventHistory  = 300
	defaultPublishEvery  = 100 * time.Millisecond
	defaultPriceEvery    = time.Second
	defaultFlushTimeout  = 500 * time.Millisecond // well inside the 2 s a shutdown may take
	defaultMaxBars       = 256
	defaultEvalBars      = 10
	defaultSignalHistory = 500
	defaultSilentAfter   = 30 * time.Second
	maxSymbolLen         = 32
)

// normalize validates o and fills in its defaults.
func (o *Options) normalize() error {
	if strings.TrimSpace(o.Session.Addr) == "" {
		return ErrNoAddr
	}
	syms, err := normalizeSymbols(o.Symbols)
	if err != nil {
		return err
	}
	o.Symbols = syms
	if o.Bars == (BarSettings{}) {
		o.Bars = DefaultBarSettings()
	}
	def := DefaultBarSettings()
	o.Bars.Duration = cmp.Or(strings.TrimSpace(o.Bars.Duration), def.Duration)
	o.Bars.BarSize = cmp.Or(strings.TrimSpace(o.Bars.BarSize), def.BarSize)
	o.Bars.WhatToShow = cmp.Or(strings.TrimSpace(o.Bars.WhatToShow), def.WhatToShow)
	if o.Strategy == nil {
		s, err := signal.NewSMACrossover(10, 20)
		if err != nil {
			return fmt.Errorf("default strategy: %w", err)
		}
		o.Strategy = s
	}
	if o.Strategy.Lookback() < 1 {
		return fmt.Errorf("%w: strategy %s has lookback %d", ErrBadOptions, o.Strategy.Name(), o.Strategy.Lookback())
	}
	for sym, list := range o.Strategies {
		if len(list) == 0 {
			return fmt.Errorf("%w: symbol %s has an empty strategy list", ErrBadOptions, sym)
		}
		for _, s := range list {
			if s == nil || s.Lookback() < 1 {
				return fmt.Errorf("%w: symbol %s has a strategy without a lookback", ErrBadOptions, sym)
			}
		}
	}
	if o.EvalBars <= 0 {
		o.EvalBars = defaultEvalBars
	}
	if o.EvalBars > signal.MaxEvalBars {
		return fmt.Errorf("%w: eval bars %d above %d", ErrBadOptions, o.EvalBars, signal.MaxEvalBars)
	}
	if o.GatewayPort == 0 {
		if o.GatewayPort, err = portOf(o.Session.Addr); err != nil {
			return err
		}
	}
	if o.GatewayPort < 1 || o.GatewayPort > 65535 {
		return fmt.Errorf("%w: %d", ErrBadPort, o.GatewayPort)
	}
	if o.ScanInterval == 0 {
		o.ScanInterval = defaultScanInterval
	}
	if o.KillGrace <= 0 {
		o.KillGrace = defaultKillGrace
	}
	if o.Calendar == nil {
		o.Calendar = calendar.NYSE()
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.EventHistory <= 0 {
		o.EventHistory = defaultEventHistory
	}
	if o.OnceTimeout <= 0 {
		o.OnceTimeout = 2 * time.Minute
	}
	if o.FlushTimeout <= 0 {
		o.FlushTimeout = defaultFlushTimeout
	}
	if o.PriceEvery <= 0 {
		o.PriceEvery = defaultPriceEvery
	}
	if o.PublishEvery <= 0 {
		o.PublishEvery = defaultPublishEvery
	}
	if !(o.ClockRate >= 1) {
		o.ClockRate = 1
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxBars <= 0 {
		o.MaxBars = defaultMaxBars
	}
	o.MaxBars = max(o.MaxBars, 2*o.Strategy.Lookback())
	for _, list := range o.Strategies {
		for _, s := range list {
			o.MaxBars = max(o.MaxBars, 2*s.Lookback())
		}
	}
	if o.SignalHistory <= 0 {
		o.SignalHistory = defaultSignalHistory
	}
	if o.SilentAfter == 0 {
		o.SilentAfter = defaultSilentAfter
	}
	if o.SilentCheck <= 0 {
		o.SilentCheck = time.Second
	}
	if o.QuoteLines <= 0 {
		o.QuoteLines = DefaultQuoteLines
	}
	return nil
}

// normalizeSymbols trims and upper-cases the watchlist and drops repeats,
// keeping the first position.
func normalizeSymbols(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	seen := make(map[string]bool, len(in))
	for _, s := range in {
		s = strings.ToUpper(strings.TrimSpace(s))
		if err := checkSymbol(s); err != nil {
			return nil, err
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, ErrNoSymbols
	}
	return out, nil
}

func checkSymbol(s string) error {
	if s == "" || len(s) > maxSymbolLen {
		return fmt.Errorf("%w: %q (1..%d characters)", ErrBadSymbol, s, maxSymbolLen)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || r == ',' {
			return fmt.Errorf("%w: %q", ErrBadSymbol, s)
		}
	}
	return nil
}

func portOf(addr string) (int, error) {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, fmt.Errorf("%w: address %q: %w", ErrBadPort, addr, err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return 0, fmt.Errorf("%w: address %q", ErrBadPort, addr)
	}
	return n, nil
}

// strategiesOf is the strategies judging symbol, its main one first.
func (o *Options) strategiesOf(symbol string) []signal.Strategy {
	if list := o.Strategies[symbol]; len(list) > 0 {
		return list
	}
	return []signal.Strategy{o.Strategy}
}
