package signal

import (
	"encoding/binary"
	"errors"
	"math"
	"runtime"
	"slices"
	"testing"
)

// allDefaults is one strategy of every kind, with its default parameters.
func allDefaults(t testing.TB) []Strategy {
	t.Helper()
	var out []Strategy
	for _, k := range Kinds {
		p, ok := DefaultSpec(k)
		if !ok {
			t.Fatalf("no default spec for %s", k)
		}
		s, err := p.New()
		if err != nil {
			t.Fatalf("default %s: %v", k, err)
		}
		if KindOf(s) != k {
			t.Fatalf("default %s has kind %s", k, KindOf(s))
		}
		out = append(out, s)
	}
	return out
}

// small is every kind with short periods, so that short walks give many signals.
func small(t testing.TB) []Strategy {
	t.Helper()
	var out []Strategy
	for _, p := range []Spec{
		{Kind: KindSMA, Fast: 3, Slow: 7}, {Kind: KindEMA, Fast: 3, Slow: 7},
		{Kind: KindRSI, Period: 5, Low: 30, High: 70}, {Kind: KindMACD, Fast: 3, Slow: 7, Signal: 3},
		{Kind: KindBollinger, Period: 8, Width: 1.5, Mode: ModeReversion},
		{Kind: KindBollinger, Period: 8, Width: 1.5, Mode: ModeBreakout}, {Kind: KindDonchian, Period: 6},
	} {
		s, err := p.New()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func sameBits(a, b Result) bool {
	return a.Action == b.Action && a.Relation == b.Relation && a.Ready == b.Ready &&
		math.Float64bits(a.Fast) == math.Float64bits(b.Fast) && math.Float64bits(a.Slow) == math.Float64bits(b.Slow)
}

// checkStrategy asserts what the Strategy interface promises on one window.
func checkStrategy(t *testing.T, s Strategy, closes []float64) Result {
	t.Helper()
	before := slices.Clone(closes)
	got := s.Evaluate(closes)
	if !slices.EqualFunc(before, closes, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
		t.Fatalf("%s: Evaluate modified its input", s.Name())
	}
	if again := s.Evaluate(slices.Clone(closes)); !sameBits(got, again) {
		t.Fatalf("%s: a copy of the window gave %+v, the original %+v", s.Name(), again, got)
	}
	if n := len(closes); n > s.Lookback() {
		if short := s.Evaluate(slices.Clone(closes[n-s.Lookback():])); !sameBits(got, short) {
			t.Fatalf("%s: the last Lookback closes gave %+v, the full window %+v", s.Name(), short, got)
		}
	}
	if !got.Ready && (got.Action != Hold || got.Relation != Unknown) {
		t.Fatalf("%s: not ready but %+v", s.Name(), got)
	}
	if got.Action != Hold && got.Relation == Unknown {
		t.Fatalf("%s: %v without a relation", s.Name(), got.Action)
	}
	return got
}

func TestStrategyProperties(t *testing.T) {
	for seed := range uint64(6) {
		closes := randomWalk(seed, 400, 0.01)
		for _, s := range append(allDefaults(t), small(t)...) {
			var signals int
			for i := range closes {
				if r := checkStrategy(t, s, closes[:i+1]); r.Action != Hold {
					signals++
				}
			}
			if seed == 0 && signals == 0 {
				t.Errorf("%s: no signal in 400 bars: the property checks saw only HOLD", s.Name())
			}
		}
	}
}

// TestClosedBarNeverChanges: a bar's verdict is the same however many later
// bars follow (appending never rewrites history), and the same whether the
// bars came all at once (a backfill: Results over the whole series) or one
// at a time (live: each bar judged when it closed, on the series so far).
func TestClosedBarNeverChanges(t *testing.T) {
	for seed := range uint64(3) {
		closes := randomWalk(100+seed, 600, 0.05)
		for _, s := range append(allDefaults(t), small(t)...) {
			backfill := Results(s, closes)
			for i := range closes {
				live := s.Evaluate(closes[:i+1]) // only the bars closed so far
				if !sameBits(live, backfill[i]) {
					t.Fatalf("%s seed %d bar %d: live %+v, backfill %+v", s.Name(), seed, i, live, backfill[i])
				}
			}
			for _, cut := range []int{1, 37, 400, 599} {
				early := Results(s, closes[:cut])
				for i := range early {
					if !sameBits(early[i], backfill[i]) {
						t.Fatalf("%s: bar %d changed from %+v to %+v once bars after %d arrived", s.Name(), i, early[i], backfill[i], cut)
					}
				}
			}
		}
	}
}

// TestWindowMatchesHistory: a recursive indicator restarted at the start of
// its window stays within 1e-6 of one run over the whole history (the
// reference definition) on a long series.
func TestWindowMatchesHistory(t *testing.T) {
	closes := randomWalk(3, 3000, 0.01)
	e, _ := NewEMACrossover(12, 26)
	_, fast := emaLast(closes, 12)
	_, slow := emaLast(closes, 26)
	r := e.Evaluate(closes)
	fp, f, sp, sl := emaPair(closes[:400], 12, 26)
	if wfp, wf := emaLast(closes[:400], 12); fp != wfp || f != wf {
		t.Errorf("emaPair fast %g %g, one EMA alone %g %g", fp, f, wfp, wf)
	}
	if wsp, wsl := emaLast(closes[:400], 26); sp != wsp || sl != wsl {
		t.Errorf("emaPair slow %g %g, one EMA alone %g %g", sp, sl, wsp, wsl)
	}
	if math.Abs(r.Fast-fast) > 1e-6*fast || math.Abs(r.Slow-slow) > 1e-6*slow {
		t.Errorf("EMA window %g %g, whole history %g %g", r.Fast, r.Slow, fast, slow)
	}
	rsi, _ := NewRSI(14, 30, 70)
	_, v := rsiLast(closes, 14)
	if got := rsi.Evaluate(closes).Fast; math.Abs(got-v) > 1e-6*100 {
		t.Errorf("RSI window %g, whole history %g", got, v)
	}
}

func TestSpecErrors(t *testing.T) {
	for _, p := range []Spec{
		{Kind: "sma2"}, {Kind: ""},
		{Kind: KindSMA, Fast: 0, Slow: 5}, {Kind: KindSMA, Fast: 5, Slow: 5}, {Kind: KindSMA, Fast: 3, Slow: 5, Period: 4},
		{Kind: KindEMA, Fast: 26, Slow: 12}, {Kind: KindEMA, Fast: 1, Slow: MaxPeriod + 1},
		{Kind: KindRSI, Period: 0, Low: 30, High: 70}, {Kind: KindRSI, Period: 14, Low: 70, High: 30},
		{Kind: KindRSI, Period: 14, Low: 0, High: 70}, {Kind: KindRSI, Period: 14, Low: 30, High: 100},
		{Kind: KindRSI, Period: 14, Low: math.NaN(), High: 70}, {Kind: KindRSI, Period: 14, Low: 30, High: 70, Fast: 3},
		{Kind: KindMACD, Fast: 12, Slow: 26}, {Kind: KindMACD, Fast: 12, Slow: 26, Signal: -1},
		{Kind: KindBollinger, Period: 20, Width: 2, Mode: "revert"}, {Kind: KindBollinger, Period: 20, Width: 0, Mode: ModeBreakout},
		{Kind: KindBollinger, Period: 1, Width: 2, Mode: ModeBreakout}, {Kind: KindBollinger, Period: 20, Width: math.Inf(1), Mode: ModeBreakout},
		{Kind: KindDonchian, Period: 0}, {Kind: KindDonchian, Period: 20, Mode: ModeBreakout},
	} {
		s, err := p.New()
		if err == nil || s != nil || !errors.Is(err, ErrBadParams) && !errors.Is(err, ErrBadPeriods) {
			t.Errorf("%+v: got %v, %v; want an ErrBadParams", p, s, err)
		}
	}
}

func TestKindOf(t *testing.T) {
	s := mustSMA(t, 10, 20)
	if KindOf(s) != KindSMA {
		t.Errorf("KindOf(SMA) = %q", KindOf(s))
	}
}

func FuzzStrategies(f *testing.F) {
	floats := func(xs ...float64) []byte {
		var b []byte
		for _, x := range xs {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		}
		return b
	}
	f.Add(floats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 9, 8, 7, 6, 5), uint8(0))
	f.Add(floats(math.NaN(), 1, 2, 3, math.Inf(1), 4, 5, 6, 7, 8), uint8(3))
	f.Add(floats(math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64, 5e-324, 0, 0, 0, 0, 0), uint8(5))
	f.Add(floats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, pick uint8) {
		var closes []float64
		for len(data) >= 8 && len(closes) < 200 {
			closes = append(closes, math.Float64frombits(binary.LittleEndian.Uint64(data)))
			data = data[8:]
		}
		all := small(t)
		s := all[int(pick)%len(all)]
		checkStrategy(t, s, closes)
	})
}

