package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/cmd/robotui/internal/api"
	"github.com/robotui/robotui/engine/signal"
)

// TestBacktestMatchesDirect: `robotui backtest --json` against a running
// robotui on the simulator gives, per symbol and strategy, the counts that
// signal.Perform gives over the same bars read from /v1/bars directly.
func TestBacktestMatchesDirect(t *testing.T) {
	env := testEnv(t)
	gwPort, _ := startMarketGateway(t, env)
	cfg := writeFile(t, "config.toml", `[watchlist]
symbols = ["AAPL", "MSFT"]
[[watchlist.group]]
name = "all"
symbols = ["AAPL"]
strategies = [{ kind = "sma" }, { kind = "ema" }, { kind = "rsi" }, { kind = "macd" }, { kind = "bollinger" }, { kind = "donchian", period = 10 }]
[strategy]
eval_bars = 5
`)
	apiAddr := "127.0.0.1:" + freePort(t)
	p := startBin(t, env, "--config", cfg, "--no-tui", "--log-format", "json", "--port", strconv.Itoa(gwPort), "--api", apiAddr)
	p.waitLine(t, 20*time.Second, "ready", stateIs("ready"))
	p.waitLine(t, 20*time.Second, "a strategy's signal", func(m map[string]any) bool { return m["msg"] == "signal" && m["strategy"] == "donchian" })

	barsOf := func(sym string) []byte {
		t.Helper()
		resp, err := http.Get("http://" + apiAddr + "/v1/bars/" + sym)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("/v1/bars/%s: %d %v", sym, resp.StatusCode, err)
		}
		return b
	}
	// A bar may close while the backtest runs (the simulator runs at 10x): the
	// bars read before and after must be the same for the comparison to hold.
	for attempt := 0; ; attempt++ {
		before := map[string][]byte{"AAPL": barsOf("AAPL"), "MSFT": barsOf("MSFT")}
		r := runBin(t, env, 30*time.Second, "backtest", "--json", "--config", cfg, "--api", apiAddr)
		if r.code != 0 {
			t.Fatalf("robotui backtest --json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if string(barsOf("AAPL")) != string(before["AAPL"]) || string(barsOf("MSFT")) != string(before["MSFT"]) {
			if attempt < 3 {
				continue
			}
			t.Fatal("a bar closed during each of 4 backtests")
		}
		var rep backtestJSON
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("%v\n%s", err, r.stdout)
		}
		if rep.EvalBars != 5 || len(rep.Symbols) != 2 || len(rep.Symbols[0].Strategies) != 6 || len(rep.Symbols[1].Strategies) != 1 {
			t.Fatalf("report shape: %s", r.stdout)
		}
		kinds := map[string][]signal.Spec{
			"AAPL": {{Kind: "sma", Fast: 10, Slow: 20}, {Kind: "ema", Fast: 12, Slow: 26}, {Kind: "rsi", Period: 14, Low: 30, High: 70},
				{Kind: "macd", Fast: 12, Slow: 26, Signal: 9}, {Kind: "bollinger", Period: 20, Width: 2, Mode: "reversion"}, {Kind: "donchian", Period: 10}},
			"MSFT": {{Kind: "sma", Fast: 10, Slow: 20}},
		}
		total := 0
		for _, sr := range rep.Symbols {
			bars, err := api.DecodeBars(before[sr.Symbol])
			if err != nil {
				t.Fatal(err)
			}
			closes, times := make([]float64, len(bars)), make([]int64, len(bars))
			for i, b := range bars {
				closes[i], times[i] = b.Close, b.Time.Unix()
			}
			if sr.Bars != len(bars) || len(bars) < 50 {
				t.Fatalf("%s: report over %d bars, /v1/bars has %d", sr.Symbol, sr.Bars, len(bars))
			}
			total += matchDirect(t, sr, kinds[sr.Symbol], closes, times)
		}
		if total == 0 {
			t.Fatal("no signals at all: the comparison saw only zeros")
		}
		t.Logf("%d signals compared", total)
		break
	}

	// The table form, a filter, and the errors.
	r := runBin(t, env, 30*time.Second, "backtest", "--config", cfg, "--api", apiAddr, "--symbols", "msft", "--strategy", "rsi,donchian", "--since", "2026-01-01")
	if r.code != 0 || !strings.Contains(r.stdout, "RSI(14,30,70)") || !strings.Contains(r.stdout, "Donchian(20)") || strings.Contains(r.stdout, "AAPL") {
		t.Errorf("filtered table: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for args, want := range map[string]struct {
		code int
		msg  string
	}{
		"--strategy rsx":                 {2, `"rsx": expected sma`},
		"--since yesterday":              {2, "--since \"yesterday\": expected a duration"},
		"--symbols NOPE":                 {1, "not on the watchlist"},
		"--eval-bars 20000":              {2, "--eval-bars: expected 1..10000"},
		"--api 127.0.0.1:" + freePort(t): {2, "no answer"},
	} {
		r := runBin(t, env, 30*time.Second, append([]string{"backtest", "--config", cfg, "--api", apiAddr}, strings.Fields(args)...)...)
		if r.code != want.code || !strings.Contains(r.stderr, want.msg) {
			t.Errorf("backtest %s: exit %d, stderr %q; want %d and %q", args, r.code, r.stderr, want.code, want.msg)
		}
	}
}

// backtestJSON is `robotui backtest --json` as a script reads it.
type backtestJSON struct {
	Source   string               `json:"source"`
	EvalBars int                  `json:"eval_bars"`
	Symbols  []backtestSymbolJSON `json:"symbols"`
}

type backtestSymbolJSON struct {
	Symbol     string `json:"symbol"`
	Bars       int    `json:"bars"`
	Strategies []struct {
		Strategy, Name       string
		Signals, Buys, Sells int
		Judged, Hits         int
		HitRate              float64 `json:"hit_rate"`
		AvgMove              float64 `json:"avg_move"`
		Last                 []json.RawMessage
	} `json:"strategies"`
}

// matchDirect checks a backtest's figures for one symbol against
// signal.Perform over the same closes (eval bars 5), and returns the signals
// compared.
func matchDirect(t *testing.T, sr backtestSymbolJSON, specs []signal.Spec, closes []float64, times []int64) int {
	t.Helper()
	total := 0
	for k, spec := range specs {
		st, err := spec.New()
		if err != nil {
			t.Fatal(err)
		}
		want, err := signal.Perform(st, closes, times, 5)
		if err != nil {
			t.Fatal(err)
		}
		got := sr.Strategies[k]
		if got.Strategy != string(spec.Kind) || got.Name != st.Name() || got.Signals != want.Signals || got.Buys != want.Buys ||
			got.Sells != want.Sells || got.Judged != want.Judged || got.Hits != want.Hits || got.HitRate != want.HitRate ||
			got.AvgMove != want.AvgMove || len(got.Last) != len(want.Last) {
			t.Errorf("%s %s: backtest %+v, direct %+v", sr.Symbol, st.Name(), got, want)
		}
		total += want.Signals
	}
	return total
}
