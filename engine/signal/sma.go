package signal

import (
	"errors"
	"fmt"
)

// MaxPeriod bounds an average's length, far beyond any useful bar count.
const MaxPeriod = 100_000

// ErrBadPeriods is returned for SMA periods outside 1 <= fast < slow <= MaxPeriod.
var ErrBadPeriods = errors.New("SMA periods must satisfy 1 <= fast < slow <= 100000")

// SMACrossover signals BUY on the bar where the fast simple moving average
// crosses above the slow one (previous bar fast <= slow, this bar fast >
// slow), SELL where it crosses below (previous >=, now <), HOLD otherwise.
type SMACrossover struct {
	fast, slow int
}

var _ Strategy = (*SMACrossover)(nil)

// NewSMACrossover returns the crossover of a fast and a slow SMA, in bars.
func NewSMACrossover(fast, slow int) (*SMACrossover, error) {
	if fast < 1 || slow <= fast || slow > MaxPeriod {
		return nil, fmt.Errorf("SMA crossover fast=%d slow=%d: %w", fast, slow, ErrBadPeriods)
	}
	return &SMACrossover{fast: fast, slow: slow}, nil
}

// Name is "SMA(fast,slow)".
func (s *SMACrossover) Name() string { return fmt.Sprintf("SMA(%d,%d)", s.fast, s.slow) }

// Lookback is slow+1: a cross compares this bar with the one before.
func (s *SMACrossover) Lookback() int { return s.slow + 1 }

// Periods returns the fast and slow lengths.
func (s *SMACrossover) Periods() (fast, slow int) { return s.fast, s.slow }

// Evaluate judges the last bar of closes. With fewer than slow closes it is
// not Ready; with exactly slow it reports the relation but cannot see a
// cross, so it holds.
func (s *SMACrossover) Evaluate(closes []float64) Result {
	if s == nil || s.fast < 1 || s.slow <= s.fast || len(closes) < s.slow {
		return Result{}
	}
	fast, slow, rel := compare(closes[len(closes)-s.slow:], s.fast)
	r := Result{Fast: fast, Slow: slow, Relation: rel, Ready: true}
	if len(closes) > s.slow {
		_, _, prev := compare(closes[len(closes)-s.slow-1:len(closes)-1], s.fast)
		r.Action = crossing(prev, rel)
	}
	return r
}

func crossing(prev, now Relation) Action {
	switch {
	case now == Above && (prev == Below || prev == Equal):
		return Buy
	case now == Below && (prev == Above || prev == Equal):
		return Sell
	}
	return Hold
}
