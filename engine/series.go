package engine

import (
	"cmp"
	"slices"
	"time"

	"github.com/robotui/robotui/conn/wire"
	"github.com/robotui/robotui/engine/signal"
)

// Bar is one bar of a symbol's series; Time is its start.
type Bar struct {
	Time                           time.Time
	Open, High, Low, Close, Volume float64
}

// SignalRecord is the strategy's verdict on one closed bar.
type SignalRecord struct {
	BarTime  time.Time
	Signal   string  // "BUY", "SELL" or "HOLD"
	Price    float64 // the bar's close
	Fast     float64
	Slow     float64
	Relation string // "above", "below", "equal"; "" while the strategy lacks bars
	Strategy string // the strategy's kind: "sma", "ema", "rsi", "macd", "bollinger", "donchian"
}

// barRec is a bar in a series, with the verdict on it once it has closed.
type barRec struct {
	t             int64 // start, Unix seconds
	o, h, l, c, v float64
	verdict       verdict
}

// verdict is kept on every bar held: its action and relation are stored in
// a byte each (a barRec is 72 bytes, not 88).
type verdict struct {
	fast, slow float64
	action     int8 // signal.Action
	rel        int8 // signal.Relation
	given      bool
	kind       uint8 // kindCode of the strategy: fits the padding, a bar stays 72 bytes
}

// kindCode is 1 + the kind's place in signal.Kinds, 0 for a kind not there.
func kindCode(k signal.Kind) uint8 {
	for i, x := range signal.Kinds {
		if x == k {
			return uint8(i + 1)
		}
	}
	return 0
}

func (v verdict) strategy() string {
	if v.kind == 0 || int(v.kind) > len(signal.Kinds) {
		return ""
	}
	return string(signal.Kinds[v.kind-1])
}

func (v verdict) act() signal.Action { return signal.Action(v.action) }

func (b *barRec) record() SignalRecord {
	return b.verdict.record(b.t, b.c)
}

func (v verdict) record(t int64, price float64) SignalRecord {
	r := SignalRecord{
		BarTime: time.Unix(t, 0).UTC(), Signal: v.act().String(), Price: price,
		Fast: v.fast, Slow: v.slow, Strategy: v.strategy(),
	}
	if rel := signal.Relation(v.rel); rel != signal.Unknown {
		r.Relation = rel.String()
	}
	return r
}

func (b *barRec) bar() Bar {
	return Bar{Time: time.Unix(b.t, 0).UTC(), Open: b.o, High: b.h, Low: b.l, Close: b.c, Volume: b.v}
}

func toRec(t int64, w *wire.Bar) barRec {
	return barRec{t: t, o: w.Open, h: w.High, l: w.Low, c: w.Close, v: w.Volume}
}

// series is one symbol's bars keyed by start time, oldest first. Every bar
// but the newest is closed; the newest is forming while open is set. Each
// closed bar newer than the last judged one is judged exactly once, in time
// order, whether it closed live or arrived in a backfill. Not safe for
// concurrent use: symbolState guards it.
type series struct {
	strategy  signal.Strategy
	more      []signal.Strategy   // a symbol's other strategies, after the main one
	moreV     map[int64][]verdict // their verdicts by bar start, one per strategy of more
	moreLast  []lastCross         // per strategy of more, its last BUY or SELL
	maxBars   int
	span      int64 // a bar's length in seconds; 0 when unknown
	bars      []barRec
	open      bool
	judged    bool  // some bar has a verdict
	lastJudge int64 // start of the newest bar with a verdict
	window    []float64
}

// lastCross is a strategy's newest BUY or SELL and its bar's start.
type lastCross struct {
	act   signal.Action
	since int64
}

func newSeries(s signal.Strategy, maxBars int, span int64, more ...signal.Strategy) *series {
	lb := s.Lookback()
	for _, m := range more {
		lb = max(lb, m.Lookback())
	}
	ser := &series{strategy: s, maxBars: maxBars, span: span, window: make([]float64, 0, lb)}
	if len(more) > 0 {
		ser.more, ser.moreV, ser.moreLast = more, map[int64][]verdict{}, make([]lastCross, len(more))
	}
	return ser
}

// closeIfOver closes the forming bar when the gateway's clock (Unix
// seconds) says its period has ended: the last bar of a session gets its
// verdict then, not when the next session's first bar arrives.
func (s *series) closeIfOver(now int64) bool {
	n := len(s.bars)
	if !s.open || n == 0 || s.span <= 0 || s.bars[n-1].t+s.span > now {
		return false
	}
	s.open = false
	return true
}

// merge folds a backfill (its newest bar possibly partial) into the series:
// bars are matched by start time, the backfill's values win, verdicts
// already given stay. in is sorted in place.
func (s *series) merge(in []barRec) {
	if len(in) == 0 {
		return
	}
	slices.SortStableFunc(in, func(a, b barRec) int { return cmp.Compare(a.t, b.t) })
	in = dedupeLastWins(in)
	n := len(s.bars)
	prevNewest, hadOpen := int64(0), s.open && n > 0
	if n > 0 {
		prevNewest = s.bars[n-1].t
	}
	p, _ := slices.BinarySearchFunc(s.bars, in[0].t, func(b barRec, t int64) int { return cmp.Compare(b.t, t) })
	tail := make([]barRec, 0, n-p+len(in))
	old := s.bars[p:]
	i, j := 0, 0
	for i < len(old) || j < len(in) {
		switch {
		case j == len(in) || i < len(old) && old[i].t < in[j].t:
			tail = append(tail, old[i])
			i++
		case i == len(old) || in[j].t < old[i].t:
			tail = append(tail, in[j])
			j++
		default:
			b := in[j]
			b.verdict = old[i].verdict
			tail = append(tail, b)
			i++
			j++
		}
	}
	s.bars = s.fit(s.bars[:p], tail)
	s.prune()
	newest := s.bars[len(s.bars)-1].t
	s.open = newest == in[len(in)-1].t || hadOpen && newest == prevNewest
}

