package signal

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func mustSMA(t testing.TB, fast, slow int) *SMACrossover {
	t.Helper()
	s, err := NewSMACrossover(fast, slow)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewSMACrossover(t *testing.T) {
	tests := []struct {
		fast, slow int
		ok         bool
	}{
		{1, 2, true},
		{20, 50, true},
		{1, MaxPeriod, true},
		{0, 5, false},
		{-1, 3, false},
		{5, 5, false},
		{6, 5, false},
		{1, MaxPeriod + 1, false},
	}
	for _, tt := range tests {
		s, err := NewSMACrossover(tt.fast, tt.slow)
		if tt.ok != (err == nil) || tt.ok != (s != nil) {
			t.Errorf("NewSMACrossover(%d, %d) = %v, %v; want ok=%v", tt.fast, tt.slow, s, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrBadPeriods) {
			t.Errorf("NewSMACrossover(%d, %d) error %v does not wrap ErrBadPeriods", tt.fast, tt.slow, err)
		}
	}
	s := mustSMA(t, 20, 50)
	if s.Name() != "SMA(20,50)" || s.Lookback() != 51 {
		t.Errorf("Name %q Lookback %d, want SMA(20,50) and 51", s.Name(), s.Lookback())
	}
	if f, sl := s.Periods(); f != 20 || sl != 50 {
		t.Errorf("Periods() = %d, %d", f, sl)
	}
}

func TestStrings(t *testing.T) {
	tests := []struct{ got, want string }{
		{Hold.String(), "HOLD"}, {Buy.String(), "BUY"}, {Sell.String(), "SELL"}, {Action(9).String(), "Action(9)"},
		{Unknown.String(), "unknown"}, {Below.String(), "below"}, {Equal.String(), "equal"}, {Above.String(), "above"},
		{Relation(-1).String(), "Relation(-1)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// TestHandComputed walks SMA(2,4) bar by bar over a series whose averages are
// exact in binary, so Fast and Slow are checked bit for bit.
func TestHandComputed(t *testing.T) {
	s := mustSMA(t, 2, 4)
	closes := []float64{10, 11, 12, 13, 12, 11, 10, 11, 12, 13}
	want := []Result{
		{}, {}, {}, // fewer than slow closes
		{Hold, 12.5, 11.5, Above, true}, // exactly slow closes: no previous bar to cross from
		{Hold, 12.5, 12, Above, true},
		{Sell, 11.5, 12, Below, true},
		{Hold, 10.5, 11.5, Below, true},
		{Hold, 10.5, 11, Below, true},
		{Buy, 11.5, 11, Above, true},
		{Hold, 12.5, 11.5, Above, true},
	}
	for i := range closes {
		if got := s.Evaluate(closes[:i+1]); got != want[i] {
			t.Errorf("bar %d (close %v): got %+v, want %+v", i, closes[i], got, want[i])
		}
	}
}

func TestEdges(t *testing.T) {
	up := math.Nextafter(0.1, 1)
	down := math.Nextafter(0.1, 0)
	tests := []struct {
		name       string
		fast, slow int
		closes     []float64
		action     Action
		rel        Relation
		ready      bool
	}{
		{"empty", 2, 3, nil, Hold, Unknown, false},
		{"one short", 2, 3, []float64{1, 2}, Hold, Unknown, false},
		{"exactly slow", 2, 3, []float64{1, 2, 3}, Hold, Above, true},
		{"equal stays equal", 2, 3, []float64{10, 10, 10, 10}, Hold, Equal, true},
		{"equal to above buys", 2, 3, []float64{10, 10, 10, 11}, Buy, Above, true},
		{"equal to below sells", 2, 3, []float64{10, 10, 10, 9}, Sell, Below, true},
		{"above to equal holds", 2, 3, []float64{9, 10, 11, 9}, Hold, Equal, true},
		{"below to equal holds", 2, 3, []float64{11, 10, 9, 11}, Hold, Equal, true},
		{"equal after below, then above buys", 2, 3, []float64{11, 10, 9, 11, 12}, Buy, Above, true},
		{"one ulp up from flat buys", 3, 5, []float64{0.1, 0.1, 0.1, 0.1, 0.1, up}, Buy, Above, true},
		{"one ulp down from flat sells", 3, 5, []float64{0.1, 0.1, 0.1, 0.1, 0.1, down}, Sell, Below, true},
		{"NaN in window", 2, 3, []float64{1, 2, math.NaN(), 4}, Hold, Unknown, true},
		{"Inf in window", 2, 3, []float64{1, 2, 3, math.Inf(1)}, Hold, Unknown, true},
		{"NaN before lookback ignored", 2, 3, []float64{math.NaN(), 10, 10, 10, 11}, Buy, Above, true},
		{"huge values", 1, 2, []float64{math.MaxFloat64, math.MaxFloat64, math.MaxFloat64}, Hold, Equal, true},
		{"subnormals", 1, 2, []float64{5e-324, 5e-324, 1e-323}, Buy, Above, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustSMA(t, tt.fast, tt.slow).Evaluate(tt.closes)
			if got.Action != tt.action || got.Relation != tt.rel || got.Ready != tt.ready {
				t.Errorf("got %+v, want action %v relation %v ready %v", got, tt.action, tt.rel, tt.ready)
			}
		})
	}
}

// TestFlatMarketIsEqual: a price like 100.1 is not exact in binary, and the
// rounded 20- and 50-bar means of a flat run differ; the relation must still
// be Equal, and a rise followed by a flat run must not produce a SELL.
func TestFlatMarketIsEqual(t *testing.T) {
	s := mustSMA(t, 20, 50)
	var closes []float64
	for i := range 60 {
		closes = append(closes, 94+float64(i)/10)
	}
	for range 120 {
		closes = append(closes, 100.1)
	}
	sawRoundingGap := false
	for i := 60; i < len(closes); i++ {
		r := s.Evaluate(closes[:i+1])
		if r.Action != Hold {
			t.Fatalf("bar %d: %v in a flat or rising market (fast %v slow %v)", i, r.Action, r.Fast, r.Slow)
		}
		if i >= 60+50-1 {
			if r.Relation != Equal {
				t.Fatalf("bar %d: flat for 50 bars, relation %v (fast %v slow %v)", i, r.Relation, r.Fast, r.Slow)
			}
			sawRoundingGap = sawRoundingGap || r.Fast != r.Slow
		}
	}
	if !sawRoundingGap {
		t.Error("the rounded means never differed: this test no longer exercises the exact comparison")
	}
}

func TestEvaluateNeverTouchesInput(t *testing.T) {
	s := mustSMA(t, 3, 7)
	closes := randomWalk(1, 50, 0.01)
	before := slices.Clone(closes)
	for i := range closes {
		s.Evaluate(closes[:i+1])
	}
	if !slices.Equal(before, closes) {
		t.Fatal("Evaluate modified its input")
	}
}

func TestZeroValueStrategyDoesNotPanic(t *testing.T) {
	var zero SMACrossover
	var nilStrategy *SMACrossover
	for _, r := range []Result{zero.Evaluate([]float64{1, 2, 3}), nilStrategy.Evaluate([]float64{1, 2, 3})} {
		if r != (Result{}) {
			t.Errorf("invalid strategy gave %+v, want the zero Result", r)
		}
	}
}
