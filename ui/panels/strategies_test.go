package panels

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/robotui/robotui/engine"
)

// TestStrategyColumns: a column per strategy kind in use once some symbol has
// more than one, each cell its last cross and age (HOLD before the first,
// blank where the kind does not judge the symbol), but none for the one kind
// every main strategy is (SIGNAL and SINCE show it); none with one strategy each.
func TestStrategyColumns(t *testing.T) {
	at := time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC)
	sma := engine.StrategyRow{Strategy: "sma", Signal: "HOLD", LastCross: "SELL", Since: at.Add(-20 * time.Minute)}
	s := &engine.Snapshot{At: at, Symbols: []engine.SymbolRow{
		{Symbol: "AAPL", Status: "live", Strategies: []engine.StrategyRow{sma,
			{Strategy: "rsi", Signal: "BUY", LastCross: "BUY", Since: at.Add(-5 * time.Minute)}, {Strategy: "macd", Signal: "HOLD"}}},
		{Symbol: "SPY", Status: "live", Strategies: []engine.StrategyRow{sma}},
	}}
	tb := Table{Order: []int{0, 1}, SortBy: SortSymbol}
	lines := Signals(plainTheme(), s, tb, 200, 6)
	head, aapl, spy := lines[1], lines[2], lines[3]
	for _, col := range []string{"RSI", "MACD"} {
		if !strings.Contains(head, col+" ") {
			t.Errorf("header lacks %s: %q", col, head)
		}
	}
	if strings.Contains(head, "SMA") {
		t.Errorf("every main strategy is the SMA, yet an SMA column: %q", head)
	}
	if !strings.Contains(aapl, "BUY 5m00s") || !strings.Contains(aapl, "HOLD ") || strings.Contains(aapl, "SELL 20m") {
		t.Errorf("AAPL row %q", aapl)
	}
	if strings.Contains(spy, "BUY") || strings.Contains(spy, "HOLD") {
		t.Errorf("SPY row (the SMA alone) %q", spy)
	}
	col := func(line, sub string) int { return utf8.RuneCountInString(line[:strings.Index(line, sub)]) }
	if i, j := col(head, "RSI"), col(aapl, "BUY 5m"); i != j {
		t.Errorf("RSI column at %d in the header, its cell at %d", i, j)
	}
	// Main strategies of two kinds: SINCE mixes them, so each kind has its column.
	s.Symbols[1].Strategies = []engine.StrategyRow{{Strategy: "rsi", Signal: "HOLD"}, sma}
	if head := Signals(plainTheme(), s, tb, 200, 6)[1]; !strings.Contains(head, "SMA ") || !strings.Contains(head, "RSI ") {
		t.Errorf("mains of two kinds: %q", head)
	}
	s.Symbols[1].Strategies = []engine.StrategyRow{sma}
	s.Symbols[0].Strategies = s.Symbols[0].Strategies[:1]
	if head := Signals(plainTheme(), s, tb, 200, 6)[1]; strings.Contains(head, "SMA") {
		t.Errorf("one strategy per symbol, yet strategy columns: %q", head)
	}
	// Narrow: the columns that do not fit are left out, the status column keeps 12 cells.
	s.Symbols[0].Strategies = append(s.Symbols[0].Strategies, engine.StrategyRow{Strategy: "rsi"})
	for _, w := range []int{60, 80, 100} {
		for _, l := range Signals(plainTheme(), s, tb, w, 6) {
			if n := len([]rune(l)); n != w {
				t.Fatalf("width %d: a line of %d cells: %q", w, n, l)
			}
		}
	}
}