func TestPerform(t *testing.T) {
	closes := []float64{10, 11, 12, 11, 10, 10, 12, 13}
	acts := []Action{Hold, Buy, Hold, Sell, Hold, Buy, Hold, Sell}
	times := []int64{0, 60, 120, 180, 240, 300, 360, 420}
	p, err := Judge(acts, closes, times, 2)
	if err != nil {
		t.Fatal(err)
	}
	// BUY at 11 -> 11 two bars on: 0, a miss; SELL at 11 -> 10: +1/11, a hit;
	// BUY at 10 -> 13: +0.3, a hit; SELL at 13: too new to judge.
	if p.Signals != 4 || p.Buys != 2 || p.Sells != 2 || p.Judged != 3 || p.Hits != 2 {
		t.Fatalf("%+v", p)
	}
	if want := (0 + 1.0/11 + 0.3) / 3; math.Abs(p.AvgMove-want) > 1e-15 || math.Abs(p.HitRate-2.0/3) > 1e-15 {
		t.Errorf("avg move %g hit rate %g, want %g and 2/3", p.AvgMove, p.HitRate, want)
	}
	if len(p.Last) != 4 || p.Last[3].Judged || p.Last[3].Time != 420 || p.Last[0].Hit || !p.Last[1].Hit {
		t.Errorf("last %+v", p.Last)
	}
	long := make([]Action, 30)
	for i := range long {
		long[i] = Buy
	}
	p, _ = Judge(long, slices.Repeat([]float64{5}, 30), nil, 1)
	if len(p.Last) != LastSignals || p.Last[0].Bar != 20 || p.Hits != 0 || p.Judged != 29 {
		t.Errorf("30 signals: last %d from bar %d, hits %d judged %d", len(p.Last), p.Last[0].Bar, p.Hits, p.Judged)
	}
	for _, h := range []int{0, -1, MaxEvalBars + 1} {
		if _, err := Judge(acts, closes, nil, h); err == nil {
			t.Errorf("horizon %d accepted", h)
		}
	}
	if _, err := Judge(acts[:3], closes, nil, 1); err == nil {
		t.Error("3 actions for 8 closes accepted")
	}
	if p, _ := Judge([]Action{Buy, Hold}, []float64{0, 1}, nil, 1); p.Judged != 0 || p.Signals != 1 {
		t.Errorf("a zero close judged: %+v", p)
	}
	s := small(t)[0]
	w := randomWalk(1, 300, 0.01)
	p, err = Perform(s, w, nil, 5)
	if err != nil || p.Strategy != s.Name() || p.Kind != KindSMA || p.Signals == 0 {
		t.Fatalf("Perform: %+v %v", p, err)
	}
}

