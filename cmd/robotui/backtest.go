package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/robotui/robotui/cmd/robotui/internal/api"
	"github.com/robotui/robotui/cmd/robotui/internal/config"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/backtest"
	"github.com/robotui/robotui/engine/journal"
	"github.com/robotui/robotui/engine/signal"
)

// backtestTimeout bounds a whole backtest: every symbol's bars, one GET each.
const backtestTimeout = 30 * time.Second

// runBacktest is `robotui backtest`: how each strategy has done over the
// journal's bars or those a running robotui holds (read from its local API);
// never a gateway session.
func runBacktest(args []string, stdout, stderr io.Writer, env []string) int {
	fs := flag.NewFlagSet("robotui backtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: robotui backtest [--symbols A,B] [--strategy KIND,...|all] [--since WHEN] [--eval-bars N] [--json]\n"+
			"                        [--journal PATH | --sim | --api HOST:PORT]\n\n"+
			"Scores each strategy on closed bars: signals, hit rate (the close eval-bars later moved the signal's way),\n"+
			"average move, the last 10 signals. It never opens a gateway session of its own. The bars come from:\n"+
			"  --api ADDR      a running robotui (its local API: the bars it holds now);\n"+
			"  --journal PATH  that journal file (read-only; it may be in use by a running robotui);\n"+
			"  --sim           the journal of the runs against the simulator (journal-sim.db beside the journal);\n"+
			"  none of them    the journal ([journal] path, default the state directory's journal.db) when it exists,\n"+
			"                  else the running robotui's API.\n"+
			"A journal's bars are those of the config's [watchlist] bar_size, what_to_show and use_rth.\n"+
			"Strategies are the symbol's own from the config ([strategy], [[watchlist.group]]); --strategy picks kinds\n"+
			"(sma, ema, rsi, macd, bollinger, donchian), with the symbol's parameters where it has the kind, else the defaults.\n"+
			"Exit 0 ok, 1 robotui answered an error or a symbol has no bars, 2 no robotui or journal, or a usage error.\n\n")
		fs.PrintDefaults()
	}
	symbols := fs.String("symbols", "", "comma-separated symbols (default: every symbol the journal or the running robotui has bars of)")
	kindsFlag := fs.String("strategy", "", "comma-separated strategy kinds, or all (default: each symbol's configured strategies)")
	sinceFlag := fs.String("since", "", `count signals on bars from then on: RFC 3339, a date "2026-01-05" (UTC) or a duration ago "6h"`)
	evalBars := fs.Int("eval-bars", 0, "N: bars after a signal at which it is judged (default [strategy] eval_bars)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	addr := fs.String("api", "", "ask the running robotui at this API address, not the journal")
	journalFlag := fs.String("journal", "", "journal file to read (default [journal] path)")
	sim := fs.Bool("sim", false, "read the journal of the runs against the simulator (--sim): journal-sim.db")
	path := fs.String("config", "", "config file (default $XDG_CONFIG_HOME/robotui/config.toml)")
	if code, ok := parseFlags(fs, args, stdout); !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "robotui backtest: "+format+"\n", a...)
		return code
	}
	cfg, _, err := config.Load(*path, env, true)
	if err != nil {
		return fail(exitNoRobotui, "config: %v", err)
	}
	kinds, err := parseKinds(*kindsFlag)
	if err != nil {
		return fail(exitNoRobotui, "--strategy: %v", err)
	}
	var since time.Time // zero: every bar held
	if strings.TrimSpace(*sinceFlag) != "" {
		if since, err = parseSince(*sinceFlag, time.Now()); err != nil {
			return fail(exitNoRobotui, "%v", err)
		}
	}
	horizon := cmpOr(*evalBars, cfg.Strategy.EvalBars)
	if horizon < 1 || horizon > signal.MaxEvalBars {
		return fail(exitNoRobotui, "--eval-bars: expected 1..%d, got %d", signal.MaxEvalBars, horizon)
	}
	own, err := cfg.SymbolStrategies()
	if err != nil {
		return fail(exitNoRobotui, "config: %v", err)
	}
	def, _ := cfg.Strategy.DefaultSpec().New() // validated by config
	if *addr != "" && (*journalFlag != "" || *sim) {
		return fail(exitNoRobotui, "--api asks a running robotui; --journal and --sim read a journal: give one")
	}
	explicitAPI := *addr != ""
	var src backtest.Source
	srcName := ""
	jpath := cmp.Or(*journalFlag, journalPath(cfg, env, *sim))
	if _, statErr := os.Stat(jpath); *addr == "" && (*journalFlag != "" || *sim || statErr == nil) {
		r, err := journal.OpenReader(jpath)
		if err != nil {
			return fail(exitNoRobotui, "%v", err)
		}
		defer r.Close()
		w := cfg.Watchlist
		src, srcName = backtest.NewJournalSource(r, engine.SeriesKey{BarSize: w.BarSize, WhatToShow: w.WhatToShow, UseRTH: w.UseRTH}), "journal "+jpath
	} else {
		if *addr == "" {
			if inst, err := readInstance(instancePath(env)); err == nil && inst.API != "" {
				*addr = inst.API
			} else if cfg.API.Addr != "" {
				*addr = cfg.API.Addr
			} else {
				return fail(exitNoRobotui, "no journal at %s and no running robotui with the API found (start it with --api 127.0.0.1:7465, or pass --journal or --api)", jpath)
			}
		}
		client := &api.Client{Addr: *addr}
		if cfg.API.TokenFile != "" {
			if client.Token, err = api.ReadToken(cfg.API.TokenFile); err != nil {
				return fail(exitNoRobotui, "%v", err)
			}
		}
		src, srcName = client, "api "+*addr
	}
	var syms []string
	for _, s := range strings.Split(*symbols, ",") {
		if s = strings.ToUpper(strings.TrimSpace(s)); s != "" {
			syms = append(syms, s)
		}
	}
	var selErr error
	opts := backtest.Options{Symbols: syms, Since: since, Horizon: horizon, Strategies: func(sym string) []signal.Strategy {
		list := own[sym]
		if len(list) == 0 {
			list = []signal.Strategy{def} // not in this config: [strategy]'s
		}
		out, err := backtest.Select(list, kinds)
		if err != nil {
			selErr = err
			return list
		}
		return out
	}}
	ctx, cancel := context.WithTimeout(context.Background(), backtestTimeout)
	defer cancel()
	rep, err := backtest.Run(ctx, src, opts)
	if err == nil {
		err = selErr
	}
	if err != nil {
		if errors.Is(err, api.ErrUnreachable) {
			if !explicitAPI {
				return fail(exitNoRobotui, "no journal at %s, and %v", jpath, err)
			}
			return fail(exitNoRobotui, "%v", err)
		}
		return fail(exitUnhealthy, "%v", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reportJSON(rep, srcName)); err != nil {
			return fail(exitUnhealthy, "%v", err)
		}
		return exitHealthy
	}
	printBacktest(rep, srcName, stdout)
	return exitHealthy
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// parseKinds reads --strategy: kinds, comma-separated, or "all".
func parseKinds(s string) ([]signal.Kind, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if strings.TrimSpace(s) == "all" {
		return slices.Clone(signal.Kinds), nil
	}
	var out []signal.Kind
	for _, part := range strings.Split(s, ",") {
		k := signal.Kind(strings.ToLower(strings.TrimSpace(part)))
		if !slices.Contains(signal.Kinds, k) {
			return nil, fmt.Errorf("%q: expected sma, ema, rsi, macd, bollinger, donchian or all", part)
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// The JSON report: stable names for scripts.
type btReport struct {
	Source  string     `json:"source"` // "journal PATH" or "api HOST:PORT": where the bars came from
	Horizon int        `json:"eval_bars"`
	Since   *time.Time `json:"since"`
	Symbols []btSymbol `json:"symbols"`
}

type btSymbol struct {
	Symbol     string       `json:"symbol"`
	Bars       int          `json:"bars"`
	From       *time.Time   `json:"from"`
	To         *time.Time   `json:"to"`
	Strategies []btStrategy `json:"strategies"`
}

type btStrategy struct {
	Strategy string     `json:"strategy"` // kind
	Name     string     `json:"name"`
	Signals  int        `json:"signals"`
	Buys     int        `json:"buys"`
	Sells    int        `json:"sells"`
	Judged   int        `json:"judged"`
	Hits     int        `json:"hits"`
	HitRate  float64    `json:"hit_rate"`
	AvgMove  float64    `json:"avg_move"` // a fraction: 0.01 is 1%
	Last     []btSignal `json:"last"`
}

type btSignal struct {
	Time   time.Time `json:"time"`
	Signal string    `json:"signal"`
	Price  float64   `json:"price"`
	Judged bool      `json:"judged"`
	Move   float64   `json:"move"`
	Hit    bool      `json:"hit"`
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func reportJSON(r backtest.Report, source string) btReport {
	out := btReport{Source: source, Horizon: r.Horizon, Since: timeOrNil(r.Since), Symbols: []btSymbol{}}
	for _, s := range r.Symbols {
		bs := btSymbol{Symbol: s.Symbol, Bars: s.Bars, From: timeOrNil(s.From), To: timeOrNil(s.To), Strategies: []btStrategy{}}
		for _, p := range s.Strategies {
			st := btStrategy{Strategy: string(p.Kind), Name: p.Strategy, Signals: p.Signals, Buys: p.Buys, Sells: p.Sells,
				Judged: p.Judged, Hits: p.Hits, HitRate: p.HitRate, AvgMove: p.AvgMove, Last: []btSignal{}}
			for _, o := range p.Last {
				st.Last = append(st.Last, btSignal{Time: time.Unix(o.Time, 0).UTC(), Signal: o.Action.String(), Price: o.Price,
					Judged: o.Judged, Move: o.Move, Hit: o.Hit})
			}
			bs.Strategies = append(bs.Strategies, st)
		}
		out.Symbols = append(out.Symbols, bs)
	}
	return out
}

func printBacktest(r backtest.Report, source string, w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	fmt.Fprintf(tw, "SYMBOL\tSTRATEGY\tBARS\tSIGNALS\tJUDGED\tHIT RATE\tAVG MOVE\tLAST SIGNAL\n")
	for _, s := range r.Symbols {
		for _, p := range s.Strategies {
			rate, move := "—", "—"
			if p.Judged > 0 {
				rate = strconv.FormatFloat(100*p.HitRate, 'f', 1, 64) + "%"
				move = strconv.FormatFloat(100*p.AvgMove, 'f', 3, 64) + "%"
			}
			last := "—"
			if n := len(p.Last); n > 0 {
				o := p.Last[n-1]
				last = o.Action.String() + " " + time.Unix(o.Time, 0).UTC().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\n", s.Symbol, p.Strategy, s.Bars, p.Signals, p.Judged, rate, move, last)
		}
	}
	fmt.Fprintf(tw, "\nBars: %s.\n", source)
	fmt.Fprintf(tw, "A hit: the close %d bars after the signal moved its way; the move is that close against the signal's, signed its way.\n", r.Horizon)
}
