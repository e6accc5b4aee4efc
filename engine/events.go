package engine

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Event names of DESIGN.md ("Headless event lines"): a contract with scripts.
const (
	EventConnState = "conn.state"
	EventKeepalive = "keepalive"
	EventSockets   = "sockets"
	EventZombie    = "zombie"
	EventSignal    = "signal"
	EventIBError   = "ib.error"
	EventMarket    = "market"
	EventIBNotice  = "ib.notice" // an IB code that reports a status, not a failure (isNotice)
)

// Events beyond DESIGN.md's list: problems worth a line of their own.
const (
	EventBars         = "bars"          // bars with an unreadable date were skipped: symbol, error
	EventMode         = "mode"          // the accounts are not of the configured mode: mode, configured, accounts
	EventScanError    = "sockets.error" // the port scan failed: port, error
	EventSymbolFailed = "symbol.failed" // RunOnce: a symbol without a signal: symbol, reason
)

// maxPendingLogs bounds the records waiting for a slow log writer; beyond
// it the oldest are dropped (and counted) rather than block a producer.
const maxPendingLogs = 10_000

// eventLog takes events from any goroutine without blocking: it keeps the
// last few for snapshots and hands each, as one slog record, to the writer
// goroutine, so that a slow log sink never stalls the reader or the session.
type eventLog struct {
	handler slog.Handler
	wake    chan struct{}
	onError func(error)       // the sink's first failure; may be nil
	tap     func(slog.Record) // the journal: every record, whatever its level; may be nil

	abandoned atomic.Bool   // Close stopped waiting: write nothing more
	failed    atomic.Bool   // the sink has failed once (reported)
	writeErrs atomic.Uint64 // records the sink failed to write
	dropTotal atomic.Uint64 // records dropped for a slow sink

	mu      sync.Mutex
	ring    []EventLine
	next    int
	full    bool
	pending []slog.Record
	dropped uint64
}

func newEventLog(h slog.Handler, keep int, onError func(error)) *eventLog {
	return &eventLog{handler: h, wake: make(chan struct{}, 1), ring: make([]EventLine, keep), onError: onError}
}

// EventLogError is the event (on screen only) that the log sink failed.
const EventLogError = "log.error"

// failures returns the records dropped for a slow sink and those it failed to write.
func (l *eventLog) failures() (dropped, writeErrs uint64) {
	return l.dropTotal.Load(), l.writeErrs.Load()
}

// offScreen are events logged but not kept for the events panel: the
// account strip and the positions panel show them as they change, up to
// once a second each, which would push everything else out of the ring.
var offScreen = map[string]bool{EventAccount: true, EventPosition: true}

// add records one event. Debug-level events (answered pings) are logged
// but not kept: they would push everything else out of the ring.
func (l *eventLog) add(at time.Time, level slog.Level, name, text string, attrs ...slog.Attr) {
	r := slog.NewRecord(at, level, name, 0)
	r.AddAttrs(attrs...)
	if l.tap != nil {
		l.tap(r)
	}
	l.mu.Lock()
	if level > slog.LevelDebug && !offScreen[name] {
		l.putRing(EventLine{At: at, Level: level, Name: name, Text: text})
	}
	if l.handler.Enabled(context.Background(), level) {
		if len(l.pending) >= maxPendingLogs {
			l.pending = l.pending[:copy(l.pending, l.pending[1:])]
			l.dropped++
			l.dropTotal.Add(1)
		}
		l.pending = append(l.pending, r)
	}
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// record hands one event to the tap only: a line the flood guard kept off the log.
func (l *eventLog) record(at time.Time, level slog.Level, name string, attrs ...slog.Attr) {
	if l.tap == nil {
		return
	}
	r := slog.NewRecord(at, level, name, 0)
	r.AddAttrs(attrs...)
	l.tap(r)
}

// keep puts a line in the ring only: for news about the log itself.
func (l *eventLog) keep(line EventLine) {
	l.mu.Lock()
	l.putRing(line)
	l.mu.Unlock()
}

// putRing is called with mu held.
func (l *eventLog) putRing(line EventLine) {
	l.ring[l.next] = line
	if l.next++; l.next == len(l.ring) {
		l.next, l.full = 0, true
	}
}

// lines returns the kept events, oldest first, in a fresh slice.
func (l *eventLog) lines() []EventLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.full {
		return append([]EventLine(nil), l.ring[:l.next]...)
	}
	out := make([]EventLine, 0, len(l.ring))
	out = append(out, l.ring[l.next:]...)
	return append(out, l.ring[:l.next]...)
}

func (l *eventLog) take() ([]slog.Record, uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p, d := l.pending, l.dropped
	l.pending, l.dropped = nil, 0
	return p, d
}

// write runs until stop is closed, then flushes what is left.
func (l *eventLog) write(stop <-chan struct{}) {
	for {
		select {
		case <-l.wake:
			l.flush()
		case <-stop:
			l.flush()
			return
		}
	}
}

func (l *eventLog) flush() {
	recs, dropped := l.take()
	ctx := context.Background()
	if dropped > 0 {
		r := slog.NewRecord(time.Now(), slog.LevelWarn, "events.dropped", 0)
		r.AddAttrs(slog.Uint64("count", dropped))
		l.handle(ctx, r)
	}
	for _, r := range recs {
		if l.abandoned.Load() {
			return
		}
		l.handle(ctx, r)
	}
}

// handle writes one record; the sink's first failure is said once, on the
// screen and to onError (stderr), and every failure is counted.
func (l *eventLog) handle(ctx context.Context, r slog.Record) {
	err := l.handler.Handle(ctx, r)
	if err == nil {
		return
	}
	l.writeErrs.Add(1)
	if l.failed.Swap(true) {
		return
	}
	l.keep(EventLine{At: time.Now(), Level: slog.LevelError, Name: EventLogError,
		Text: "the log cannot be written: " + err.Error() + " (further failures are counted in the metrics)"})
	if l.onError != nil {
		l.onError(err)
	}
}
