package engine

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/engine/signal"
)

// everyKind is one strategy of each kind, SMA(10,20) first.
func everyKind(t testing.TB) []signal.Strategy {
	t.Helper()
	var out []signal.Strategy
	for _, k := range signal.Kinds {
		p, _ := signal.DefaultSpec(k)
		s, err := p.New()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestStrategiesMatchSimulator: with a group judged by all six kinds, every
// strategy's verdict on every closed bar (backfilled or closed live, with or
// without a reconnect in the middle) equals the strategy run directly on the
// simulator's series; the other symbols keep the SMA alone.
func TestStrategiesMatchSimulator(t *testing.T) {
	for _, reconnect := range []bool{false, true} {
		t.Run(fmt.Sprint("reconnect=", reconnect), func(t *testing.T) {
			t.Parallel()
			const seed = 23
			clock := ibsim.NewManualClock(simStart)
			sim := startSim(t, ibsim.Config{Seed: seed, Clock: clock})
			symbols := ibsim.DefaultSymbols()[:3]
			rec := newRecorder()
			opts := testOptions(sim.Addr(), symbols, rec)
			all := everyKind(t)
			opts.Strategies = map[string][]signal.Strategy{symbols[0]: all, symbols[1]: all[1:]}
			e := startEngine(t, opts)
			cur := simStart.Truncate(barSize)
			waitSnapshot(t, e, "every backfill", allLive(cur.Add(-barSize)))
			waitSubscribed(t, sim, len(symbols))
			const live = 6
			for i := range live {
				if reconnect && i == live/2 {
					e.Reconnect()
					waitSnapshot(t, e, "the reconnect", func(s Snapshot) bool {
						return s.Conn.Reconnects >= 1 && allLive(cur.Add(-barSize))(s)
					})
					waitSubscribed(t, sim, len(symbols))
				}
				clock.Advance(barSize)
				cur = cur.Add(barSize)
				waitSnapshot(t, e, "the bar to close", allLive(cur.Add(-barSize)))
			}
			s := waitSnapshot(t, e, "the rows", allLive(cur.Add(-barSize)))
			market := ibsim.NewMarket(seed, nil)
			for si, sym := range symbols {
				want := market.Bars(sym, barSize, simStart.Add(-48*time.Hour), cur)
				closes := make([]float64, len(want))
				for i, w := range want {
					closes[i] = w.Close
				}
				strategies := e.opts.strategiesOf(sym)
				bars, verdicts := e.Verdicts(sym)
				if len(bars) != len(want) || len(verdicts) != len(strategies) {
					t.Fatalf("%s: %d bars and %d strategies, want %d and %d", sym, len(bars), len(verdicts), len(want), len(strategies))
				}
				if got := len(s.Symbols[si].Strategies); got != len(strategies) {
					t.Fatalf("%s: %d strategy rows, want %d", sym, got, len(strategies))
				}
				perf := e.Performance(sym)
				for k, st := range strategies {
					direct := signal.Results(st, closes)
					signals := 0
					for i, r := range direct {
						v := verdicts[k][i]
						if v.Signal != r.Action.String() || math.Float64bits(v.Fast) != math.Float64bits(r.Fast) ||
							math.Float64bits(v.Slow) != math.Float64bits(r.Slow) || v.Relation != relationName(r.Relation) ||
							v.Strategy != string(signal.KindOf(st)) {
							t.Fatalf("%s %s bar %d: engine %+v, direct %+v", sym, st.Name(), i, v, r)
						}
						if r.Action != signal.Hold {
							signals++
						}
					}
					row := s.Symbols[si].Strategies[k]
					if last := verdicts[k][len(bars)-1]; row.Strategy != string(signal.KindOf(st)) || row.Signal != last.Signal || row.Name != st.Name() {
						t.Errorf("%s: row %+v, newest verdict %+v", sym, row, last)
					}
					p, err := signal.Perform(st, closes, nil, e.opts.EvalBars)
					if err != nil {
						t.Fatal(err)
					}
					if got := perf[k]; got.Signals != p.Signals || got.Hits != p.Hits || got.Judged != p.Judged || got.AvgMove != p.AvgMove {
						t.Errorf("%s %s: engine performance %+v, direct %+v", sym, st.Name(), got, p)
					}
					t.Logf("%s %s: %d signals in %d bars", sym, st.Name(), signals, len(bars))
				}
			}
			// Each bar closed live is one signal line per strategy, each saying which.
			for _, kind := range signal.Kinds {
				n := rec.count(EventSignal, func(r record) bool {
					return r.attrs["strategy"] == string(kind) && r.attrs["symbol"] == symbols[0]
				})
				if n != live+1 {
					t.Errorf("%s: %d %s signal lines, want %d (the backfill's newest bar and each live bar)", symbols[0], n, kind, live+1)
				}
			}
			if n := rec.count(EventSignal, func(r record) bool { return r.attrs["symbol"] == symbols[2] && r.attrs["strategy"] != "sma" }); n != 0 {
				t.Errorf("%s has only the SMA, yet %d signal lines of other strategies", symbols[2], n)
			}
		})
	}
}
