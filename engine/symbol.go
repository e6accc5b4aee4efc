package engine

import (
	"cmp"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
	"github.com/robotui/robotui/engine/signal"
)

// symbolState is one watched symbol: its series, its verdicts and what the
// gateway said about it. The bar handler updates it in place under mu, doing
// only cheap work, so neither the reader goroutine nor a snapshot waits long.
type symbolState struct {
	name string

	mu        sync.Mutex
	sub       *conn.Subscription
	ser       *series
	backfills int  // backfills merged
	awaiting  bool // a new backfill was announced and has not arrived
	errText   string
	lastCross signal.Action
	since     int64
	history   []SignalRecord // emitted, oldest first
	maxHist   int
	stale     uint64    // updates for bars older than the newest, ignored
	lastData  time.Time // when a backfill or update last arrived (our clock)
	badDates  uint64
	warnText  string // the newest warning about the request (10167, 2174, ...), until it is sent again

	warmFrom    int64     // a warm start's newest stored bar (Unix s) until the first backfill; 0 otherwise
	lastUpdate  time.Time // when a live update last arrived (our clock)
	silent      bool      // the data watch found it silent; a live update ends it
	silentSince time.Time
}

// newSymbolState follows a symbol judged by strategies, the first its main one.
func newSymbolState(name string, strategies []signal.Strategy, maxBars, maxHist int, span int64) *symbolState {
	return &symbolState{name: name, ser: newSeries(strategies[0], maxBars, span, strategies[1:]...), maxHist: maxHist}
}

// note keeps the last cross; called for every verdict, emitted or not.
func (sym *symbolState) note(b *barRec) {
	if a := b.verdict.act(); a == signal.Buy || a == signal.Sell {
		sym.lastCross, sym.since = a, b.t
	}
}

// remember appends emitted verdicts to the bounded history.
func (sym *symbolState) remember(recs []SignalRecord) {
	sym.history = append(sym.history, recs...)
	if over := len(sym.history) - sym.maxHist; over > 0 {
		sym.history = sym.history[:copy(sym.history, sym.history[over:])]
	}
}

// onBars is the subscription's handler. It runs on the session's or the
// reader's goroutine and never blocks: events go to the event queue.
func (e *Engine) onBars(sym *symbolState, ev conn.BarEvent) {
	switch ev.Kind {
	case conn.BarBackfill:
		e.onBackfill(sym, ev.Bars)
	case conn.BarUpdate:
		if !e.onUpdate(sym, &ev.Bar) {
			// Only the forming bar's prices moved: the slower price refresh shows it.
			e.quiet.Store(true)
			return
		}
	case conn.BarResubscribed:
		sym.mu.Lock()
		sym.awaiting = true
		sym.warnText = ""
		sym.mu.Unlock()
	case conn.BarWarning:
		sym.mu.Lock()
		sym.warnText = fmt.Sprintf("%d %s", ev.Code, ev.Text)
		sym.mu.Unlock()
		e.ibError(ev.Code, ev.ReqID, ev.Text, sym.name)
	case conn.BarError:
		sym.mu.Lock()
		sym.errText = fmt.Sprintf("%d %s", ev.Code, ev.Text)
		sym.mu.Unlock()
		e.ibError(ev.Code, ev.ReqID, ev.Text, sym.name)
	default:
		return
	}
	e.markDirty()
}