// barHeadroom is room for live bars after a backfill. Without it the first
// live bar would have the slice grown by a quarter or more.
const barHeadroom = 16

// fit returns head then tail, the newest maxBars of them, in a new slice
// with barHeadroom to spare: a backfill of more than maxBars leaves no
// larger array behind.
func (s *series) fit(head, tail []barRec) []barRec {
	drop := max(0, len(head)+len(tail)-s.maxBars)
	out := make([]barRec, 0, len(head)+len(tail)-drop+barHeadroom)
	if drop < len(head) {
		return append(append(out, head[drop:]...), tail...)
	}
	return append(out, tail[drop-len(head):]...)
}

// update applies a live revision of the newest bar, or a new bar whose start
// closes the one before. Updates for older bars are stale and ignored; it
// reports whether the series changed.
func (s *series) update(b barRec) bool {
	n := len(s.bars)
	switch {
	case n == 0 || b.t > s.bars[n-1].t:
		s.bars = append(s.bars, b)
		s.open = true
		s.trim()
		return true
	case b.t == s.bars[n-1].t && s.open:
		b.verdict = s.bars[n-1].verdict
		s.bars[n-1] = b
		return true
	}
	return false
}

// judge gives a verdict on every closed bar newer than the last judged one,
// oldest first, and calls f with each.
func (s *series) judge(f func(b *barRec)) {
	closed := len(s.bars)
	if s.open {
		closed--
	}
	start := 0
	if s.judged {
		start, _ = slices.BinarySearchFunc(s.bars[:max(closed, 0)], s.lastJudge+1, func(b barRec, t int64) int { return cmp.Compare(b.t, t) })
	}
	for i := start; i < closed; i++ {
		b := &s.bars[i]
		s.fill(i)
		b.verdict = judgeWith(s.strategy, s.window)
		if len(s.more) > 0 {
			vs := make([]verdict, len(s.more))
			for k, m := range s.more {
				vs[k] = judgeWith(m, s.window)
				if a := vs[k].act(); a == signal.Buy || a == signal.Sell {
					s.moreLast[k] = lastCross{a, b.t}
				}
			}
			s.moreV[b.t] = vs
		}
		s.judged, s.lastJudge = true, b.t
		f(b)
	}
}

// fill loads the window with the closes of the closed bars ending at i, as
// many as the longest lookback of the series' strategies.
func (s *series) fill(i int) {
	lo := max(0, i+1-cap(s.window))
	s.window = s.window[:0]
	for k := lo; k <= i; k++ {
		s.window = append(s.window, s.bars[k].c)
	}
}

// judgeWith runs st on its lookback's worth of the window's newest closes.
func judgeWith(st signal.Strategy, window []float64) verdict {
	r := st.Evaluate(window[max(0, len(window)-st.Lookback()):])
	return verdict{fast: r.Fast, slow: r.Slow, action: int8(r.Action), rel: int8(r.Relation), given: true,
		kind: kindCode(signal.KindOf(st))}
}

// withMore follows each of the main strategy's records with the other
// strategies' records on the same bar.
func (s *series) withMore(out []SignalRecord) []SignalRecord {
	if len(s.more) == 0 || len(out) == 0 {
		return out
	}
	res := make([]SignalRecord, 0, len(out)*(1+len(s.more)))
	for _, r := range out {
		res = append(res, r)
		for _, v := range s.moreV[r.BarTime.Unix()] {
			res = append(res, v.record(r.BarTime.Unix(), r.Price))
		}
	}
	return res
}

// prune forgets the other strategies' verdicts on bars no longer held.
func (s *series) prune() {
	if len(s.moreV) == 0 || len(s.bars) == 0 {
		return
	}
	oldest := s.bars[0].t
	for t := range s.moreV {
		if t < oldest {
			delete(s.moreV, t)
		}
	}
}

// trim drops the oldest bars beyond maxBars, in batches so that a steady
// series copies rarely.
func (s *series) trim() {
	slack := max(16, s.maxBars/16)
	if len(s.bars) <= s.maxBars+slack {
		return
	}
	drop := len(s.bars) - s.maxBars
	s.bars = s.bars[:copy(s.bars, s.bars[drop:])]
	s.prune()
}

// closedCount is the number of closed bars held.
func (s *series) closedCount() int {
	if s.open && len(s.bars) > 0 {
		return len(s.bars) - 1
	}
	return len(s.bars)
}

// newestClosed returns the newest closed bar, or nil.
func (s *series) newestClosed() *barRec {
	if n := s.closedCount(); n > 0 {
		return &s.bars[n-1]
	}
	return nil
}

func dedupeLastWins(in []barRec) []barRec {
	out := in[:0]
	for i := range in {
		if len(out) > 0 && out[len(out)-1].t == in[i].t {
			out[len(out)-1] = in[i]
			continue
		}
		out = append(out, in[i])
	}
	return out
}

// dropAfter removes the bars that start after t (before any verdict: a
// warm start's stored bars the gateway has not reached).
func (s *series) dropAfter(t int64) {
	i, _ := slices.BinarySearchFunc(s.bars, t+1, func(b barRec, t int64) int { return cmp.Compare(b.t, t) })
	s.bars = s.bars[:i]
}
