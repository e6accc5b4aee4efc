package engine

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
	"github.com/robotui/robotui/engine/signal"
)

const step = 300 // bar size of the synthetic market, seconds

// synth is a deterministic market for the pure tests: the close of bar
// start as seen at asOf.
func synth(start, asOf int64) wire.Bar {
	frac := float64(min(asOf-start, step)) / step
	base := 100 + 5*math.Sin(float64(start)/7000) + float64(start%7)/10
	c := math.Round((base+frac*math.Cos(float64(start)))*100) / 100
	return wire.Bar{Date: strconv.FormatInt(start, 10), Open: base, High: c + 1, Low: c - 1, Close: c, Volume: float64(asOf - start)}
}

// backfill is what a gateway answers at now: complete bars from `from`,
// then the partial current bar.
func backfill(from, now int64) []wire.Bar {
	var out []wire.Bar
	cur := now / step * step
	for st := from; st < cur; st += step {
		out = append(out, synth(st, st+step))
	}
	return append(out, synth(cur, now))
}

// push is a live push at now after a push at last: the final version of
// every bar finished since, then the partial current one.
func push(last, now int64) []wire.Bar {
	var out []wire.Bar
	cur := now / step * step
	for st := last / step * step; st < cur; st += step {
		out = append(out, synth(st, st+step))
	}
	return append(out, synth(cur, now))
}

