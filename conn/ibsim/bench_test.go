package ibsim

import (
	"testing"
	"time"
)

// BenchmarkMarketBars600 computes 600 fresh 5-minute bars (no memo).
func BenchmarkMarketBars600(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m := NewMarket(int64(i+1), []string{"AAPL"})
		i++
		if n := len(m.Bars("AAPL", 5*time.Minute, t0.Add(-50*time.Hour), t0)); n != 600 {
			b.Fatalf("%d bars", n)
		}
	}
}

// BenchmarkMarketDailyBars600 computes 600 fresh daily bars.
func BenchmarkMarketDailyBars600(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m := NewMarket(int64(i+1), []string{"AAPL"})
		i++
		if n := len(m.Bars("AAPL", 24*time.Hour, t0.Add(-600*24*time.Hour), t0)); n != 600 {
			b.Fatalf("%d bars", n)
		}
	}
}
