package config

import (
	"strings"
	"testing"

	"github.com/robotui/robotui/engine/signal"
)

func TestGroupsParse(t *testing.T) {
	src := `[watchlist]
symbols = ["AAPL", "MSFT", "SPY"]
[[watchlist.group]]
name = "tech"
symbols = ["aapl", " MSFT"]
strategies = [{ kind = "ema", fast = 5, slow = 13 }, { kind = "rsi" }, { kind = "bollinger", mode = "breakout" }]
[strategy]
eval_bars = 4
[alerts]
strategy_signals = ["*:rsi", "AAPL:ema"]
`
	c, err := ParseBytes("config.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(false); err != nil {
		t.Fatal(err)
	}
	if c.Strategy.EvalBars != 4 {
		t.Errorf("eval_bars %d", c.Strategy.EvalBars)
	}
	got, err := c.SymbolStrategies()
	if err != nil {
		t.Fatal(err)
	}
	names := func(sym string) string {
		var out []string
		for _, s := range got[sym] {
			out = append(out, s.Name())
		}
		return strings.Join(out, " ")
	}
	for sym, want := range map[string]string{
		"AAPL": "EMA(5,13) RSI(14,30,70) Bollinger(20,2,breakout)",
		"MSFT": "EMA(5,13) RSI(14,30,70) Bollinger(20,2,breakout)",
		"SPY":  "SMA(10,20)",
	} {
		if names(sym) != want {
			t.Errorf("%s: %q, want %q", sym, names(sym), want)
		}
	}
	if signal.KindOf(got["SPY"][0]) != signal.KindSMA {
		t.Error("the default is not the SMA")
	}
}

func TestGroupsErrors(t *testing.T) {
	head := "[watchlist]\nsymbols = [\"AAPL\", \"MSFT\"]\n"
	for body, msg := range map[string]string{
		"[[watchlist.group]]\nname = \"a\"\nsymbols = [\"AAPL\"]\nstrategies = [{ kind = \"sma2\" }]\n":                                                                                            `kind: expected one of "sma", "ema"`,
		"[[watchlist.group]]\nname = \"a\"\nsymbols = [\"TSLA\"]\nstrategies = [{ kind = \"sma\" }]\n":                                                                                             `symbol "TSLA" is not in [watchlist] symbols`,
		"[[watchlist.group]]\nname = \"a\"\nsymbols = [\"AAPL\"]\nstrategies = []\n":                                                                                                               "strategies: expected at least one",
		"[[watchlist.group]]\nname = \"\"\nsymbols = [\"AAPL\"]\nstrategies = [{ kind = \"sma\" }]\n":                                                                                              "expected a name",
		"[[watchlist.group]]\nname = \"a\"\nsymbols = [\"AAPL\"]\nstrategies = [{ kind = \"rsi\", low = 80 }]\n":                                                                                   "0 < low < high < 100",
		"[[watchlist.group]]\nname = \"a\"\nsymbols = [\"AAPL\"]\nstrategies = [{ kind = \"rsi\", fast = 3 }]\n":                                                                                   `"fast" does not apply`,
		"[[watchlist.group]]\nname = \"a\"\nsymbols = [\"AAPL\"]\nstrategies = [{ kind = \"ema\", fast = 30 }]\n":                                                                                  "fast (30) must be less than slow (26)",
		"[[watchlist.group]]\nname = \"a\"\nsymbols = [\"AAPL\"]\nstrategies = [{ kind = \"donchian\", period = 5000 }]\n":                                                                         "at most 1000",
		"[[watchlist.group]]\nname = \"a\"\nsymbols = [\"AAPL\"]\nstrategies = [{ kind = \"sma\" }, { kind = \"sma\", fast = 3 }]\n":                                                               `kind "sma" is listed twice`,
		"[[watchlist.group]]\nname = \"a\"\nsymbols = [\"AAPL\"]\nstrategies = [{ kind = \"sma\" }]\n[[watchlist.group]]\nname = \"b\"\nsymbols = [\"AAPL\"]\nstrategies = [{ kind = \"rsi\" }]\n": `already in group "a"`,
		"[[watchlist.group]]\nname = \"a\"\nsymbols = [\"AAPL\"]\nstrategies = [{ kind = \"sma\", fsat = 3 }]\n":                                                                                   `unknown key "fsat"`,
		"[[watchlist.group]]\nname = \"a\"\nsymbols = [\"AAPL\"]\nstrategies = [{ kind = \"bollinger\", mode = 3 }]\n":                                                                             "expected [[watchlist.group]] tables",
		"[strategy]\neval_bars = 0\n":                   "expected 1 to 1000 bars",
		"[alerts]\nstrategy_signals = [\"AAPL\"]\n":     `expected "SYMBOL:KIND"`,
		"[alerts]\nstrategy_signals = [\"AAPL:foo\"]\n": "kind: expected one of",
		"[alerts]\nstrategy_signals = [\"TSLA:rsi\"]\n": "TSLA is not in [watchlist] symbols",
	} {
		c, err := ParseBytes("config.toml", []byte(head+body))
		if err == nil {
			err = c.Validate(false)
		}
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: got %v, want %q", body, err, msg)
		}
	}
}
