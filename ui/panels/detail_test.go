package panels

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/signal"
)

// perfSample is six strategies' figures: judged and unjudged signals, one
// strategy without any, and the longest name the strategies give.
func perfSample() []signal.Performance {
	t0 := time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC).Unix()
	var last []signal.Outcome
	for i := range 12 {
		o := signal.Outcome{Time: t0 + int64(i)*300, Action: signal.Buy, Price: 100, Judged: i < 11, Move: 0.0123 * float64(i%3-1)}
		if i%2 == 1 {
			o.Action = signal.Sell
		}
		o.Hit = o.Judged && o.Move > 0
		last = append(last, o)
	}
	p := func(name string, sig, judged, hits int, avg float64, last []signal.Outcome) signal.Performance {
		rate := 0.0
		if judged > 0 {
			rate = float64(hits) / float64(judged)
		}
		return signal.Performance{Strategy: name, Horizon: 10, Signals: sig, Judged: judged, Hits: hits, HitRate: rate, AvgMove: avg, Last: last}
	}
	return []signal.Performance{
		p("SMA(10,20)", 12, 11, 4, -0.0012, last[2:]),
		p("EMA(12,26)", 3, 2, 2, 0.0051, last[:3]),
		p("RSI(14,30,70)", 0, 0, 0, 0, nil),
		p("MACD(12,26,9)", 1, 0, 0, 0, last[11:]),
		p("Bollinger(20,2,reversion)", 5, 5, 1, 0.0002, last[6:11]),
		p("Donchian(20)", 7, 6, 3, 0.0100, last[4:11]),
	}
}

// TestDetailPerformance: the block lists every strategy with its figures,
// fits the terminal at every size, and says so when a strategy has no signals.
func TestDetailPerformance(t *testing.T) {
	th := plainTheme()
	s := &engine.Snapshot{At: time.Date(2026, 1, 5, 16, 0, 0, 0, time.UTC)}
	row := engine.SymbolRow{Symbol: "AAPL", Status: "live", Signal: "HOLD", Bars: 120}
	d := Detail{Row: &row, Symbol: "AAPL", Perf: perfSample(), Hint: "esc back"}
	for _, sz := range [][2]int{{60, 20}, {80, 24}, {100, 60}, {119, 60}, {120, 40}, {160, 48}, {200, 60}, {250, 70}, {250, 12}} {
		w, h := sz[0], sz[1]
		lines := DetailView(th, s, d, w, h)
		if len(lines) != h {
			t.Errorf("%dx%d: %d lines", w, h, len(lines))
		}
		for i, l := range lines {
			if lipgloss.Width(l) != w {
				t.Errorf("%dx%d: line %d is %d cells: %q", w, h, i, lipgloss.Width(l), l)
			}
		}
		if h < 40 {
			continue
		}
		v := strings.Join(lines, "\n")
		for _, want := range []string{"PERFORMANCE", "AVG+10", "SMA(10,20)", "EMA(12,26)", "RSI(14,30,70)", "MACD(12,26,9)", "Bollinger(20,2,", "Donchian(20)",
			"no signals in the bars held", "36%  -0.12%", "100%  +0.51%", "▼…"} {
			if !strings.Contains(v, want) {
				t.Errorf("%dx%d: %q missing:\n%s", w, h, want, v)
			}
		}
		// MACD's one signal is not judged yet: no hit rate, no average.
		for _, l := range lines {
			if strings.Contains(l, "MACD(12,26,9)") && !strings.Contains(l, "1     —       —") {
				t.Errorf("%dx%d: unjudged MACD line %q", w, h, l)
			}
		}
	}
	// Before the figures are read: no block at all.
	d.Perf = nil
	if v := strings.Join(DetailView(th, s, d, 200, 60), "\n"); strings.Contains(v, "PERFORMANCE") {
		t.Errorf("a performance block before the figures:\n%s", v)
	}
}
