package engine

import (
	"math"
	"slices"
	"testing"

	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/conn/wire"
)

func TestWatchlistQuotes(t *testing.T) {
	sim := startSim(t, ibsim.Config{Addr: "127.0.0.1:0", Start: simStart})
	e := startEngine(t, testOptions(sim.Addr(), []string{"AAPL", "MSFT"}, newRecorder()))
	s := waitSnapshot(t, e, "quotes for both symbols", func(s Snapshot) bool {
		for _, r := range s.Symbols {
			q := r.Quote
			if q.Bid == 0 || q.Ask == 0 || q.Last == 0 || q.PrevClose == 0 || q.Volume == 0 {
				return false
			}
		}
		return true
	})
	for _, r := range s.Symbols {
		q := r.Quote
		if q.Bid > q.Ask {
			t.Errorf("%s: bid %v above ask %v", r.Symbol, q.Bid, q.Ask)
		}
		if want := q.Last - q.PrevClose; math.Abs(q.Change-want) > 1e-9 {
			t.Errorf("%s: change %v, want last-prev close %v", r.Symbol, q.Change, want)
		}
		if want := (q.Last - q.PrevClose) / q.PrevClose * 100; math.Abs(q.ChangePct-want) > 1e-9 {
			t.Errorf("%s: change %% %v, want %v", r.Symbol, q.ChangePct, want)
		}
		if q.At.IsZero() {
			t.Errorf("%s: no tick time", r.Symbol)
		}
	}
	if len(s.NoQuotes) != 0 {
		t.Errorf("NoQuotes %v within the budget", s.NoQuotes)
	}
}

func TestQuoteBudgetIsSharedAndDeduplicated(t *testing.T) {
	sim := startSim(t, ibsim.Config{Addr: "127.0.0.1:0", Start: simStart})
	opts := testOptions(sim.Addr(), []string{"AAPL", "MSFT"}, newRecorder())
	opts.QuoteLines = 3
	e := startEngine(t, opts)
	// AAPL is the watchlist's already: one line. NVDA takes the last line,
	// TSLA and AMD are over the budget.
	e.wantQuotes("positions:DU1", []wire.Contract{wire.Stock("AAPL"), wire.Stock("NVDA"), wire.Stock("TSLA")})
	e.wantQuotes("positions:DU2", []wire.Contract{wire.Stock("TSLA"), wire.Stock("AMD")})
	s := waitSnapshot(t, e, "NoQuotes", func(s Snapshot) bool { return len(s.NoQuotes) == 2 })
	if want := []string{"TSLA", "AMD"}; !slices.Equal(s.NoQuotes, want) {
		t.Errorf("NoQuotes %v, want %v", s.NoQuotes, want)
	}
	waitSnapshot(t, e, "NVDA's quote", func(Snapshot) bool { q, ok := e.quote("NVDA"); return ok && q.Last > 0 })
	if _, ok := e.quote("TSLA"); ok {
		t.Error("TSLA holds a line over the budget")
	}
	// The first account's positions go: TSLA moves up into the budget, AMD
	// is still over it.
	e.wantQuotes("positions:DU1", nil)
	waitSnapshot(t, e, "TSLA's quote", func(Snapshot) bool { q, ok := e.quote("TSLA"); return ok && q.Last > 0 })
	s = waitSnapshot(t, e, "NoQuotes of one", func(s Snapshot) bool { return len(s.NoQuotes) == 1 })
	if want := []string{"AMD"}; !slices.Equal(s.NoQuotes, want) {
		t.Errorf("NoQuotes %v, want %v", s.NoQuotes, want)
	}
	if _, ok := e.quote("NVDA"); ok {
		t.Error("NVDA still holds a line nobody wants")
	}
}
