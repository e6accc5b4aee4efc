package engine

import (
	"github.com/robotui/robotui/engine/signal"
)

// Verdicts returns symbol's closed bars, oldest first, and per strategy
// judging it (its main one first, as in SymbolRow.Strategies) the verdict on
// each bar, parallel to the bars; a bar never judged has a zero record.
func (e *Engine) Verdicts(symbol string) ([]Bar, [][]SignalRecord) {
	sym := e.bySymbol[normalizeOne(symbol)]
	if sym == nil {
		return nil, nil
	}
	sym.mu.Lock()
	defer sym.mu.Unlock()
	ser := sym.ser
	n := ser.closedCount()
	bars := make([]Bar, n)
	out := make([][]SignalRecord, 1+len(ser.more))
	for k := range out {
		out[k] = make([]SignalRecord, n)
	}
	for i := range n {
		b := &ser.bars[i]
		bars[i] = b.bar()
		if b.verdict.given {
			out[0][i] = b.record()
		}
		for k, v := range ser.moreV[b.t] {
			out[k+1][i] = v.record(b.t, b.c)
		}
	}
	return bars, out
}

// Performance is how each strategy judging symbol has done over the closed
// bars held (Options.EvalBars after each signal), main strategy first: what
// the detail view shows. Nil for a symbol not watched. It judges the
// verdicts given, the same ones the signal events carried.
func (e *Engine) Performance(symbol string) []signal.Performance {
	sym := e.bySymbol[normalizeOne(symbol)]
	if sym == nil {
		return nil
	}
	bars, verdicts := e.Verdicts(symbol)
	closes, times := make([]float64, len(bars)), make([]int64, len(bars))
	for i, b := range bars {
		closes[i], times[i] = b.Close, b.Time.Unix()
	}
	strategies := append([]signal.Strategy{sym.ser.strategy}, sym.ser.more...)
	out := make([]signal.Performance, 0, len(strategies))
	for k, st := range strategies {
		acts := make([]signal.Action, len(bars))
		for i, r := range verdicts[k] {
			acts[i] = actionOf(r.Signal)
		}
		p, err := signal.Judge(acts, closes, times, e.opts.EvalBars)
		if err != nil {
			continue // EvalBars was validated; the slices are parallel
		}
		p.Strategy, p.Kind = st.Name(), signal.KindOf(st)
		out = append(out, p)
	}
	return out
}

func actionOf(s string) signal.Action {
	switch s {
	case "BUY":
		return signal.Buy
	case "SELL":
		return signal.Sell
	}
	return signal.Hold
}
