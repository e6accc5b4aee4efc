package signal

import (
	"fmt"
	"math"
)

// RSI signals on Wilder's relative strength index: BUY on the bar it rises
// back above the low threshold (leaves oversold), SELL on the bar it falls
// back below the high one (leaves overbought), HOLD otherwise.
type RSI struct {
	period    int
	low, high float64
}

var _ Strategy = (*RSI)(nil)

// NewRSI returns the RSI threshold strategy, e.g. (14, 30, 70).
func NewRSI(period int, low, high float64) (*RSI, error) {
	if period < 1 || period > MaxPeriod || !(low > 0) || !(high > low) || !(high < 100) {
		return nil, fmt.Errorf("RSI period=%d low=%g high=%g: want 1 <= period <= %d and 0 < low < high < 100: %w",
			period, low, high, MaxPeriod, ErrBadParams)
	}
	return &RSI{period: period, low: low, high: high}, nil
}

func (s *RSI) Name() string { return fmt.Sprintf("RSI(%d,%g,%g)", s.period, s.low, s.high) }
func (s *RSI) Kind() Kind   { return KindRSI }

// Lookback is the warm-up of Wilder's averages, one change per bar, plus
// the bar before; their smoothing 1/n is that of an EMA of 2n-1 bars.
func (s *RSI) Lookback() int { return 2*warmup*s.period + 2 }

// Evaluate gives Fast as the RSI on the last bar (Slow is zero); its
// Relation is Below under the low threshold, Above over the high one and
// Equal between them. It is Ready from period+1 closes.
func (s *RSI) Evaluate(closes []float64) Result {
	w := tail(closes, s.Lookback())
	if len(w) < s.period+1 {
		return Result{}
	}
	prev, now := rsiLast(w, s.period)
	r := Result{Fast: now, Ready: true}
	if _, ok := finiteScale(w); !ok {
		return r
	}
	r.Relation = s.zone(now)
	if len(w) > s.period+1 {
		switch p := s.zone(prev); {
		case p == Below && r.Relation != Below:
			r.Action = Buy
		case p == Above && r.Relation != Above:
			r.Action = Sell
		}
	}
	return r
}

func (s *RSI) zone(v float64) Relation {
	switch {
	case v < s.low:
		return Below
	case v > s.high:
		return Above
	}
	return Equal
}

// rsiLast is Wilder's RSI on the last two closes of xs: the first averages
// are the plain means of the first n gains and losses, then each is
// (prev×(n-1) + now)/n, the division done as a product with 1/n (it is on
// the recurrence's critical path). prev is only meaningful when len(xs) > n+1.
func rsiLast(xs []float64, n int) (prev, last float64) {
	var gain, loss float64
	for i := 1; i <= n; i++ {
		d := xs[i] - xs[i-1]
		gain += max(d, 0)
		loss += max(-d, 0)
	}
	gain, loss = gain/float64(n), loss/float64(n)
	pg, pl := gain, loss
	k, inv := float64(n-1), 1/float64(n)
	for i := n + 1; i < len(xs); i++ {
		d := xs[i] - xs[i-1]
		// max(d, 0) and max(-d, 0) without a branch a random walk mispredicts; both exact.
		a := math.Abs(d)
		pg, pl = gain, loss
		gain = float64(float64(gain*k)+float64(d+a)*0.5) * inv
		loss = float64(float64(loss*k)+float64(a-d)*0.5) * inv
	}
	return rsiOf(pg, pl), rsiOf(gain, loss)
}

// rsiOf is 100 - 100/(1+gain/loss): 100 without losses, 50 when flat.
func rsiOf(gain, loss float64) float64 {
	switch {
	case loss == 0 && gain == 0:
		return 50
	case loss == 0:
		return 100
	}
	return 100 - 100/(1+gain/loss)
}