// BenchmarkAllStrategies100 is one closed bar of 100 symbols, each judged by
// all six default strategies on a 1000-bar history: the engine's work per bar.
func BenchmarkAllStrategies100(b *testing.B) {
	strategies := allDefaults(b)
	series := make([][]float64, 100)
	for i := range series {
		series[i] = randomWalk(uint64(i), 1000, 0.01)
	}
	// On one locked thread its CPU time is the work's, however loaded the machine.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0, ok := threadCPU()
	b.ReportAllocs()
	for b.Loop() {
		for _, closes := range series {
			for _, s := range strategies {
				s.Evaluate(closes[len(closes)-s.Lookback():])
			}
		}
	}
	if cpu1, _ := threadCPU(); ok && b.N > 0 {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkStrategy(b *testing.B) {
	closes := randomWalk(7, 1000, 0.01)
	for _, s := range allDefaults(b) {
		b.Run(s.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Evaluate(closes[len(closes)-s.Lookback():])
			}
		})
	}
}

// emaLast is the plain EMA of xs at its last two values (prev is valid when
// len(xs) > n), one recurrence at a time: what emaPair must agree with.
func emaLast(xs []float64, n int) (prev, last float64) {
	alpha := 2 / float64(n+1)
	sum := 0.0
	for _, x := range xs[:n] {
		sum += x
	}
	e := sum / float64(n)
	prev = e
	for i := n; i < len(xs); i++ {
		prev = e
		e = emaStep(e, xs[i], alpha)
	}
	return prev, e
}
