package engine

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/robotui/robotui/conn"
)

// Event names of the data watch (DESIGN.md, "Headless event lines").
const (
	EventFarm        = "farm"         // farm, kind, state, code
	EventDataSilent  = "data.silent"  // symbol, since, last_update
	EventDataResumed = "data.resumed" // symbol, gap_s
	EventZone        = "zone"         // the login zone: zone (as the gateway wrote it), location, known
)

// Row statuses of the data watch, beside conn's subscription statuses.
const (
	StatusSilent = "silent" // live, but no update for Options.SilentAfter while the market is open
	StatusStale  = "stale"  // data held while the session is down
)

func (e *Engine) emitFarm(v conn.FarmChange) {
	f := v.Farm
	level := slog.LevelInfo
	if f.State == conn.FarmBroken {
		level = slog.LevelWarn
	}
	text := fmt.Sprintf("farm %s (%s) %s (%d)", f.Name, f.Kind, f.State, f.Code)
	e.events.add(v.At, level, EventFarm, text,
		slog.String("farm", f.Name),
		slog.String("kind", f.Kind.String()),
		slog.String("state", f.State.String()),
		slog.Int("code", f.Code),
	)
}

// noteLoginZone reads the login zone from the handshake reply of a new
// connection: zone-less text dates are in it. A zone not known is New York,
// with a warning (the only time the zone event is written); it never fails
// the session.
func (e *Engine) noteLoginZone() {
	zone, loc, ok := loginZone(e.sess.Stats().ConnTime)
	if ok {
		e.dateLoc.Store(loc)
		return
	}
	loc = e.opts.Calendar.Location()
	e.dateLoc.Store(loc)
	e.events.add(time.Now(), slog.LevelWarn, EventZone,
		fmt.Sprintf("login zone %q is not known: text dates without a zone are read as %s", clip(zone), loc),
		slog.String("zone", clip(zone)), slog.String("location", loc.String()), slog.Bool("known", false))
}

// watchData is the freshness watchdog, run every Options.SilentCheck: while
// the gateway's clock says the market is open and the session is ready, a
// live symbol with no update (nor backfill) for Options.SilentAfter is
// silent; its subscription alone is asked again, at most once per
// SilentAfter (conn keeps IB's identical-request gap).
func (e *Engine) watchData(now time.Time) {
	if e.opts.SilentAfter <= 0 {
		return
	}
	gw, ok := e.opts.ServerTime()
	if !ok || conn.State(e.state.Load()) != conn.Ready || !e.opts.Calendar.Status(gw).Open {
		// Nothing is owed now: the silence counts from when something is.
		e.watchFrom = now
		return
	}
	for _, sym := range e.syms {
		sym.mu.Lock()
		sub := sym.sub
		sym.mu.Unlock()
		if sub == nil {
			continue
		}
		if st, _ := sub.Status(); st != conn.SubLive && st != conn.SubRecovering {
			continue
		}
		sym.mu.Lock()
		ref := sym.lastData
		if ref.Before(e.watchFrom) {
			ref = e.watchFrom
		}
		if now.Sub(ref) < e.opts.SilentAfter {
			sym.mu.Unlock()
			continue
		}
		first := !sym.silent
		if first {
			sym.silent, sym.silentSince = true, now
		}
		last := sym.lastUpdate
		if last.IsZero() {
			last = sym.lastData
		}
		sym.lastData = now // the next renewal waits another SilentAfter
		sym.mu.Unlock()
		if first {
			e.events.add(now, slog.LevelWarn, EventDataSilent,
				fmt.Sprintf("%s: no update for %s while the market is open: asking again", sym.name, now.Sub(last).Round(time.Second)),
				slog.String("symbol", sym.name),
				slog.String("since", now.Format(time.RFC3339Nano)),
				slog.String("last_update", last.Format(time.RFC3339Nano)),
			)
			e.markDirty()
		}
		sub.Renew("silent")
	}
}

// resumed ends a silence at the first live update; called with sym.mu held,
// it returns what to log.
func (sym *symbolState) resumed(now time.Time) (gap time.Duration, was bool) {
	if !sym.silent {
		return 0, false
	}
	sym.silent = false
	last := sym.lastUpdate
	if last.IsZero() {
		last = sym.silentSince
	}
	return now.Sub(last), true
}

func (e *Engine) emitResumed(symbol string, gap time.Duration) {
	e.events.add(time.Now(), slog.LevelInfo, EventDataResumed,
		fmt.Sprintf("%s: live updates again after %s", symbol, gap.Round(100*time.Millisecond)),
		slog.String("symbol", symbol),
		slog.Float64("gap_s", gap.Seconds()),
	)
}
