package engine

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/engine/signal"
)

const barSize = 5 * time.Minute

// TestSignalsMatchSimulator: the verdict on every closed bar, backfilled or
// closed live, equals the strategy run directly on the simulator's series.
func TestSignalsMatchSimulator(t *testing.T) {
	for _, version := range []int{178, 200} { // before and after HISTORICAL_DATA_END
		t.Run(fmt.Sprint("v", version), func(t *testing.T) {
			t.Parallel()
			const seed = 11
			clock := ibsim.NewManualClock(simStart)
			sim := startSim(t, ibsim.Config{Seed: seed, Clock: clock, ServerVersion: version})
			symbols := ibsim.DefaultSymbols()[:4]
			e := startEngine(t, testOptions(sim.Addr(), symbols, newRecorder()))
			cur := simStart.Truncate(barSize)
			waitSnapshot(t, e, "every backfill", allLive(cur.Add(-barSize)))
			waitSubscribed(t, sim, len(symbols))
			const live = 6
			for range live {
				clock.Advance(barSize)
				cur = cur.Add(barSize)
				waitSnapshot(t, e, "the bar to close", allLive(cur.Add(-barSize)))
			}

			market := ibsim.NewMarket(seed, nil)
			strategy := mustSMA(t, 10, 20)
			for _, sym := range symbols {
				want := market.Bars(sym, barSize, simStart.Add(-48*time.Hour), cur)
				bars, verdicts := e.ClosedBars(sym)
				if len(bars) != len(want) {
					t.Fatalf("%s: %d closed bars, the simulator has %d", sym, len(bars), len(want))
				}
				closes := make([]float64, len(want))
				for i, w := range want {
					closes[i] = w.Close
					b := bars[i]
					if fmt.Sprint(b.Time.Unix()) != w.Date || b.Open != w.Open || b.High != w.High || b.Low != w.Low || b.Close != w.Close || b.Volume != w.Volume {
						t.Fatalf("%s bar %d: %+v, simulator %+v", sym, i, b, w)
					}
				}
				for i := range want {
					r := strategy.Evaluate(closes[max(0, i+1-strategy.Lookback()) : i+1])
					v := verdicts[i]
					if v.Signal != r.Action.String() || math.Float64bits(v.Fast) != math.Float64bits(r.Fast) ||
						math.Float64bits(v.Slow) != math.Float64bits(r.Slow) || v.Relation != relationName(r.Relation) {
						t.Fatalf("%s bar %d: engine %+v, direct %+v", sym, i, v, r)
					}
				}
				// Emitted: the newest closed bar of the first backfill, then each bar closed live.
				if got, want := e.SignalHistory(sym), verdicts[len(verdicts)-live-1:]; !slices.Equal(got, want) {
					t.Fatalf("%s: emitted %v, want %v", sym, got, want)
				}
			}
		})
	}
}

func relationName(r signal.Relation) string {
	if r == signal.Unknown {
		return ""
	}
	return r.String()
}

// TestHundredSymbolsNoPacing: a 100-symbol watchlist completes its
// backfill without a single pacing violation.
func TestHundredSymbolsNoPacing(t *testing.T) {
	t.Parallel()
	clock := ibsim.NewManualClock(simStart)
	sim := startSim(t, ibsim.Config{Seed: 3, Clock: clock})
	rec := newRecorder()
	symbols := ibsim.DefaultSymbols()[:100]
	if len(symbols) != 100 {
		t.Fatalf("the simulator's universe has %d symbols, want at least 100", len(symbols))
	}
	e := startEngine(t, testOptions(sim.Addr(), symbols, rec))
	s := waitSnapshot(t, e, "100 backfills", allLive(simStart.Truncate(barSize).Add(-barSize)))
	if n := rec.count(EventIBError, isCode(162)); n != 0 {
		t.Fatalf("%d errors 162", n)
	}
	rec.waitCount(t, "100 signal lines", EventSignal, 100, nil)
	if n := rec.count(EventSignal, nil); n != 100 {
		t.Errorf("%d signal events after the first backfills, want 100", n)
	}
	for _, r := range s.Symbols {
		if r.Status != "live" || r.Detail != "" {
			t.Errorf("%s: %s %q", r.Symbol, r.Status, r.Detail)
		}
	}
}

// TestUnknownSymbol: a symbol the gateway does not know is marked with
// the 200 and its reason; the others carry on.
func TestUnknownSymbol(t *testing.T) {
	t.Parallel()
	clock := ibsim.NewManualClock(simStart)
	sim := startSim(t, ibsim.Config{Seed: 5, Clock: clock})
	rec := newRecorder()
	e := startEngine(t, testOptions(sim.Addr(), []string{"AAPL", "NOSUCHSYM", "MSFT"}, rec))
	waitSnapshot(t, e, "two live and one failed", func(s Snapshot) bool {
		bad := s.Symbols[1]
		return s.Symbols[0].Status == "live" && s.Symbols[2].Status == "live" && s.Symbols[0].Bars > 0 && s.Symbols[2].Bars > 0 &&
			bad.Status == "error" && strings.HasPrefix(bad.Detail, "200 ") && bad.Bars == 0
	})
	is200 := func(r record) bool { return r.attrs["code"] == int64(200) && r.attrs["symbol"] == "NOSUCHSYM" }
	rec.waitCount(t, "the 200 event", EventIBError, 1, is200)
	if n := rec.count(EventIBError, is200); n != 1 {
		t.Fatalf("%d ib.error 200 events for NOSUCHSYM, want 1", n)
	}
	// The others keep going.
	waitSubscribed(t, sim, 2)
	clock.Advance(barSize)
	waitSnapshot(t, e, "the good symbols' next bar", func(s Snapshot) bool {
		want := simStart.Truncate(barSize)
		return s.Symbols[0].BarTime.Equal(want) && s.Symbols[2].BarTime.Equal(want) && s.Symbols[1].Status == "error"
	})
}