func (e *Engine) onBackfill(sym *symbolState, bars []wire.Bar) {
	recs := make([]barRec, 0, len(bars))
	loc := e.dateLoc.Load()
	var bad error
	skipped := 0
	limit, check := e.futureLimit()
	for i := range bars {
		t, err := parseBarTime(bars[i].Date, loc)
		if err != nil {
			bad = err
			skipped++
			continue
		}
		if check && t > limit {
			e.counts.future.Add(1)
			continue
		}
		recs = append(recs, toRec(t, &bars[i]))
	}
	var out []SignalRecord
	from := int64(math.MaxInt64)
	for i := range recs {
		from = min(from, recs[i].t)
	}
	sym.mu.Lock()
	// A warm start's backfill must reach back to the newest stored bar; one that does not (the gateway's clock misjudged) leaves a hole, so the whole span is asked again.
	hole := sym.warmFrom != 0 && len(recs) > 0 && from > sym.warmFrom
	if sym.warmFrom != 0 && len(recs) > 0 {
		sym.ser.dropAfter(newestOf(recs)) // stored bars the gateway's clock has not reached (a simulator started earlier) are not kept
	}
	sym.warmFrom = 0
	sub := sym.sub
	first := !sym.ser.judged
	sym.ser.merge(recs)
	if now, ok := e.opts.ServerTime(); ok {
		sym.ser.closeIfOver(now.Unix()) // a backfill after the close ends with a complete bar
	}
	sym.lastData = time.Now()
	sym.ser.judge(func(b *barRec) {
		sym.note(b)
		if !first {
			out = append(out, b.record())
		}
	})
	if nb := sym.ser.newestClosed(); first && nb != nil && nb.verdict.given {
		out = append(out, nb.record()) // the first backfill announces only where the symbol stands now
	}
	sym.backfills++
	sym.awaiting = false
	sym.errText = ""
	out = e.keepSignals(sym, sym.ser.withMore(out))
	sym.badDates += uint64(skipped)
	stored := e.closedSince(sym, from)
	sym.mu.Unlock()
	e.recordBars(sym.name, stored)
	if hole && sub != nil {
		e.events.add(time.Now(), slog.LevelWarn, EventWarm, fmt.Sprintf("%s: the warm backfill does not reach the stored bars; asking for the whole span", sym.name),
			slog.String("symbol", sym.name), slog.String("error", "gap after warm start"))
		sub.Refresh()
	}
	if bad != nil {
		e.events.add(time.Now(), slog.LevelWarn, EventBars, fmt.Sprintf("%s: %d bars skipped: %v", sym.name, skipped, bad),
			slog.String("symbol", sym.name), slog.Int("skipped", skipped), slog.String("error", bad.Error()))
	}
	e.emitSignals(sym.name, out)
}

// onUpdate applies a live bar; it reports whether a bar closed (a signal
// was judged), which is news, rather than a revision of the forming bar.
func (e *Engine) onUpdate(sym *symbolState, w *wire.Bar) bool {
	t, err := parseBarTime(w.Date, e.dateLoc.Load())
	if err != nil {
		sym.mu.Lock()
		sym.badDates++
		sym.mu.Unlock()
		return false
	}
	if limit, check := e.futureLimit(); check && t > limit {
		e.counts.future.Add(1)
		return false
	}
	var out []SignalRecord
	var closedBars []Bar
	now := time.Now()
	sym.mu.Lock()
	gap, resumed := sym.resumed(now)
	sym.lastData, sym.lastUpdate = now, now
	if !sym.ser.update(toRec(t, w)) {
		sym.stale++
	}
	first := !sym.ser.judged
	sym.ser.judge(func(b *barRec) {
		sym.note(b)
		out = append(out, b.record())
		closedBars = append(closedBars, b.bar())
	})
	if first && len(out) > 1 {
		out = out[len(out)-1:]
	}
	closed := len(out) > 0
	out = e.keepSignals(sym, sym.ser.withMore(out))
	sym.mu.Unlock()
	e.recordBars(sym.name, closedBars)
	if resumed {
		e.emitResumed(sym.name, gap)
		e.markDirty()
	}
	e.emitSignals(sym.name, out)
	return closed
}

// futureLimit is the latest bar start believed (Unix seconds): one bar
// period past the gateway's clock, plus how far that clock may have run
// since it was last read (two keepalive periods at ClockRate). A bar beyond
// it would be kept for good and make every real update look stale. Without
// the gateway's clock there is no check.
func (e *Engine) futureLimit() (int64, bool) {
	now, ok := e.opts.ServerTime()
	if !ok {
		return 0, false
	}
	k := e.sess.Config().Keepalive
	slack := time.Duration(float64(k.Interval+k.Timeout) * e.opts.ClockRate)
	return now.Add(slack).Unix() + e.span, true
}

// keepSignals records what is about to be emitted; in a one-shot run nothing
// is emitted until the end. Called with sym.mu held.
func (e *Engine) keepSignals(sym *symbolState, out []SignalRecord) []SignalRecord {
	if e.once {
		return nil
	}
	sym.remember(out)
	return out
}

