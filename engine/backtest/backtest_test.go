package backtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/signal"
)

// memSource is a Source over bars in memory: what a journal-backed source
// will look like to Run.
type memSource map[string][]engine.Bar

func (m memSource) Symbols(context.Context) ([]string, error) { return []string{"AAA", "BBB"}, nil }

func (m memSource) Bars(_ context.Context, sym string) ([]engine.Bar, error) {
	b, ok := m[sym]
	if !ok {
		return nil, fmt.Errorf("%s: %w", sym, ErrUnknownSymbol)
	}
	return b, nil
}

func walk(seed uint64, n int) []engine.Bar {
	rng := rand.New(rand.NewPCG(seed, 1))
	t0 := time.Date(2026, 1, 5, 14, 30, 0, 0, time.UTC)
	out := make([]engine.Bar, n)
	px := 100.0
	for i := range out {
		px += float64(rng.IntN(7)-3) * 0.05
		out[i] = engine.Bar{Time: t0.Add(time.Duration(i) * 5 * time.Minute), Close: px}
	}
	return out
}

func TestRun(t *testing.T) {
	src := memSource{"AAA": walk(1, 300), "BBB": walk(2, 200)}
	all, err := Select(nil, signal.Kinds)
	if err != nil || len(all) != 6 {
		t.Fatalf("Select all: %v %v", all, err)
	}
	rep, err := Run(context.Background(), src, Options{Horizon: 4, Strategies: func(string) []signal.Strategy { return all }})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Symbols) != 2 || rep.Symbols[0].Symbol != "AAA" || rep.Symbols[1].Bars != 200 || len(rep.Symbols[0].Strategies) != 6 {
		t.Fatalf("report %+v", rep)
	}
	total := 0
	for _, sr := range rep.Symbols {
		closes := make([]float64, 0, len(src[sr.Symbol]))
		for _, b := range src[sr.Symbol] {
			closes = append(closes, b.Close)
		}
		for k, st := range all {
			want, _ := signal.Perform(st, closes, nil, 4)
			got := sr.Strategies[k]
			if got.Signals != want.Signals || got.Hits != want.Hits || got.AvgMove != want.AvgMove || got.Kind != signal.KindOf(st) {
				t.Errorf("%s %s: %+v, direct %+v", sr.Symbol, st.Name(), got, want)
			}
			total += got.Signals
		}
	}
	if total == 0 {
		t.Fatal("no signals")
	}
	// Since: older bars warm the indicators up but their signals do not count.
	cut := src["AAA"][150].Time
	late, err := Run(context.Background(), src, Options{Symbols: []string{"AAA"}, Since: cut, Horizon: 4,
		Strategies: func(string) []signal.Strategy { return all }})
	if err != nil {
		t.Fatal(err)
	}
	for k, p := range late.Symbols[0].Strategies {
		full := rep.Symbols[0].Strategies[k]
		if p.Signals > full.Signals || len(p.Last) > 0 && p.Last[0].Time < cut.Unix() {
			t.Errorf("%s since %s: %d signals of %d, first at %d", p.Strategy, cut, p.Signals, full.Signals, p.Last[0].Time)
		}
	}
	if _, err := Run(context.Background(), src, Options{Symbols: []string{"ZZZ"}, Horizon: 4,
		Strategies: func(string) []signal.Strategy { return all }}); !errors.Is(err, ErrUnknownSymbol) {
		t.Errorf("unknown symbol: %v", err)
	}
	bad := walk(3, 10)
	bad[5].Time = bad[4].Time
	if _, err := Score("X", bad, all, time.Time{}, 4); err == nil {
		t.Error("bars out of order accepted")
	}
	if _, err := Score("X", walk(3, 10), all, time.Time{}, 0); err == nil {
		t.Error("horizon 0 accepted")
	}
}

func TestSelect(t *testing.T) {
	own, _ := signal.Spec{Kind: signal.KindRSI, Period: 7, Low: 20, High: 80}.New()
	got, err := Select([]signal.Strategy{own}, []signal.Kind{signal.KindRSI, signal.KindSMA})
	if err != nil || len(got) != 2 || got[0].Name() != "RSI(7,20,80)" || got[1].Name() != "SMA(10,20)" {
		t.Fatalf("Select: %v %v", got, err)
	}
	if got, _ := Select([]signal.Strategy{own}, nil); len(got) != 1 || got[0] != own {
		t.Errorf("no kinds: %v", got)
	}
	if _, err := Select(nil, []signal.Kind{"nope"}); err == nil {
		t.Error("unknown kind accepted")
	}
}
