package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
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

// smallKinds is every kind with short periods, so that a 100-bar series has signals of each.
func smallKinds(t testing.TB) []signal.Strategy {
	t.Helper()
	var out []signal.Strategy
	for _, p := range []signal.Spec{
		{Kind: signal.KindSMA, Fast: 2, Slow: 5}, {Kind: signal.KindEMA, Fast: 3, Slow: 7},
		{Kind: signal.KindRSI, Period: 5, Low: 40, High: 60}, {Kind: signal.KindMACD, Fast: 3, Slow: 7, Signal: 3},
		{Kind: signal.KindBollinger, Period: 8, Width: 1, Mode: signal.ModeReversion}, {Kind: signal.KindDonchian, Period: 6},
	} {
		s, err := p.New()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func groupEngine(t testing.TB, strategies []signal.Strategy) *Engine {
	t.Helper()
	e, err := New(Options{Session: conn.Config{Addr: "127.0.0.1:9"}, Symbols: []string{"X"}, Strategy: strategies[0],
		Strategies: map[string][]signal.Strategy{"X": strategies}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// TestStrategiesOutageEquivalence: with all six kinds on a symbol, live
// updates, live updates with outages healed by backfills, and one backfill
// of everything at the end give every strategy the same verdict on every
// bar; the first two emit the same signal lines.
func TestStrategiesOutageEquivalence(t *testing.T) {
	kinds := smallKinds(t)
	signals := map[string]int{}
	for seed := range uint64(10) {
		rng := rand.New(rand.NewPCG(seed, 2))
		from, start := int64(300_000), int64(300_000+60*step+17)
		now := start
		plain, faulty := groupEngine(t, kinds), groupEngine(t, kinds)
		for _, e := range []*Engine{plain, faulty} {
			e.onBars(e.syms[0], conn.BarEvent{Kind: conn.BarBackfill, Bars: backfill(from, start)})
		}
		last, lastFaulty, wasDown := start, start, false
		for range 60 {
			now += int64(30 + rng.IntN(3*step))
			for _, b := range push(last, now) {
				plain.onBars(plain.syms[0], conn.BarEvent{Kind: conn.BarUpdate, Bar: b})
			}
			last = now
			switch down := rng.IntN(4) == 0; {
			case down:
				wasDown = true
			case wasDown:
				faulty.onBars(faulty.syms[0], conn.BarEvent{Kind: conn.BarResubscribed})
				window := now - (start - from)
				faulty.onBars(faulty.syms[0], conn.BarEvent{Kind: conn.BarBackfill, Bars: backfill((window+step-1)/step*step, now)})
				wasDown, lastFaulty = false, now
			default:
				for _, b := range push(lastFaulty, now) {
					faulty.onBars(faulty.syms[0], conn.BarEvent{Kind: conn.BarUpdate, Bar: b})
				}
				lastFaulty = now
			}
		}
		if wasDown {
			faulty.onBars(faulty.syms[0], conn.BarEvent{Kind: conn.BarBackfill, Bars: backfill(from, last)})
		}
		once := groupEngine(t, kinds)
		once.onBars(once.syms[0], conn.BarEvent{Kind: conn.BarBackfill, Bars: backfill(from, last)})
		pb, pv := plain.Verdicts("X")
		for name, e := range map[string]*Engine{"with outages": faulty, "one backfill": once} {
			b, v := e.Verdicts("X")
			if !slices.Equal(pb, b) || len(v) != len(pv) {
				t.Fatalf("seed %d %s: %d bars, live %d", seed, name, len(b), len(pb))
			}
			for k := range pv {
				if !slices.Equal(pv[k], v[k]) {
					t.Fatalf("seed %d %s: %s's verdicts differ from live", seed, name, kinds[k].Name())
				}
			}
		}
		if !slices.Equal(plain.SignalHistory("X"), faulty.SignalHistory("X")) {
			t.Fatalf("seed %d: emitted signals differ", seed)
		}
		for _, r := range plain.SignalHistory("X") {
			if r.Signal != "HOLD" {
				signals[r.Strategy]++
			}
		}
	}
	for _, k := range signal.Kinds {
		if signals[string(k)] == 0 {
			t.Errorf("no %s signal emitted in any run: the comparison saw only HOLD", k)
		}
	}
}

func TestFigures(t *testing.T) {
	for _, tt := range []struct {
		r    SignalRecord
		want string
	}{
		{SignalRecord{Strategy: "rsi", Fast: 28.1, Relation: "below"}, " (RSI 28.1000, oversold) [rsi]"},
		{SignalRecord{Strategy: "macd", Fast: -0.5, Slow: -0.25, Relation: "below"}, " (MACD -0.5000 below signal -0.2500) [macd]"},
		{SignalRecord{Strategy: "bollinger", Fast: 99, Slow: 101, Relation: "equal"}, " (close inside the bands 99.0000–101.0000) [bollinger]"},
		{SignalRecord{Strategy: "donchian", Fast: 99, Slow: 101, Relation: "above"}, " (close above the channel 99.0000–101.0000) [donchian]"},
		{SignalRecord{Strategy: "ema", Fast: 2, Slow: 1, Relation: "above"}, " (fast 2.0000 above slow 1.0000) [ema]"},
		{SignalRecord{Strategy: "ema"}, " [ema]"},
	} {
		if got := figures(tt.r); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.r, got, tt.want)
		}
	}
}
