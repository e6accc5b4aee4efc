package engine

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/fanout"
	"github.com/robotui/robotui/conn/sockets"
	"github.com/robotui/robotui/conn/wire"
)

// Engine owns one conn.Session for the program's life and everything built
// on it. Its methods are safe for concurrent use.
type Engine struct {
	opts         Options
	userObserver func(conn.Event)
	sess         *conn.Session
	loc          *time.Location
	syms         []*symbolState
	bySymbol     map[string]*symbolState
	events       *eventLog
	flood        *floodGuard
	counts       counters
	scanner      *sockets.Scanner
	quotes       *quoteSet
	span         int64 // a bar's length in seconds; 0 when unknown
	once         bool  // RunOnce: one backfill per symbol, signals written at the end

	state     atomic.Uint32 // conn.State
	everReady atomic.Bool
	dateLoc   atomic.Pointer[time.Location] // zone-less text dates: the login zone
	watchFrom time.Time                     // the data watch counts silence from here at the earliest (publisher-owned)

	dirty chan struct{} // wakes the publisher
	// quiet: a change that waits for the next price refresh or clock tick
	// (at most a second): a forming bar revised, a ping answered, a scan
	// that found the table as it was.
	quiet    atomic.Bool
	progress chan struct{} // wakes RunOnce
	rescan   chan struct{} // asks the scanner for a scan now
	snaps    chan Snapshot
	latest   atomic.Pointer[Snapshot]

	acct       *accountModel
	acctEvents accountEmitter
	ibc        ibcGate
	mu         sync.Mutex // guards sock and market
	sock       SocketInfo
	market     MarketInfo
	haveMkt    bool

	ctx     context.Context // cancelled by Close: cuts short scans and kills
	cancel  context.CancelFunc
	stopPub chan struct{}
	stopAux chan struct{} // scanner
	stopLog chan struct{}
	wgPub   sync.WaitGroup
	wgAux   sync.WaitGroup
	wgLog   sync.WaitGroup
	fanout  atomic.Pointer[fanout.Server] // the read-only TWS API fan-out, when on
	life    sync.Mutex                    // serialises Start, RunOnce and Close
	started bool
	closed  bool
}

