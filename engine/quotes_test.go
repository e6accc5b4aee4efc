package engine

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/robotui/robotui/conn"
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
	// No holdings: only the owners below want lines.
	sim := startSim(t, ibsim.Config{Addr: "127.0.0.1:0", Start: simStart, Positions: []ibsim.PositionSpec{}})
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

// Lines held by another program on the account: the gateway refuses the
// engine's request with 101, and the symbol is listed without a quote.
func TestQuoteRefusedForWantOfLines(t *testing.T) {
	sim := startSim(t, ibsim.Config{Addr: "127.0.0.1:0", Start: simStart, Positions: []ibsim.PositionSpec{}}) // only the watchlist wants lines
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	other, err := conn.Dial(ctx, conn.Options{Addr: sim.Addr(), ClientID: 99})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	answered := make(chan struct{}, 99)
	for i := range 99 { // all the simulator's 100 lines but one
		err := other.RequestMarketData(i+1, wire.Stock("SPY"), func(ev conn.TickEvent) {
			if ev.TickType == wire.TickClose && !ev.IsSize || ev.Code != 0 {
				answered <- struct{}{}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for range 99 {
		select {
		case <-answered:
		case <-ctx.Done():
			t.Fatal("the other client's lines were not answered")
		}
	}
	rec := newRecorder()
	e := startEngine(t, testOptions(sim.Addr(), []string{"AAPL", "MSFT"}, rec))
	rec.waitCount(t, "the 101 logged", "ib.error", 1, func(r record) bool { return r.attrs["code"] == int64(101) && r.attrs["symbol"] != nil })
	s := waitSnapshot(t, e, "a symbol without a line", func(s Snapshot) bool { return len(s.NoQuotes) == 1 })
	got := s.NoQuotes[0]
	if got != "AAPL" && got != "MSFT" {
		t.Fatalf("NoQuotes %v", s.NoQuotes)
	}
	waitSnapshot(t, e, "the other symbol's quote", func(s Snapshot) bool {
		for _, r := range s.Symbols {
			if r.Symbol != got && r.Quote.Last > 0 {
				return true
			}
		}
		return false
	})
}

func TestQuoteTicks(t *testing.T) {
	var l quoteLine
	steps := []struct {
		ev      conn.TickEvent
		changed bool
	}{
		{conn.TickEvent{TickType: wire.TickClose, Price: 100}, true},
		{conn.TickEvent{TickType: wire.TickLast, Price: 102}, true},
		{conn.TickEvent{TickType: wire.TickLast, Price: 102}, false}, // the same again
		{conn.TickEvent{TickType: wire.TickBid, Price: -1}, false},   // IB's "no price"
		{conn.TickEvent{TickType: wire.TickAsk, Price: math.NaN()}, false},
		{conn.TickEvent{TickType: tickDelayedBid, Price: 101.9}, true},
		{conn.TickEvent{TickType: tickDelayedAsk, Price: 102.1}, true},
		{conn.TickEvent{TickType: wire.TickVolume, Size: 12345, IsSize: true}, true},
		{conn.TickEvent{TickType: wire.TickVolume, Size: math.Inf(1), IsSize: true}, true},
		{conn.TickEvent{Code: 10167, Text: "delayed"}, false},
		{conn.TickEvent{Code: codeMaxTickers, Text: "max tickers"}, true},
	}
	for i, st := range steps {
		if got := l.apply(st.ev); got != st.changed {
			t.Errorf("step %d %+v: changed %v, want %v", i, st.ev, got, st.changed)
		}
	}
	q := l.q
	want := Quote{Bid: 101.9, Ask: 102.1, Last: 102, PrevClose: 100, Change: 2, ChangePct: 2, At: q.At}
	if q != want || q.At.IsZero() {
		t.Errorf("quote %+v, want %+v", q, want)
	}
}

// Every held contract gets a quote line too, after the watchlist's: the
// simulator's holdings include NVDA and an ES future, not on this watchlist.
func TestPositionsGetQuotes(t *testing.T) {
	sim := startSim(t, ibsim.Config{Addr: "127.0.0.1:0", Start: simStart, Positions: ibsim.DefaultPositions})
	e := startEngine(t, testOptions(sim.Addr(), []string{"AAPL"}, newRecorder()))
	waitSnapshot(t, e, "quotes for the held NVDA and ES", func(s Snapshot) bool {
		nvda, okN := e.quote("NVDA")
		es, okE := e.quote("ES")
		return len(s.Accounts) == 1 && okN && okE && nvda.Last > 0 && es.Last > 0
	})
	if _, ok := e.quote("MSFT"); !ok {
		t.Error("MSFT is held, yet no quote line")
	}
}