func (e *Engine) emitSignals(symbol string, recs []SignalRecord) {
	for _, r := range recs {
		e.emitSignal(symbol, r)
	}
}

// row is the symbol's line of the signals table, without its status.
func (sym *symbolState) row() SymbolRow {
	r := SymbolRow{Symbol: sym.name, Bars: sym.ser.closedCount(), Detail: cmp.Or(sym.errText, sym.warnText)}
	if n := len(sym.ser.bars); n > 0 {
		r.Last = sym.ser.bars[n-1].c
	}
	if b := sym.ser.newestClosed(); b != nil {
		r.BarTime = time.Unix(b.t, 0).UTC()
		if b.verdict.given {
			rec := b.record()
			r.Fast, r.Slow, r.Signal, r.Relation = rec.Fast, rec.Slow, rec.Signal, rec.Relation
		}
	}
	if sym.lastCross != signal.Hold {
		r.LastCross, r.Since = sym.lastCross.String(), time.Unix(sym.since, 0).UTC()
	}
	r.Strategies = sym.strategyRows(r)
	return r
}

// strategyRows is the row's per-strategy part: the main strategy's from the
// row itself, then the others'.
func (sym *symbolState) strategyRows(r SymbolRow) []StrategyRow {
	out := make([]StrategyRow, 0, 1+len(sym.ser.more))
	out = append(out, StrategyRow{Strategy: string(signal.KindOf(sym.ser.strategy)), Name: sym.ser.strategy.Name(),
		Signal: r.Signal, Relation: r.Relation, Fast: r.Fast, Slow: r.Slow, LastCross: r.LastCross, Since: r.Since})
	var vs []verdict
	if b := sym.ser.newestClosed(); b != nil {
		vs = sym.ser.moreV[b.t]
	}
	for k, m := range sym.ser.more {
		row := StrategyRow{Strategy: string(signal.KindOf(m)), Name: m.Name()}
		if k < len(vs) {
			rec := vs[k].record(0, 0)
			row.Signal, row.Relation, row.Fast, row.Slow = rec.Signal, rec.Relation, rec.Fast, rec.Slow
		}
		if c := sym.ser.moreLast[k]; c.act != signal.Hold {
			row.LastCross, row.Since = c.act.String(), time.Unix(c.since, 0).UTC()
		}
		out = append(out, row)
	}
	return out
}

// quietBeforeClose is how long a forming bar must have gone without any
// update before the gateway's clock alone may close it: its final revision
// is then surely in.
const quietBeforeClose = 10 * time.Second

// closeElapsedBars gives a verdict on forming bars whose period the gateway
// says is over and that have gone quiet: the last bar before a close, or of
// a symbol that stopped trading. Called from the publisher's clock.
func (e *Engine) closeElapsedBars() {
	now, ok := e.opts.ServerTime()
	if !ok {
		return
	}
	for _, sym := range e.syms {
		var out []SignalRecord
		var closedBars []Bar
		sym.mu.Lock()
		if sym.ser.judged && time.Since(sym.lastData) >= quietBeforeClose && sym.ser.closeIfOver(now.Unix()) {
			sym.ser.judge(func(b *barRec) {
				sym.note(b)
				out = append(out, b.record())
				closedBars = append(closedBars, b.bar())
			})
			out = e.keepSignals(sym, sym.ser.withMore(out))
		}
		sym.mu.Unlock()
		e.recordBars(sym.name, closedBars)
		if len(out) > 0 {
			e.emitSignals(sym.name, out)
		}
	}
}

// closedSince returns the series' closed bars that start at or after from,
// for the journal (nil without one). Called with sym.mu held.
func (e *Engine) closedSince(sym *symbolState, from int64) []Bar {
	if e.opts.Journal == nil || e.once {
		return nil
	}
	n := sym.ser.closedCount()
	i, _ := slices.BinarySearchFunc(sym.ser.bars[:n], from, func(b barRec, t int64) int { return cmp.Compare(b.t, t) })
	out := make([]Bar, 0, n-i)
	for ; i < n; i++ {
		out = append(out, sym.ser.bars[i].bar())
	}
	return out
}

// newestOf is the latest start among recs.
func newestOf(recs []barRec) int64 {
	t := recs[0].t
	for i := range recs {
		t = max(t, recs[i].t)
	}
	return t
}