func mustSMA(t testing.TB, fast, slow int) signal.Strategy {
	t.Helper()
	s, err := signal.NewSMACrossover(fast, slow)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testEngine(t testing.TB, symbols ...string) *Engine {
	t.Helper()
	e, err := New(Options{
		Session:  conn.Config{Addr: "127.0.0.1:9"},
		Symbols:  symbols,
		Strategy: mustSMA(t, 2, 5),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

func closedTimes(e *Engine, sym string) []int64 {
	bars, _ := e.ClosedBars(sym)
	out := make([]int64, len(bars))
	for i, b := range bars {
		out[i] = b.Time.Unix()
	}
	return out
}

func historyTimes(e *Engine, sym string) []int64 {
	var out []int64
	for _, r := range e.SignalHistory(sym) {
		out = append(out, r.BarTime.Unix())
	}
	return out
}

func TestSeriesMergeAndUpdate(t *testing.T) {
	b := func(t int64, c float64) barRec { return barRec{t: t, c: c} }
	tests := []struct {
		name     string
		ops      func(s *series)
		times    []int64
		open     bool
		verdicts []int64 // bars judged, in order
	}{
		{"backfill: last open", func(s *series) { s.merge([]barRec{b(0, 1), b(300, 2), b(600, 3)}) }, []int64{0, 300, 600}, true, []int64{0, 300}},
		{"unsorted backfill with a repeat", func(s *series) { s.merge([]barRec{b(600, 3), b(0, 1), b(300, 9), b(300, 2)}) }, []int64{0, 300, 600}, true, []int64{0, 300}},
		{"revision keeps the bar open", func(s *series) {
			s.merge([]barRec{b(0, 1), b(300, 2)})
			s.update(b(300, 5))
		}, []int64{0, 300}, true, []int64{0}},
		{"new bar closes the previous", func(s *series) {
			s.merge([]barRec{b(0, 1), b(300, 2)})
			s.update(b(600, 5))
		}, []int64{0, 300, 600}, true, []int64{0, 300}},
		{"stale update ignored", func(s *series) {
			s.merge([]barRec{b(0, 1), b(300, 2), b(600, 3)})
			if s.update(b(0, 9)) {
				panic("stale update applied")
			}
		}, []int64{0, 300, 600}, true, []int64{0, 300}},
		{"outage backfill fills the hole once", func(s *series) {
			s.merge([]barRec{b(0, 1), b(300, 2)})
			s.merge([]barRec{b(300, 2), b(600, 3), b(900, 4), b(1200, 5)})
		}, []int64{0, 300, 600, 900, 1200}, true, []int64{0, 300, 600, 900}},
		{"older backfill leaves the newest open", func(s *series) {
			s.merge([]barRec{b(600, 1), b(900, 2)})
			s.merge([]barRec{b(0, 1), b(300, 2)})
		}, []int64{0, 300, 600, 900}, true, []int64{0, 300, 600}},
		{"empty backfill changes nothing", func(s *series) { s.merge(nil) }, []int64{}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSeries(mustSMA(t, 1, 2), 100, 300)
			var judged []int64
			tt.ops(s)
			s.judge(func(b *barRec) { judged = append(judged, b.t) })
			times := make([]int64, 0, len(s.bars))
			for _, b := range s.bars {
				times = append(times, b.t)
			}
			if !slices.Equal(times, tt.times) || s.open != tt.open {
				t.Errorf("bars %v open %v, want %v open %v", times, s.open, tt.times, tt.open)
			}
			if !slices.Equal(judged, tt.verdicts) {
				t.Errorf("judged %v, want %v", judged, tt.verdicts)
			}
			s.judge(func(b *barRec) { t.Errorf("bar %d judged twice", b.t) })
		})
	}
}

func TestSeriesBounded(t *testing.T) {
	s := newSeries(mustSMA(t, 2, 3), 50, 300)
	for i := range int64(1000) {
		s.update(barRec{t: i * step, c: float64(i)})
		s.judge(func(*barRec) {})
		if len(s.bars) > 50+16 {
			t.Fatalf("after %d bars the series holds %d, bound 50 (+16 slack)", i+1, len(s.bars))
		}
	}
	if got := s.bars[len(s.bars)-1].t; got != 999*step {
		t.Fatalf("newest bar %d, want %d", got, 999*step)
	}
	if b := s.newestClosed(); b == nil || !b.verdict.given || b.verdict.act() != signal.Hold || signal.Relation(b.verdict.rel) != signal.Above {
		t.Fatalf("newest closed bar's verdict %+v: the window must survive trimming", b)
	}
}

// TestOutageEquivalence plays one market with and without outages: live
// pushes are lost while "disconnected", and a backfill on reconnection must
// give the same closed bars and emit the same signals, each bar once.
func TestOutageEquivalence(t *testing.T) {
	filled := 0
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 1))
		from, start := int64(300_000), int64(300_000+60*step+17)
		steps := make([]int64, 40)
		now := start
		for i := range steps {
			now += int64(30 + rng.IntN(3*step))
			steps[i] = now
		}
		down := make([]bool, len(steps))
		for i := range down {
			down[i] = rng.IntN(4) == 0
		}
		plain, faulty := testEngine(t, "X"), testEngine(t, "X")
		for _, e := range []*Engine{plain, faulty} {
			e.onBars(e.syms[0], conn.BarEvent{Kind: conn.BarBackfill, Bars: backfill(from, start)})
		}
		last, lastFaulty, wasDown := start, start, false
		for i, now := range steps {
			for _, b := range push(last, now) {
				plain.onBars(plain.syms[0], conn.BarEvent{Kind: conn.BarUpdate, Bar: b})
			}
			last = now
			switch {
			case down[i]:
				wasDown = true
			case wasDown:
				faulty.onBars(faulty.syms[0], conn.BarEvent{Kind: conn.BarResubscribed})
				window := now - (start - from) // the same duration, ending now: it starts later
				faulty.onBars(faulty.syms[0], conn.BarEvent{Kind: conn.BarBackfill, Bars: backfill((window+step-1)/step*step, now)})
				wasDown, lastFaulty = false, now
				filled++
			default:
				for _, b := range push(lastFaulty, now) {
					faulty.onBars(faulty.syms[0], conn.BarEvent{Kind: conn.BarUpdate, Bar: b})
				}
				lastFaulty = now
			}
		}
		if wasDown {
			faulty.onBars(faulty.syms[0], conn.BarEvent{Kind: conn.BarBackfill, Bars: backfill(from, last)})
		}
		pb, ps := plain.ClosedBars("X")
		fb, fs := faulty.ClosedBars("X")
		if !slices.Equal(pb, fb) || !slices.Equal(ps, fs) {
			t.Fatalf("seed %d: closed bars or verdicts differ (%d vs %d bars)", seed, len(pb), len(fb))
		}
		if !slices.Equal(plain.SignalHistory("X"), faulty.SignalHistory("X")) {
			t.Fatalf("seed %d: emitted signals differ:\n%v\n%v", seed, historyTimes(plain, "X"), historyTimes(faulty, "X"))
		}
		times := historyTimes(plain, "X")
		closed := closedTimes(plain, "X")
		if want := closed[len(closed)-len(times):]; !slices.Equal(times, want) {
			t.Fatalf("seed %d: emitted for %v, want each bar closed since the first backfill once: %v", seed, times, want)
		}
	}
	if filled < 30 {
		t.Fatalf("only %d outages ended in a backfill: the schedule does not exercise merging", filled)
	}
}

func TestBarTime(t *testing.T) {
	ny := mustNY(t)
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1700000000", 1700000000, true},
		{"20240102", 1704153600, true},
		{"20240102 09:30:00", 1704205800, true},
		{"20240102 09:30:00 US/Eastern", 1704205800, true},
		{"20240102 14:30:00 UTC", 1704205800, true},
		{"20240102-14:30:00", 1704205800, true},
		{"", 0, false},
		{"2024-01-02", 0, false},
		{"20240102 25:00:00", 0, false},
		{"20240102 09:30:00 Nowhere/Else", 0, false},
		{"1e9", 0, false},
		{"-5", 0, false},
		{"99999999999999999999", 0, false},
	}
	for _, tt := range tests {
		got, err := parseBarTime(tt.in, ny)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseBarTime(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
