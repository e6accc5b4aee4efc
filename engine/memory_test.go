package engine

import (
	"runtime"
	"strconv"
	"testing"
	"unsafe"
)

// backfillRecs is a backfill of n bars, the newest forming.
func backfillRecs(n int) []barRec {
	in := make([]barRec, n)
	for i := range in {
		in[i] = barRec{t: int64(i) * step, o: 100, h: 101, l: 99, c: 100 + float64(i%7)/10, v: 1000}
	}
	return in
}

// A bar held costs 72 bytes: the verdict's action and relation take a byte each.
func TestBarRecSize(t *testing.T) {
	if n := unsafe.Sizeof(barRec{}); n != 72 {
		t.Errorf("a bar held takes %d bytes, want 72", n)
	}
}

// A backfill larger than the bound leaves the bound's bars and a little room:
// neither the array it came in nor one grown by the first live bar.
func TestBackfillKeepsNoSpareArray(t *testing.T) {
	s := newSeries(mustSMA(t, 10, 20), 256, step)
	s.merge(backfillRecs(575))
	if len(s.bars) != 256 || cap(s.bars) > 256+barHeadroom {
		t.Fatalf("after a backfill of 575: %d bars in an array of %d, want 256 in at most %d", len(s.bars), cap(s.bars), 256+barHeadroom)
	}
	if s.bars[255].t != 574*step {
		t.Errorf("newest bar %d, want the backfill's newest", s.bars[255].t)
	}
	first := &s.bars[0]
	s.update(barRec{t: 575 * step, c: 101})
	if &s.bars[0] != first || len(s.bars) != 257 {
		t.Errorf("the first live bar moved the series (%d bars, array of %d)", len(s.bars), cap(s.bars))
	}
	s2 := newSeries(mustSMA(t, 10, 20), 2000, step)
	s2.merge(backfillRecs(575))
	if cap(s2.bars) > 575+barHeadroom {
		t.Errorf("a backfill within the bound left an array of %d for 575 bars", cap(s2.bars))
	}
}

// BenchmarkSymbolMemory reports what a symbol keeps after the simulator's
// two-day backfill (575 bars of 5 minutes) with the default bound: the
// engine's share of the console's memory per symbol.
func BenchmarkSymbolMemory(b *testing.B) {
	for _, bound := range []int{0, 2000} {
		name := "default"
		if bound > 0 {
			name = "bound-" + strconv.Itoa(bound)
		}
		b.Run(name, func(b *testing.B) { symbolMemory(b, bound) })
	}
}

func symbolMemory(b *testing.B, bound int) {
	const n = 500
	opts := Options{Session: testOptions("127.0.0.1:1", nil, newRecorder()).Session, Symbols: []string{"A"}, MaxBars: bound}
	if err := opts.normalize(); err != nil {
		b.Fatal(err)
	}
	in := backfillRecs(575)
	keep := make([]*series, n)
	var before, after runtime.MemStats
	for b.Loop() {
		clear(keep)
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := range keep {
			s := newSeries(opts.Strategy, opts.MaxBars, step)
			s.merge(append([]barRec(nil), in...))
			s.judge(func(*barRec) {})
			s.update(barRec{t: 575 * step, c: 100}) // the first live bar
			keep[i] = s
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/symbol")
	runtime.KeepAlive(keep)
}
