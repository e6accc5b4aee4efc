package backtest

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/journal"
	"github.com/robotui/robotui/engine/signal"
)

// TestJournalSource: the source lists and reads only the series of its bar
// setting, and Run over it gives what signal.Perform gives over the bars
// that were stored.
func TestJournalSource(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	aaa, bbb := walk(1, 300), walk(2, 200)
	now := aaa[len(aaa)-1].Time.Add(time.Hour) // the walks' dates are inside the retention
	j, err := journal.Open(journal.Options{Path: path, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	setting := engine.SeriesKey{BarSize: "5 mins", WhatToShow: "TRADES", UseRTH: true}
	key := func(sym string, k engine.SeriesKey) engine.SeriesKey { k.Symbol = sym; return k }
	j.Bars(key("BBB", setting), bbb)
	j.Bars(key("AAA", setting), aaa[:100])
	j.Bars(key("AAA", setting), aaa[100:])
	// Other settings: never listed, never mixed in.
	j.Bars(key("AAA", engine.SeriesKey{BarSize: "1 min", WhatToShow: "TRADES", UseRTH: true}), walk(4, 50))
	j.Bars(key("AAA", engine.SeriesKey{BarSize: "5 mins", WhatToShow: "MIDPOINT", UseRTH: true}), walk(5, 50))
	j.Bars(key("CCC", engine.SeriesKey{BarSize: "5 mins", WhatToShow: "TRADES", UseRTH: false}), walk(6, 50))
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}

	r, err := journal.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	src := NewJournalSource(r, key("IGNORED", setting))
	ctx := context.Background()
	syms, err := src.Symbols(ctx)
	if err != nil || !slices.Equal(syms, []string{"AAA", "BBB"}) {
		t.Fatalf("Symbols: %v %v", syms, err)
	}
	got, err := src.Bars(ctx, "AAA")
	if err != nil || len(got) != len(aaa) {
		t.Fatalf("Bars AAA: %d bars, %v", len(got), err)
	}
	for i := range got {
		if !got[i].Time.Equal(aaa[i].Time) || got[i].Close != aaa[i].Close {
			t.Fatalf("bar %d: %+v, stored %+v", i, got[i], aaa[i])
		}
	}
	for _, sym := range []string{"CCC", "ZZZ", ""} {
		if _, err := src.Bars(ctx, sym); !errors.Is(err, ErrUnknownSymbol) {
			t.Errorf("Bars %q: %v, want ErrUnknownSymbol", sym, err)
		}
	}

	all, _ := Select(nil, signal.Kinds)
	rep, err := Run(ctx, src, Options{Horizon: 5, Strategies: func(string) []signal.Strategy { return all }})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string][]engine.Bar{"AAA": aaa, "BBB": bbb}
	total := 0
	for _, sr := range rep.Symbols {
		bars := stored[sr.Symbol]
		closes, times := make([]float64, len(bars)), make([]int64, len(bars))
		for i, b := range bars {
			closes[i], times[i] = b.Close, b.Time.Unix()
		}
		if sr.Bars != len(bars) {
			t.Errorf("%s: %d bars, stored %d", sr.Symbol, sr.Bars, len(bars))
		}
		for k, st := range all {
			want, _ := signal.Perform(st, closes, times, 5)
			p := sr.Strategies[k]
			if p.Signals != want.Signals || p.Hits != want.Hits || p.AvgMove != want.AvgMove || len(p.Last) != len(want.Last) {
				t.Errorf("%s %s: %+v, direct %+v", sr.Symbol, st.Name(), p, want)
			}
			total += p.Signals
		}
	}
	if len(rep.Symbols) != 2 || total == 0 {
		t.Fatalf("%d symbols, %d signals", len(rep.Symbols), total)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := src.Symbols(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("Symbols after cancel: %v", err)
	}
}
