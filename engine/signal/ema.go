package signal

import "fmt"

// emaStep is one exponential smoothing step: e + α(x - e), kept from
// being fused into a multiply-add so every platform rounds alike.
func emaStep(e, x, alpha float64) float64 {
	return e + float64(alpha*(x-e))
}

// emaSeries writes into out[i] the EMA of xs[..i] for i >= n-1 (seeded with
// the SMA of the first n values, as StockCharts and most references do) and
// returns out; out[:n-1] is left zero. len(out) == len(xs), len(xs) >= n.
func emaSeries(out, xs []float64, n int) []float64 {
	alpha := 2 / float64(n+1)
	sum := 0.0
	for _, x := range xs[:n] {
		sum += x
	}
	e := sum / float64(n)
	out[n-1] = e
	for i := n; i < len(xs); i++ {
		e = emaStep(e, xs[i], alpha)
		out[i] = e
	}
	return out
}

// emaLast returns the EMA of xs at its last two values (prev is valid when
// len(xs) > n), the same numbers emaSeries gives, without a buffer.
func emaLast(xs []float64, n int) (prev, last float64) {
	alpha := 2 / float64(n+1)
	sum := 0.0
	for _, x := range xs[:n] {
		sum += x
	}
	e := sum / float64(n)
	prev = e
	for i := n; i < len(xs); i++ {
		prev = e
		e = emaStep(e, xs[i], alpha)
	}
	return prev, e
}

// EMACrossover signals BUY on the bar where the fast exponential moving
// average rises above the slow one, SELL where it falls below, HOLD
// otherwise; each EMA is seeded with its SMA at the start of the window.
type EMACrossover struct {
	fast, slow int
}

var _ Strategy = (*EMACrossover)(nil)

// NewEMACrossover returns the crossover of a fast and a slow EMA, in bars.
func NewEMACrossover(fast, slow int) (*EMACrossover, error) {
	if fast < 1 || slow <= fast || slow > MaxPeriod {
		return nil, fmt.Errorf("EMA crossover fast=%d slow=%d: want 1 <= fast < slow <= %d: %w", fast, slow, MaxPeriod, ErrBadParams)
	}
	return &EMACrossover{fast: fast, slow: slow}, nil
}

func (s *EMACrossover) Name() string { return fmt.Sprintf("EMA(%d,%d)", s.fast, s.slow) }
func (s *EMACrossover) Kind() Kind   { return KindEMA }

// Lookback is the warm-up of the slow EMA plus the bar before.
func (s *EMACrossover) Lookback() int { return warmup*s.slow + 1 }

// Evaluate gives Fast and Slow as the two EMAs on the last bar; it is Ready
// from slow closes on and can see a cross from slow+1.
func (s *EMACrossover) Evaluate(closes []float64) Result {
	w := tail(closes, s.Lookback())
	if len(w) < s.slow {
		return Result{}
	}
	scale, ok := finiteScale(w)
	fp, f := emaLast(w, s.fast)
	sp, sl := emaLast(w, s.slow)
	r := Result{Fast: f, Slow: sl, Ready: true}
	if !ok {
		return r
	}
	r.Relation = relate(f, sl, scale)
	if len(w) > s.slow {
		r.Action = crossing(relate(fp, sp, scale), r.Relation)
	}
	return r
}

// MACD signals BUY on the bar where the MACD line (fast EMA - slow EMA)
// rises above its signal line (an EMA of the MACD line), SELL where it
// falls below.
type MACD struct {
	fast, slow, signal int
}

var _ Strategy = (*MACD)(nil)

// NewMACD returns the MACD signal-line cross, e.g. (12, 26, 9).
func NewMACD(fast, slow, signal int) (*MACD, error) {
	if fast < 1 || slow <= fast || slow > MaxPeriod || signal < 1 || signal > MaxPeriod {
		return nil, fmt.Errorf("MACD fast=%d slow=%d signal=%d: want 1 <= fast < slow <= %d, 1 <= signal <= %d: %w",
			fast, slow, signal, MaxPeriod, MaxPeriod, ErrBadParams)
	}
	return &MACD{fast: fast, slow: slow, signal: signal}, nil
}

func (s *MACD) Name() string { return fmt.Sprintf("MACD(%d,%d,%d)", s.fast, s.slow, s.signal) }
func (s *MACD) Kind() Kind   { return KindMACD }

// first is the bar count at which the signal line first exists.
func (s *MACD) first() int { return s.slow + s.signal - 1 }

// Lookback is the warm-up of the slow EMA and of the signal line, plus the bar before.
func (s *MACD) Lookback() int { return warmup*(s.slow+s.signal) + 1 }

// Evaluate gives Fast as the MACD line and Slow as the signal line.
func (s *MACD) Evaluate(closes []float64) Result {
	w := tail(closes, s.Lookback())
	if len(w) < s.first() {
		return Result{}
	}
	var buf [1024]float64 // the default window fits: no allocation per bar
	var line []float64
	if len(w) <= len(buf) {
		line = buf[:len(w)]
	} else {
		line = make([]float64, len(w))
	}
	emaSeries(line, w, s.slow)
	// The fast EMA runs from the window's start, like the slow one; from bar
	// slow-1 on (never before fast), line[i] turns from the slow EMA into the MACD line in place.
	alpha := 2 / float64(s.fast+1)
	sum := 0.0
	for _, x := range w[:s.fast] {
		sum += x
	}
	e := sum / float64(s.fast)
	for i := s.fast; i < len(w); i++ {
		e = emaStep(e, w[i], alpha)
		if i >= s.slow-1 {
			line[i] = e - line[i]
		}
	}
	macd := line[s.slow-1:]
	sp, sg := emaLast(macd, s.signal)
	mp := 0.0
	if len(macd) > s.signal {
		mp = macd[len(macd)-2]
	}
	r := Result{Fast: macd[len(macd)-1], Slow: sg, Ready: true}
	scale, ok := finiteScale(w)
	if !ok {
		return r
	}
	r.Relation = relate(r.Fast, sg, scale)
	if len(macd) > s.signal {
		r.Action = crossing(relate(mp, sp, scale), r.Relation)
	}
	return r
}
