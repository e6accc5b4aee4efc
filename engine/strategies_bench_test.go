package engine

import (
	"runtime"
	"testing"
)

// BenchmarkCloseBarSixStrategies100 is the engine's work when a bar closes
// on 100 symbols each judged by all six default strategies: the live update
// that closes the bar, the window fill, six evaluations and the verdicts
// kept (per op: one closed bar on every symbol).
func BenchmarkCloseBarSixStrategies100(b *testing.B) {
	kinds := everyKind(b)
	lb := 0
	for _, k := range kinds {
		lb = max(lb, k.Lookback())
	}
	sers := make([]*series, 100)
	next := int64(0)
	for i := range sers {
		s := newSeries(kinds[0], 2*lb, step, kinds[1:]...)
		var bars []barRec
		for j := range 2 * lb {
			w := synth(int64(j)*step+int64(i), int64(j+1)*step)
			bars = append(bars, toRec(int64(j)*step, &w))
		}
		s.merge(bars)
		s.judge(func(*barRec) {})
		sers[i] = s
		next = int64(2*lb) * step
	}
	runtime.LockOSThread() // its CPU time is the work's, however loaded the machine
	defer runtime.UnlockOSThread()
	cpu0, ok := threadCPU()
	b.ReportAllocs()
	for b.Loop() {
		for i, s := range sers {
			w := synth(next+int64(i), next+1)
			s.update(toRec(next, &w))
			s.judge(func(*barRec) {})
		}
		next += step
	}
	if cpu1, _ := threadCPU(); ok && b.N > 0 {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}
