package signal

import (
	"math"
	"testing"
)

// refRow is an indicator's reference on bar i: the two numbers, the relation
// and the action; refSet is one close series with a table per indicator.
type refRow struct {
	i          int
	fast, slow float64
	rel        Relation
	act        Action
}

type refSet struct {
	closes                              []float64
	ema, rsi, macd, bollinger, donchian []refRow
}

// TestReferenceValues checks every indicator, bar by bar, against values
// computed independently by testdata/reference.py: the textbook definitions
// in 50-digit decimal arithmetic over the whole history. The series are the
// closes of StockCharts ChartSchool's RSI worked example and a 90-bar walk on
// a cent grid; each is shorter than every recursive strategy's Lookback, so
// the window is the whole history, as in the reference.
func TestReferenceValues(t *testing.T) {
	mk := func(p Spec) Strategy {
		s, err := p.New()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for name, set := range map[string]refSet{"chartschool": refChartschool, "walk": refWalk} {
		for _, tc := range []struct {
			s    Strategy
			rows []refRow
		}{
			{mk(Spec{Kind: KindEMA, Fast: 5, Slow: 13}), set.ema},
			{mk(Spec{Kind: KindRSI, Period: 14, Low: 30, High: 70}), set.rsi},
			{mk(Spec{Kind: KindMACD, Fast: 12, Slow: 26, Signal: 9}), set.macd},
			{mk(Spec{Kind: KindBollinger, Period: 20, Width: 2, Mode: ModeReversion}), set.bollinger},
			{mk(Spec{Kind: KindDonchian, Period: 20}), set.donchian},
		} {
			if len(set.closes) >= tc.s.Lookback() && KindOf(tc.s) != KindBollinger && KindOf(tc.s) != KindDonchian {
				t.Fatalf("%s: %d closes reach %s's lookback %d: the reference is over the whole history", name, len(set.closes), tc.s.Name(), tc.s.Lookback())
			}
			if len(tc.rows) == 0 && name == "walk" {
				t.Fatalf("%s %s: no reference rows", name, tc.s.Name())
			}
			want := map[int]refRow{}
			for _, r := range tc.rows {
				want[r.i] = r
			}
			for i := range set.closes {
				got := tc.s.Evaluate(set.closes[:i+1])
				w, ok := want[i]
				if got.Ready != ok {
					t.Fatalf("%s %s bar %d: Ready=%v, reference has a value: %v", name, tc.s.Name(), i, got.Ready, ok)
				}
				if !ok {
					continue
				}
				if !near(got.Fast, w.fast) || !near(got.Slow, w.slow) || got.Relation != w.rel || got.Action != w.act {
					t.Errorf("%s %s bar %d: got %g %g %v %v, reference %g %g %v %v", name, tc.s.Name(), i,
						got.Fast, got.Slow, got.Relation, got.Action, w.fast, w.slow, w.rel, w.act)
				}
			}
		}
	}
}

// near allows float64 rounding against 50-digit decimals: 1e-9 relative to
// the price scale (the MACD line is near zero, so relative to 1 as well).
func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*max(1, math.Abs(want))
}
