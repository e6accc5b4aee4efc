package signal

import "fmt"

// emaStep is one exponential smoothing step: e + α(x - e), kept from
// being fused into a multiply-add so every platform rounds alike.
func emaStep(e, x, alpha float64) float64 {
	return e + float64(alpha*(x-e))
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
	fp, f, sp, sl := emaPair(w, s.fast, s.slow)
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
	mp, m, sp, sg := macdLast(w, s.fast, s.slow, s.signal)
	r := Result{Fast: m, Slow: sg, Ready: true}
	scale, ok := finiteScale(w)
	if !ok {
		return r
	}
	r.Relation = relate(r.Fast, sg, scale)
	if len(w) > s.first() {
		r.Action = crossing(relate(mp, sp, scale), r.Relation)
	}
	return r
}

// emaPair is the EMA of xs for the fast and the slow length on its last two
// values (each seeded with its SMA of the first closes), in one pass: two
// independent recurrences the CPU runs side by side. len(xs) >= slow > fast.
func emaPair(xs []float64, fast, slow int) (fprev, f, sprev, sl float64) {
	af, as := 2/float64(fast+1), 2/float64(slow+1)
	sumF := 0.0
	for _, x := range xs[:fast] {
		sumF += x
	}
	sumS := 0.0
	for _, x := range xs[:slow] {
		sumS += x
	}
	f = sumF / float64(fast)
	for _, x := range xs[fast:slow] {
		f = emaStep(f, x, af)
	}
	sl = sumS / float64(slow)
	fprev, sprev = f, sl
	for _, x := range xs[slow:] {
		fprev, sprev = f, sl
		f, sl = emaStep(f, x, af), emaStep(sl, x, as)
	}
	return fprev, f, sprev, sl
}

// macdLast is the MACD line (EMA(fast) - EMA(slow), from bar slow-1) and its
// signal line (an EMA of it, seeded with the SMA of its first signal values)
// on the last two bars of xs, in one pass without a buffer. len(xs) >=
// slow+signal-1.
func macdLast(xs []float64, fast, slow, signal int) (mprev, m, sprev, sg float64) {
	af, as, ag := 2/float64(fast+1), 2/float64(slow+1), 2/float64(signal+1)
	sumF := 0.0
	for _, x := range xs[:fast] {
		sumF += x
	}
	sumS := 0.0
	for _, x := range xs[:slow] {
		sumS += x
	}
	f := sumF / float64(fast)
	for _, x := range xs[fast:slow] {
		f = emaStep(f, x, af)
	}
	e := sumS / float64(slow)
	m = f - e
	sumM := m
	for _, x := range xs[slow : slow+signal-1] {
		f, e = emaStep(f, x, af), emaStep(e, x, as)
		m = f - e
		sumM += m
	}
	sg = sumM / float64(signal)
	mprev, sprev = m, sg
	for _, x := range xs[slow+signal-1:] {
		mprev, sprev = m, sg
		f, e = emaStep(f, x, af), emaStep(e, x, as)
		m = f - e
		sg = emaStep(sg, m, ag)
	}
	return mprev, m, sprev, sg
}
