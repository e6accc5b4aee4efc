package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robotui/robotui/conn"
)

// Exit codes of RunOnce (robotui --once).
const (
	ExitOK        = 0 // every symbol reported
	ExitFailed    = 1 // some symbol failed; the others were reported
	ExitNoSession = 2 // no session could be made
)

// OnceReport is what RunOnceReport found, for a caller that shows it
// (robotui --once on a terminal prints it as a table).
type OnceReport struct {
	Code  int            // ExitOK, ExitFailed or ExitNoSession
	Rows  []OnceRow      // one per symbol, in watchlist order; none without a session
	Error string         // why the run gave up early, "" when it did not
	Hint  string         // what the trader can do about it, "" when nothing
	Zone  *time.Location // the market's time zone (the console's header), for bar times
}

// OnceRow is one symbol's outcome: its newest closed bar's signal, or why
// there is none.
type OnceRow struct {
	Symbol string
	Signal SignalRecord
	Failed string // "" when Signal holds the verdict
}

// RunOnce is the headless one-pass run: connect, backfill every symbol
// once (no live updates), write one `signal` line per symbol for its newest
// closed bar, close the session cleanly. It returns ExitOK, ExitFailed when
// some symbol failed (each failure is logged as `symbol.failed`) or
// ExitNoSession when no session was ready within the connect timeout plus
// a second. Symbols not settled within Options.OnceTimeout are reported
// failed. The engine is closed when it returns; it must not have been
// started.
func (e *Engine) RunOnce(ctx context.Context) int { return e.RunOnceReport(ctx).Code }

// RunOnceReport is RunOnce, returning what was found besides the event lines.
func (e *Engine) RunOnceReport(ctx context.Context) OnceReport {
	e.life.Lock()
	if e.started || e.closed {
		e.life.Unlock()
		e.opts.Log.Error("once", "error", ErrStarted.Error())
		return OnceReport{Code: ExitNoSession, Error: ErrStarted.Error()}
	}
	e.once = true
	e.startLocked()
	e.life.Unlock()
	defer e.Close()
	// A cron job must end: symbols still waiting at the deadline are reported failed.
	ctx, cancel := context.WithTimeout(ctx, e.opts.OnceTimeout)
	defer cancel()

	rep := OnceReport{Zone: e.loc}
	if err := e.awaitSettled(ctx); err != nil {
		rep.Error, rep.Hint = err.Error(), e.onceHint()
		attrs := []any{"error", rep.Error}
		if rep.Hint != "" {
			attrs = append(attrs, "hint", rep.Hint)
		}
		e.opts.Log.Error("once", attrs...)
		if !e.everReady.Load() {
			rep.Code = ExitNoSession
			return rep
		}
	}
	failed := 0
	for _, sym := range e.syms {
		rec, why := e.onceResult(sym)
		rep.Rows = append(rep.Rows, OnceRow{Symbol: sym.name, Signal: rec, Failed: why})
		if why != "" {
			failed++
			e.events.add(time.Now(), slog.LevelError, EventSymbolFailed, sym.name+": "+why,
				slog.String("symbol", sym.name), slog.String("reason", why))
			continue
		}
		e.emitSignal(sym.name, rec)
	}
	if failed > 0 {
		rep.Code = ExitFailed
	}
	return rep
}

// onceHint is the hint for a session that never came up. RunOnce runs no
// scan loop, so the port's socket table is read once here (never a connect).
func (e *Engine) onceHint() string {
	st := e.sess.Stats()
	if st.Cause == conn.CauseDialRefused {
		ctx, cancel := context.WithTimeout(e.ctx, time.Second)
		t, err := e.scanner.ScanContext(ctx, e.opts.GatewayPort, false)
		cancel()
		if err == nil {
			e.mu.Lock()
			e.sock.Listening = t.Listening
			e.mu.Unlock()
		}
	}
	return e.hint(st.State, st.Cause, st.Addr)
}

// awaitSettled waits until every symbol has its backfill or has failed.
// It gives up when no session is ready within connectWait, when a lost
// session stays lost that long, or when ctx ends.
func (e *Engine) awaitSettled(ctx context.Context) error {
	wait := e.connectWait()
	lost := time.NewTimer(wait)
	defer lost.Stop()
	down := true
	for {
		up := e.sessionUp()
		if up && e.settled() {
			return nil
		}
		if up && down {
			lost.Stop()
		} else if !up && !down {
			lost.Reset(wait)
		}
		down = !up
		select {
		case <-ctx.Done():
			return fmt.Errorf("stopped before every symbol was backfilled: %w", ctx.Err())
		case <-lost.C:
			st := e.sess.Stats()
			what := fmt.Sprintf("session to %s lost for %s: %s", st.Addr, wait, st.Cause.Phrase())
			if !e.everReady.Load() {
				what = fmt.Sprintf("no session with %s within %s: %s", st.Addr, wait, st.Cause.Phrase())
			}
			if st.Err == nil {
				return errors.New(what)
			}
			return fmt.Errorf("%s: %w", what, st.Err)
		case <-e.progress:
		}
	}
}

// settled reports whether every symbol has merged a backfill or failed for good.
func (e *Engine) settled() bool {
	for _, sym := range e.syms {
		sym.mu.Lock()
		done, sub := sym.backfills > 0, sym.sub
		sym.mu.Unlock()
		if done {
			continue
		}
		if st, _ := sub.Status(); st != conn.SubFailed && st != conn.SubCancelled {
			return false
		}
	}
	return true
}

// onceResult is the symbol's newest closed bar's verdict, or why there is none.
func (e *Engine) onceResult(sym *symbolState) (SignalRecord, string) {
	sym.mu.Lock()
	defer sym.mu.Unlock()
	if sym.backfills == 0 {
		if _, detail := sym.sub.Status(); detail != "" {
			return SignalRecord{}, detail
		}
		if sym.errText != "" {
			return SignalRecord{}, sym.errText
		}
		return SignalRecord{}, "no backfill"
	}
	b := sym.ser.newestClosed()
	if b == nil || !b.verdict.given {
		return SignalRecord{}, "the backfill holds no closed bar"
	}
	rec := b.record()
	sym.remember([]SignalRecord{rec})
	return rec, ""
}
