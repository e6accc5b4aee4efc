package main

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/robotui/robotui/engine/journal" // the "sqlite" driver the direct read below uses
	"github.com/robotui/robotui/engine/signal"
)

// storedCloses reads a series' bars straight from the journal's tables,
// not through engine/journal's Reader nor the backtest's source.
func storedCloses(t *testing.T, path, sym string) (closes []float64, times []int64) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT b.t, b.close FROM bars b JOIN series s ON s.id = b.series
		WHERE s.symbol = ? AND s.bar_size = '5 mins' AND s.what_to_show = 'TRADES' AND s.use_rth = 1 ORDER BY b.t`, sym)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var ts int64
		var c float64
		if err := rows.Scan(&ts, &c); err != nil {
			t.Fatal(err)
		}
		closes, times = append(closes, c), append(times, ts)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return closes, times
}

// TestBacktestJournalMatchesDirect: a real robotui --sim run writes its
// journal; `robotui backtest --json --sim` then reads that journal (no
// robotui running, no gateway) and gives, per symbol and strategy, the
// counts signal.Perform gives over the bars stored in it.
func TestBacktestJournalMatchesDirect(t *testing.T) {
	dir := t.TempDir()
	env := append(testEnv(t), "XDG_RUNTIME_DIR="+dir) // no other test's robotui is found as the running one
	cfg := writeFile(t, "config.toml", `[watchlist]
symbols = ["AAPL", "MSFT"]
[[watchlist.group]]
name = "all"
symbols = ["AAPL"]
strategies = [{ kind = "sma" }, { kind = "ema" }, { kind = "rsi" }, { kind = "macd" }, { kind = "bollinger" }, { kind = "donchian", period = 10 }]
[strategy]
eval_bars = 5
[journal]
path = "`+filepath.Join(dir, "j.db")+`"
`)
	simJournal := filepath.Join(dir, "j-sim.db")

	// No journal yet and no robotui: nothing to read.
	if r := runBin(t, env, 30*time.Second, "backtest", "--config", cfg); r.code != 2 || !strings.Contains(r.stderr, "no journal at") {
		t.Errorf("backtest with nothing to read: exit %d, stderr %q", r.code, r.stderr)
	}

	p := startBin(t, env, "--sim", "--no-tui", "--log-format", "json", "--config", cfg)
	p.waitLine(t, 20*time.Second, "ready", stateIs("ready"))
	p.waitLine(t, 20*time.Second, "a strategy's signal", func(m map[string]any) bool { return m["msg"] == "signal" && m["strategy"] == "donchian" })
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}

	r := runBin(t, env, 30*time.Second, "backtest", "--json", "--sim", "--config", cfg)
	if r.code != 0 {
		t.Fatalf("robotui backtest --json --sim: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var rep backtestJSON
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if rep.Source != "journal "+simJournal || rep.EvalBars != 5 || len(rep.Symbols) != 2 || rep.Symbols[0].Symbol != "AAPL" ||
		len(rep.Symbols[0].Strategies) != 6 || len(rep.Symbols[1].Strategies) != 1 {
		t.Fatalf("report shape: %s", r.stdout)
	}
	kinds := map[string][]signal.Spec{
		"AAPL": {{Kind: "sma", Fast: 10, Slow: 20}, {Kind: "ema", Fast: 12, Slow: 26}, {Kind: "rsi", Period: 14, Low: 30, High: 70},
			{Kind: "macd", Fast: 12, Slow: 26, Signal: 9}, {Kind: "bollinger", Period: 20, Width: 2, Mode: "reversion"}, {Kind: "donchian", Period: 10}},
		"MSFT": {{Kind: "sma", Fast: 10, Slow: 20}},
	}
	total := 0
	for _, sr := range rep.Symbols {
		closes, times := storedCloses(t, simJournal, sr.Symbol)
		if sr.Bars != len(closes) || len(closes) < 50 {
			t.Fatalf("%s: report over %d bars, the journal holds %d", sr.Symbol, sr.Bars, len(closes))
		}
		total += matchDirect(t, sr, kinds[sr.Symbol], closes, times)
	}
	if total == 0 {
		t.Fatal("no signals at all: the comparison saw only zeros")
	}
	t.Logf("%d signals compared over %d and %d bars", total, rep.Symbols[0].Bars, rep.Symbols[1].Bars)

	// The same journal by path, as a table; and the errors.
	r = runBin(t, env, 30*time.Second, "backtest", "--config", cfg, "--journal", simJournal, "--symbols", "msft", "--strategy", "rsi")
	if r.code != 0 || !strings.Contains(r.stdout, "RSI(14,30,70)") || strings.Contains(r.stdout, "AAPL") || !strings.Contains(r.stdout, "Bars: journal "+simJournal) {
		t.Errorf("table from --journal: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for args, want := range map[string]struct {
		code int
		msg  string
	}{
		"--sim --symbols NOPE":                    {1, "no 5 mins TRADES bars in the journal"},
		"--journal " + filepath.Join(dir, "x.db"): {2, "no such file"},
		"--sim --api 127.0.0.1:1":                 {2, "give one"},
		"":                                        {2, "no journal at " + filepath.Join(dir, "j.db")}, // the real gateway's journal: the sim's never stands in for it
	} {
		r := runBin(t, env, 30*time.Second, append([]string{"backtest", "--config", cfg}, strings.Fields(args)...)...)
		if r.code != want.code || !strings.Contains(r.stderr, want.msg) {
			t.Errorf("backtest %s: exit %d, stderr %q; want %d and %q", args, r.code, r.stderr, want.code, want.msg)
		}
	}
}
