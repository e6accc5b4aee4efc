package alert

import (
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
)

// TestStrategySignalRules: a strategy_signal rule fires once per new cross of
// its strategy on its symbol ("*" any symbol), nothing for the strategies or
// symbols no rule names, and nothing at all by default.
func TestStrategySignalRules(t *testing.T) {
	at := time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC)
	snap := func(d time.Duration, rsiSince, macdSince time.Time) engine.Snapshot {
		rows := []engine.SymbolRow{}
		for _, sym := range []string{"AAPL", "MSFT"} {
			rows = append(rows, engine.SymbolRow{Symbol: sym, Last: 10, Strategies: []engine.StrategyRow{
				{Strategy: "sma", LastCross: "BUY", Since: at.Add(-time.Hour)},
				{Strategy: "rsi", Name: "RSI(14,30,70)", LastCross: "BUY", Since: rsiSince},
				{Strategy: "macd", LastCross: "SELL", Since: macdSince},
			}})
		}
		return engine.Snapshot{At: at.Add(d), Conn: engine.ConnInfo{State: conn.Ready}, Symbols: rows}
	}
	keys := func(th Thresholds) []string {
		e := newEvaluator(th, nil)
		var out []string
		e.eval(snap(0, at.Add(-time.Hour), at.Add(-time.Hour))) // seen at start: not news
		for i := range 3 {                                      // a new rsi and macd cross, seen three times
			for _, a := range e.eval(snap(time.Duration(i)*time.Second, at, at)) {
				if a.rule == RuleStrategy {
					out = append(out, a.key)
				}
			}
		}
		return out
	}
	if got := keys(DefaultThresholds()); len(got) != 0 {
		t.Errorf("by default: %v", got)
	}
	th := DefaultThresholds()
	th.StrategySignals = []string{"AAPL:rsi", "*:macd"}
	got := keys(th)
	want := []string{"strategy_signal:AAPL:rsi", "strategy_signal:AAPL:macd", "strategy_signal:MSFT:macd"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
