package engine

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// A broken gateway can send tens of thousands of messages a second; written
// one line each they fill a disk. The log says each thing once per interval
// with a count, and the metrics keep the exact totals.
const (
	// repeatWindow is how long repeats of one gateway message (same code and
	// request) are counted into one line rather than logged.
	repeatWindow = 5 * time.Second
	// maxRepeatKeys bounds the messages tracked at once; a gateway that
	// varies request ids beyond it has the rest counted as overflow.
	maxRepeatKeys = 256
	// stateLines and stateBurst rate-limit conn.state lines: the attempt cap
	// already bounds transitions, this bounds the log whatever happens.
	stateLines = 2 // per second, sustained
	stateBurst = 30
)

// EventSuppressed reports lines the flood guard left out: kind, count.
const EventSuppressed = "log.suppressed"

type repeatKey struct{ code, reqID int }

type repeat struct {
	since  time.Time // the window's start: its first line was logged
	count  int       // repeats since, not logged
	name   string    // the event it is logged as (ib.error, or a notice)
	text   string    // the latest text, for the summary line
	symbol string
}

// floodGuard decides which of a flood's lines are logged. Safe for
// concurrent use.
type floodGuard struct {
	mu       sync.Mutex
	repeats  map[repeatKey]*repeat
	overflow int // messages not tracked because the table was full
	states   *rate.Limiter
	held     int // conn.state lines left out since the last one logged
}

func newFloodGuard() *floodGuard {
	return &floodGuard{repeats: map[repeatKey]*repeat{}, states: rate.NewLimiter(stateLines, stateBurst)}
}

// gatewayMessage reports whether a gateway message (code, reqID) is to be
// logged now: the first of its window is, repeats inside it are counted.
func (g *floodGuard) gatewayMessage(now time.Time, name string, code, reqID int, text, symbol string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	k := repeatKey{code, reqID}
	r := g.repeats[k]
	switch {
	case r == nil && len(g.repeats) >= maxRepeatKeys:
		g.overflow++
		return false
	case r == nil:
		g.repeats[k] = &repeat{since: now}
		return true
	case now.Sub(r.since) >= repeatWindow && r.count == 0:
		r.since = now
		return true
	}
	r.count++
	r.name, r.text, r.symbol = name, text, symbol
	return false
}

// summary is one line owed for repeats whose window has ended.
type summary struct {
	key repeatKey
	repeat
}

// due returns the summaries of windows ended by now (all of them with
// final) and forgets windows that ended with no repeats.
func (g *floodGuard) due(now time.Time, final bool) ([]summary, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []summary
	for k, r := range g.repeats {
		if !final && now.Sub(r.since) < repeatWindow {
			continue
		}
		if r.count > 0 {
			out = append(out, summary{k, *r})
		}
		delete(g.repeats, k)
	}
	over := g.overflow
	g.overflow = 0
	return out, over
}

// stateLine reports whether a conn.state line is logged and how many were
// left out before it; must says it is logged whatever the rate.
func (g *floodGuard) stateLine(must bool) (bool, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.states.Allow() && !must {
		g.held++
		return false, 0
	}
	held := g.held
	g.held = 0
	return true, held
}

// flushRepeats logs one line per gateway message repeated in a window that
// has ended, with its count; final (at Close) flushes every window.
func (e *Engine) flushRepeats(final bool) {
	now := time.Now()
	sums, over := e.flood.due(now, final)
	for _, s := range sums {
		window := now.Sub(s.since).Round(time.Second)
		human := fmt.Sprintf("%d %s (repeated %d times in %s)", s.key.code, s.text, s.count, window)
		attrs := []slog.Attr{slog.Int("code", s.key.code), slog.Int("req_id", s.key.reqID), slog.String("text", s.text),
			slog.Int("count", s.count), slog.Float64("window_s", window.Seconds())}
		if s.symbol != "" {
			human = s.symbol + ": " + human
			attrs = append(attrs, slog.String("symbol", s.symbol))
		}
		e.events.add(now, ibErrorLevel(s.key.code), s.name, human, attrs...)
	}
	if over > 0 {
		e.events.add(now, slog.LevelWarn, EventSuppressed, fmt.Sprintf("%d gateway messages not logged (too many distinct ones)", over),
			slog.String("kind", EventIBError), slog.Int("count", over))
	}
}
