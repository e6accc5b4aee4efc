package signal

import (
	"fmt"
	"math"
	"slices"
)

// Bollinger signals on a close leaving the Bollinger bands (the SMA of the
// last period closes ± width population standard deviations of them). In
// ModeReversion it is BUY on the bar the close first falls below the lower
// band and SELL on the bar it first rises above the upper; in ModeBreakout
// the other way round.
type Bollinger struct {
	period int
	width  float64
	mode   string
}

var _ Strategy = (*Bollinger)(nil)

// NewBollinger returns the band strategy, e.g. (20, 2, ModeReversion).
func NewBollinger(period int, width float64, mode string) (*Bollinger, error) {
	if period < 2 || period > MaxPeriod || !(width > 0) || width > 100 {
		return nil, fmt.Errorf("Bollinger period=%d width=%g: want 2 <= period <= %d and 0 < width <= 100: %w",
			period, width, MaxPeriod, ErrBadParams)
	}
	if mode != ModeReversion && mode != ModeBreakout {
		return nil, fmt.Errorf("Bollinger mode %q: want %q or %q: %w", mode, ModeReversion, ModeBreakout, ErrBadParams)
	}
	return &Bollinger{period: period, width: width, mode: mode}, nil
}

func (s *Bollinger) Name() string {
	return fmt.Sprintf("Bollinger(%d,%g,%s)", s.period, s.width, s.mode)
}
func (s *Bollinger) Kind() Kind { return KindBollinger }

// Lookback is the bands' period plus the bar before.
func (s *Bollinger) Lookback() int { return s.period + 1 }

// Evaluate gives Fast as the lower band and Slow as the upper one on the
// last bar; Relation is where the close stands: Below the lower band, Above
// the upper, Equal inside (or on) them.
func (s *Bollinger) Evaluate(closes []float64) Result {
	if len(closes) < s.period {
		return Result{}
	}
	w := tail(closes, s.Lookback())
	lo, hi := bollinger(w[len(w)-s.period:], s.width)
	r := Result{Fast: lo, Slow: hi, Ready: true}
	if _, ok := finiteScale(w); !ok {
		return r
	}
	r.Relation = band(w[len(w)-1], lo, hi)
	if len(w) > s.period {
		plo, phi := bollinger(w[:s.period], s.width)
		prev := band(w[len(w)-2], plo, phi)
		if s.mode == ModeReversion {
			r.Action = entering(prev, r.Relation, Below, Above)
		} else {
			r.Action = entering(prev, r.Relation, Above, Below)
		}
	}
	return r
}

// bollinger is mean ∓ width×σ of w, σ the population standard deviation
// computed in two passes (no cancellation of large squares).
func bollinger(w []float64, width float64) (lo, hi float64) {
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	mean := sum / float64(len(w))
	ss := 0.0
	for _, x := range w {
		d := x - mean
		ss += float64(d * d)
	}
	sd := math.Sqrt(ss / float64(len(w)))
	return mean - float64(width*sd), mean + float64(width*sd)
}

// band is where x stands against [lo, hi].
func band(x, lo, hi float64) Relation {
	switch {
	case x < lo:
		return Below
	case x > hi:
		return Above
	}
	return Equal
}

// Donchian signals a channel breakout on closes: BUY on the bar whose close
// first exceeds the highest close of the period bars before it, SELL on the
// bar whose close first falls under their lowest. Comparisons only, so it
// is exact.
type Donchian struct {
	period int
}

var _ Strategy = (*Donchian)(nil)

// NewDonchian returns the channel breakout over period bars, e.g. 20.
func NewDonchian(period int) (*Donchian, error) {
	if period < 1 || period > MaxPeriod {
		return nil, fmt.Errorf("Donchian period=%d: want 1..%d: %w", period, MaxPeriod, ErrBadParams)
	}
	return &Donchian{period: period}, nil
}

func (s *Donchian) Name() string { return fmt.Sprintf("Donchian(%d)", s.period) }
func (s *Donchian) Kind() Kind   { return KindDonchian }

// Lookback is the channel of the bar before the last, its bar and the last.
func (s *Donchian) Lookback() int { return s.period + 2 }

// Evaluate gives Fast as the channel's low and Slow as its high (of the
// period closes before the last); Relation is where the last close stands.
// It is Ready from period+1 closes.
func (s *Donchian) Evaluate(closes []float64) Result {
	if len(closes) < s.period+1 {
		return Result{}
	}
	w := tail(closes, s.Lookback())
	n := len(w)
	lo, hi := slices.Min(w[n-1-s.period:n-1]), slices.Max(w[n-1-s.period:n-1])
	r := Result{Fast: lo, Slow: hi, Ready: true}
	if _, ok := finiteScale(w); !ok {
		return r
	}
	r.Relation = band(w[n-1], lo, hi)
	if n > s.period+1 {
		plo, phi := slices.Min(w[:s.period]), slices.Max(w[:s.period])
		r.Action = entering(band(w[n-2], plo, phi), r.Relation, Above, Below)
	}
	return r
}