// New validates opts and builds an engine; Start sets it going.
func New(opts Options) (*Engine, error) {
	if err := opts.normalize(); err != nil {
		return nil, err
	}
	e := &Engine{
		opts:         opts,
		userObserver: opts.Session.Observer,
		loc:          opts.Calendar.Location(),
		bySymbol:     make(map[string]*symbolState, len(opts.Symbols)),
		events:       newEventLog(opts.Log.Handler(), opts.EventHistory, opts.OnLogError),
		flood:        newFloodGuard(),
		scanner:      sockets.NewScanner(),
		dirty:        make(chan struct{}, 1),
		progress:     make(chan struct{}, 1),
		rescan:       make(chan struct{}, 1),
		snaps:        make(chan Snapshot, 1),
		stopPub:      make(chan struct{}),
		stopAux:      make(chan struct{}),
		stopLog:      make(chan struct{}),
	}
	if opts.Journal != nil {
		e.events.tap = opts.Journal.Event
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.dateLoc.Store(e.loc)
	e.acct = newAccountModel(e.dateLoc.Load)
	e.span = barSeconds(opts.Bars.BarSize)
	for _, name := range opts.Symbols {
		sym := newSymbolState(name, opts.strategiesOf(name), opts.MaxBars, opts.SignalHistory, e.span)
		e.syms = append(e.syms, sym)
		e.bySymbol[name] = sym
	}
	cfg := opts.Session
	cfg.Observer = e.observe
	e.sess = conn.NewSession(cfg)
	e.quotes = newQuoteSet(e.sess, opts.QuoteLines, e.onQuote, e.onQuoteError)
	if e.opts.ServerTime == nil {
		e.opts.ServerTime = e.sess.ServerTime
	}
	e.state.Store(uint32(conn.Disconnected))
	e.sock.Port = opts.GatewayPort
	// Until the gateway's host is known, no socket counts as its: a kill
	// planned before the first scan must not reach another server's clients.
	e.scanner.SetGateway(literalAddrs(opts.Session.Addr))
	return e, nil
}

// Start starts the session, the subscriptions, the port scanner and the
// snapshot publisher. It is idempotent; after Close it does nothing.
func (e *Engine) Start() {
	e.life.Lock()
	defer e.life.Unlock()
	e.startLocked()
}

func (e *Engine) startLocked() {
	if e.started || e.closed {
		return
	}
	e.started = true
	e.wgLog.Add(1)
	go func() {
		defer e.wgLog.Done()
		e.events.write(e.stopLog)
	}()
	paced := e.sess.Config().BackfillPacing(len(e.syms), e.opts.Bars.BarSize)
	e.events.keep(EventLine{At: time.Now(), Level: slog.LevelInfo, Name: "watchlist",
		Text: fmt.Sprintf("%d symbols of %s bars: IB's pacing lets the first backfill take no less than %s", len(e.syms), e.opts.Bars.BarSize, paced.Round(time.Second))})
	for _, sym := range e.syms {
		req := e.request(sym.name)
		if from, ok := e.warmStart(sym); ok {
			req.WarmFrom = from
		}
		sub := e.sess.SubscribeBars(req, func(ev conn.BarEvent) { e.onBars(sym, ev) })
		sym.mu.Lock()
		sym.sub = sub
		sym.mu.Unlock()
	}
	if !e.once {
		watch := make([]wire.Contract, len(e.syms))
		for i, sym := range e.syms {
			watch[i] = e.request(sym.name).Contract
		}
		e.wantQuotes(quoteWatchlist, watch)
	}
	e.sess.Start()
	if e.once {
		return
	}
	if e.opts.ScanInterval > 0 {
		e.wgAux.Add(1)
		go func() {
			defer e.wgAux.Done()
			e.scanLoop()
		}()
	}
	e.wgPub.Add(1)
	go func() {
		defer e.wgPub.Done()
		e.publishLoop()
	}()
}

func (e *Engine) request(symbol string) conn.BarRequest {
	b := e.opts.Bars
	return conn.BarRequest{
		Contract: wire.Stock(symbol), Duration: b.Duration, BarSize: b.BarSize, WhatToShow: b.WhatToShow,
		UseRTH: b.UseRTH, FormatDate: 2, KeepUpToDate: !e.once,
	}
}

// Close closes the session cleanly, stops every goroutine, publishes a last
// snapshot and closes the Snapshots channel. It is idempotent and waits.
func (e *Engine) Close() {
	e.life.Lock()
	defer e.life.Unlock()
	if e.closed {
		return
	}
	e.closed = true
	e.cancel()
	close(e.stopAux)
	e.wgAux.Wait()
	e.closeFanout() // its clients go before the session they ride on
	if e.started {
		e.sess.Close() // a session never started has nothing to close, and must not dial now
	}
	close(e.stopPub)
	e.wgPub.Wait()
	e.flushRepeats(true)
	close(e.stopLog)
	e.waitLog()
	if e.started && !e.once {
		e.publish(e.buildSnapshot())
	}
	close(e.snaps)
}

// waitLog waits for the log writer's last flush, but no longer than
// FlushTimeout: a sink that blocks (stdout a full pipe, a stuck shipper)
// must not hold the process after the session is closed. The writer is
// then left behind, blocked in its write, to end with the process.
func (e *Engine) waitLog() {
	done := make(chan struct{})
	go func() {
		e.wgLog.Wait()
		close(done)
	}()
	t := time.NewTimer(e.opts.FlushTimeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		e.events.abandoned.Store(true)
	}
}

// Snapshots delivers the latest snapshot, coalesced (a capacity-1 channel
// whose stale value is replaced); it is closed after Close.
func (e *Engine) Snapshots() <-chan Snapshot { return e.snaps }

// Latest returns the most recent snapshot, building one if none was published yet.
func (e *Engine) Latest() Snapshot {
	if s := e.latest.Load(); s != nil {
		return *s
	}
	return e.buildSnapshot()
}

// Reconnect closes the connection cleanly and dials again at once.
func (e *Engine) Reconnect() { e.sess.Reconnect() }

// Refresh re-requests one symbol's bars (a fresh backfill), e.g. after an
// error; unknown symbols are ignored.
func (e *Engine) Refresh(symbol string) {
	sym := e.bySymbol[normalizeOne(symbol)]
	if sym == nil {
		return
	}
	sym.mu.Lock()
	sub := sym.sub
	sym.errText = ""
	sym.mu.Unlock()
	if sub != nil {
		sub.Refresh()
	}
	e.markDirty()
}

// FaultNames lists the simulator's faults; nil without the simulator.
func (e *Engine) FaultNames() []string {
	if e.opts.Faults == nil {
		return nil
	}
	return e.opts.Faults.FaultNames()
}

// InjectFault asks the simulator for a fault by name and says what it did.
func (e *Engine) InjectFault(name string) (string, error) {
	if e.opts.Faults == nil {
		return "", ErrNoFaults
	}
	done, err := e.opts.Faults.InjectFault(name)
	if err != nil {
		return "", fmt.Errorf("inject fault %q: %w", name, err)
	}
	e.markDirty() // the menu shows what is active
	return done, nil
}

// Ready reports whether the session is connected and ready (for /healthz).
func (e *Engine) Ready() bool { return conn.State(e.state.Load()) == conn.Ready }

// Stats is the session's state and counters.
func (e *Engine) Stats() conn.Stats { return e.sess.Stats() }

// Symbols returns the watchlist, normalised, in order.
func (e *Engine) Symbols() []string { return append([]string(nil), e.opts.Symbols...) }

// SignalHistory returns the signals emitted for symbol, oldest first
// (bounded by Options.SignalHistory).
func (e *Engine) SignalHistory(symbol string) []SignalRecord {
	sym := e.bySymbol[normalizeOne(symbol)]
	if sym == nil {
		return nil
	}
	sym.mu.Lock()
	defer sym.mu.Unlock()
	return append([]SignalRecord(nil), sym.history...)
}

// ClosedBars returns symbol's closed bars, oldest first, and the verdict on
// each one judged (silently or not); the two slices are parallel.
func (e *Engine) ClosedBars(symbol string) ([]Bar, []SignalRecord) {
	sym := e.bySymbol[normalizeOne(symbol)]
	if sym == nil {
		return nil, nil
	}
	sym.mu.Lock()
	defer sym.mu.Unlock()
	n := sym.ser.closedCount()
	bars, recs := make([]Bar, 0, n), make([]SignalRecord, 0, n)
	for i := range n {
		b := &sym.ser.bars[i]
		bars = append(bars, b.bar())
		var r SignalRecord
		if b.verdict.given {
			r = b.record()
		}
		recs = append(recs, r)
	}
	return bars, recs
}

// markDirty wakes the publisher and RunOnce; it never blocks.
func (e *Engine) markDirty() {
	for _, ch := range [...]chan struct{}{e.dirty, e.progress} {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func normalizeOne(s string) string {
	out, err := normalizeSymbols([]string{s})
	if err != nil {
		return ""
	}
	return out[0]
}

// sessionUp reports whether the session holds a working connection.
func (e *Engine) sessionUp() bool { return conn.State(e.state.Load()).Up() }

// connectWait is how long RunOnce waits for a first session.
func (e *Engine) connectWait() time.Duration {
	d := e.opts.Session.ConnectTimeout
	if d <= 0 {
		d = 10 * time.Second
	}
	return d + time.Second
}
