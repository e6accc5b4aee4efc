// Package backtest scores strategies over bars already held somewhere else:
// a running robotui (its local API) or, later, the journal. It never talks
// to a gateway: a Source hands it closed bars, and the strategies' verdicts
// and their performance come from engine/signal's pure functions, the same
// the engine uses.
package backtest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/signal"
)

// Source is where a backtest's bars come from.
type Source interface {
	// Symbols lists the symbols the source holds bars for, in its order.
	Symbols(ctx context.Context) ([]string, error)
	// Bars returns a symbol's closed bars, oldest first, without gaps in
	// time order (a forming bar is never among them).
	Bars(ctx context.Context, symbol string) ([]engine.Bar, error)
}

// ErrUnknownSymbol is returned (wrapped) by a Source for a symbol it does not hold.
var ErrUnknownSymbol = errors.New("unknown symbol")

// Options say what to score.
type Options struct {
	Symbols []string // empty: every symbol of the source
	// Strategies gives each symbol its strategies; it must return at least one.
	Strategies func(symbol string) []signal.Strategy
	// Since: only signals on bars starting at or after it count (older bars
	// still warm the indicators up). Zero: all.
	Since   time.Time
	Horizon int // N of signal.Judge
}

// Report is a backtest's result, one entry per symbol in order.
type Report struct {
	Horizon int
	Since   time.Time
	Symbols []SymbolReport
}

// SymbolReport is one symbol's bars and how each strategy did on them.
type SymbolReport struct {
	Symbol     string
	Bars       int       // closed bars read
	From, To   time.Time // the first and last bar's start; zero without bars
	Strategies []signal.Performance
}

// Run reads each symbol's bars from src and judges every strategy on them.
func Run(ctx context.Context, src Source, o Options) (Report, error) {
	if o.Strategies == nil {
		return Report{}, errors.New("backtest: no strategies")
	}
	syms := o.Symbols
	if len(syms) == 0 {
		var err error
		if syms, err = src.Symbols(ctx); err != nil {
			return Report{}, fmt.Errorf("backtest: symbols: %w", err)
		}
	}
	rep := Report{Horizon: o.Horizon, Since: o.Since}
	for _, sym := range syms {
		bars, err := src.Bars(ctx, sym)
		if err != nil {
			return Report{}, fmt.Errorf("backtest: %s: %w", sym, err)
		}
		sr, err := Score(sym, bars, o.Strategies(sym), o.Since, o.Horizon)
		if err != nil {
			return Report{}, fmt.Errorf("backtest: %s: %w", sym, err)
		}
		rep.Symbols = append(rep.Symbols, sr)
	}
	return rep, nil
}

// Score judges strategies on one symbol's closed bars: every bar is
// evaluated as the engine does (signal.Results), and signals on bars before
// since are not counted.
func Score(symbol string, bars []engine.Bar, strategies []signal.Strategy, since time.Time, horizon int) (SymbolReport, error) {
	if len(strategies) == 0 {
		return SymbolReport{}, errors.New("no strategies")
	}
	sr := SymbolReport{Symbol: symbol, Bars: len(bars)}
	closes, times := make([]float64, len(bars)), make([]int64, len(bars))
	for i, b := range bars {
		if i > 0 && !b.Time.After(bars[i-1].Time) {
			return SymbolReport{}, fmt.Errorf("bar %d (%s) is not after the one before (%s)", i, b.Time.Format(time.RFC3339), bars[i-1].Time.Format(time.RFC3339))
		}
		closes[i], times[i] = b.Close, b.Time.Unix()
	}
	if len(bars) > 0 {
		sr.From, sr.To = bars[0].Time, bars[len(bars)-1].Time
	}
	for _, st := range strategies {
		acts := make([]signal.Action, len(bars))
		for i, r := range signal.Results(st, closes) {
			if !bars[i].Time.Before(since) {
				acts[i] = r.Action
			}
		}
		p, err := signal.Judge(acts, closes, times, horizon)
		if err != nil {
			return SymbolReport{}, err
		}
		p.Strategy, p.Kind = st.Name(), signal.KindOf(st)
		sr.Strategies = append(sr.Strategies, p)
	}
	return sr, nil
}

// Select is the strategies a backtest runs for one symbol: with no kinds,
// the symbol's own (configured); else one per kind named, the symbol's own
// of that kind where it has one, else the kind's default.
func Select(own []signal.Strategy, kinds []signal.Kind) ([]signal.Strategy, error) {
	if len(kinds) == 0 {
		return own, nil
	}
	out := make([]signal.Strategy, 0, len(kinds))
next:
	for _, k := range kinds {
		for _, s := range own {
			if signal.KindOf(s) == k {
				out = append(out, s)
				continue next
			}
		}
		p, ok := signal.DefaultSpec(k)
		if !ok {
			return nil, fmt.Errorf("unknown strategy %q", string(k))
		}
		s, err := p.New()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
