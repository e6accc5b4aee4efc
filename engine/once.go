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

// RunOnce is the headless one-pass run: connect, backfill every symbol
// once (no live updates), write one `signal` line per symbol for its newest
// closed bar, close the session cleanly. It returns ExitOK, ExitFailed when
// some symbol failed (each failure is logged as `symbol.failed`) or
// ExitNoSession when no session was ready within the connect timeout plus
// a second. Symbols not settled within Options.OnceTimeout are reported
// failed. The engine is closed when it returns; it must not have been
// started.
func (e *Engine) RunOnce(ctx context.Context) int {
	e.life.Lock()
	if e.started || e.closed {
		e.life.Unlock()
		e.opts.Log.Error("once", "error", ErrStarted.Error())
		return ExitNoSession
	}
	e.once = true
	e.startLocked()
	e.life.Unlock()
	defer e.Close()
	// A cron job must end: symbols still waiting at the deadline are reported failed.
	ctx, cancel := context.WithTimeout(ctx, e.opts.OnceTimeout)
	defer cancel()

	if err := e.awaitSettled(ctx); err != nil {
		e.opts.Log.Error("once", "error", err.Error())
		if !e.everReady.Load() {
			return ExitNoSession
		}
	}
	failed := 0
	for _, sym := range e.syms {
		rec, why := e.onceResult(sym)
		if why != "" {
			failed++
			e.events.add(time.Now(), slog.LevelError, EventSymbolFailed, sym.name+": "+why,
				slog.String("symbol", sym.name), slog.String("reason", why))
			continue
		}
		e.emitSignal(sym.name, rec)
	}
	if failed > 0 {
		return ExitFailed
	}
	return ExitOK
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
