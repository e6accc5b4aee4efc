package signal

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Kind names a family of strategies; it is the `strategy` field of events,
// metrics and `signal` lines.
type Kind string

const (
	KindSMA       Kind = "sma"
	KindEMA       Kind = "ema"
	KindRSI       Kind = "rsi"
	KindMACD      Kind = "macd"
	KindBollinger Kind = "bollinger"
	KindDonchian  Kind = "donchian"
)

// Kinds lists every kind, in the order columns and reports show them.
var Kinds = []Kind{KindSMA, KindEMA, KindRSI, KindMACD, KindBollinger, KindDonchian}

// KindOf is a strategy's kind: its Kind method where it has one, else the
// lower-cased part of its name before "(" ("SMA(10,20)" is "sma").
func KindOf(s Strategy) Kind {
	if k, ok := s.(interface{ Kind() Kind }); ok {
		return k.Kind()
	}
	name, _, _ := strings.Cut(s.Name(), "(")
	return Kind(strings.ToLower(name))
}

// Bollinger modes.
const (
	ModeReversion = "reversion" // BUY on a close below the lower band, SELL above the upper
	ModeBreakout  = "breakout"  // BUY on a close above the upper band, SELL below the lower
)

// ErrBadParams is wrapped by every error about a strategy's parameters.
var ErrBadParams = errors.New("bad strategy parameters")

// Spec is a strategy's kind and parameters as a configuration states them;
// the fields a kind does not use must be zero. New is the one place that
// validates them.
type Spec struct {
	Kind       Kind
	Fast, Slow int     // sma, ema, macd
	Signal     int     // macd: the signal line's EMA length
	Period     int     // rsi, bollinger, donchian
	Low, High  float64 // rsi thresholds, 0 < low < high < 100
	Width      float64 // bollinger: band half-width in standard deviations
	Mode       string  // bollinger: ModeReversion or ModeBreakout
}

// DefaultSpec is the textbook parameter set of a kind: SMA(10,20), EMA(12,26),
// RSI(14) 30/70, MACD(12,26,9), Bollinger(20, 2σ, reversion), Donchian(20).
func DefaultSpec(k Kind) (Spec, bool) {
	switch k {
	case KindSMA:
		return Spec{Kind: k, Fast: 10, Slow: 20}, true
	case KindEMA:
		return Spec{Kind: k, Fast: 12, Slow: 26}, true
	case KindRSI:
		return Spec{Kind: k, Period: 14, Low: 30, High: 70}, true
	case KindMACD:
		return Spec{Kind: k, Fast: 12, Slow: 26, Signal: 9}, true
	case KindBollinger:
		return Spec{Kind: k, Period: 20, Width: 2, Mode: ModeReversion}, true
	case KindDonchian:
		return Spec{Kind: k, Period: 20}, true
	}
	return Spec{}, false
}

// New builds the strategy the spec describes, or says which parameter is wrong.
func (p Spec) New() (Strategy, error) {
	bad := func(format string, args ...any) (Strategy, error) {
		return nil, fmt.Errorf("%s: %s: %w", p.Kind, fmt.Sprintf(format, args...), ErrBadParams)
	}
	unused := func(names ...string) error {
		set := map[string]bool{"fast": p.Fast != 0, "slow": p.Slow != 0, "signal": p.Signal != 0, "period": p.Period != 0,
			"low": p.Low != 0, "high": p.High != 0, "width": p.Width != 0, "mode": p.Mode != ""}
		for _, n := range names {
			delete(set, n)
		}
		for _, n := range []string{"fast", "slow", "signal", "period", "low", "high", "width", "mode"} {
			if set[n] {
				return fmt.Errorf("%s: %q does not apply to this strategy: %w", p.Kind, n, ErrBadParams)
			}
		}
		return nil
	}
	period := func(name string, n int) error {
		if n < 1 || n > MaxPeriod {
			return fmt.Errorf("%s: %s=%d, want 1..%d: %w", p.Kind, name, n, MaxPeriod, ErrBadParams)
		}
		return nil
	}
	switch p.Kind {
	case KindSMA, KindEMA, KindMACD:
		names := []string{"fast", "slow"}
		if p.Kind == KindMACD {
			names = append(names, "signal")
		}
		if err := unused(names...); err != nil {
			return nil, err
		}
		if err := period("fast", p.Fast); err != nil {
			return nil, err
		}
		if err := period("slow", p.Slow); err != nil {
			return nil, err
		}
		if p.Fast >= p.Slow {
			return bad("fast (%d) must be less than slow (%d)", p.Fast, p.Slow)
		}
		switch p.Kind {
		case KindSMA:
			return some(NewSMACrossover(p.Fast, p.Slow))
		case KindEMA:
			return some(NewEMACrossover(p.Fast, p.Slow))
		}
		if err := period("signal", p.Signal); err != nil {
			return nil, err
		}
		return some(NewMACD(p.Fast, p.Slow, p.Signal))
	case KindRSI:
		if err := unused("period", "low", "high"); err != nil {
			return nil, err
		}
		return some(NewRSI(p.Period, p.Low, p.High))
	case KindBollinger:
		if err := unused("period", "width", "mode"); err != nil {
			return nil, err
		}
		return some(NewBollinger(p.Period, p.Width, p.Mode))
	case KindDonchian:
		if err := unused("period"); err != nil {
			return nil, err
		}
		return some(NewDonchian(p.Period))
	}
	return nil, fmt.Errorf("unknown strategy %q (want one of sma, ema, rsi, macd, bollinger, donchian): %w", string(p.Kind), ErrBadParams)
}

// some keeps a failed constructor's nil pointer out of the interface.
func some[T Strategy](s T, err error) (Strategy, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

// warmup is how many periods a recursive indicator (EMA, Wilder's average)
// runs over before the bar it judges. Evaluate starts it afresh at the start
// of its window so that the verdict is a function of the last Lookback closes
// alone (a reconnect or a trimmed series cannot change it); after ten
// periods the seed's weight is under (1-2/(n+1))^(10n) ≈ e^-20.
const warmup = 10

// relTol is how close, relative to the largest price in the window, two
// recursively computed values must be to count as Equal: their rounding
// error is about Lookback × 2^-53 of that, far below a tick.
const relTol = 1e-12

// relate says where a stands against b, Equal within the tolerance.
func relate(a, b, scale float64) Relation {
	d := a - b
	switch {
	case math.IsNaN(d) || math.IsInf(d, 0):
		return Unknown
	case d > relTol*scale:
		return Above
	case d < -relTol*scale:
		return Below
	}
	return Equal
}

// finiteScale is the largest |x| of closes, and false when one is not finite.
func finiteScale(closes []float64) (float64, bool) {
	m := 0.0
	for _, x := range closes {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, false
		}
		m = max(m, math.Abs(x))
	}
	return m, true
}

// tail is the last n closes (all of them when there are fewer).
func tail(closes []float64, n int) []float64 {
	return closes[max(0, len(closes)-n):]
}

// entering is BUY when the relation became up (it was not up before), SELL
// when it became down: the bar a close first leaves a band or channel.
func entering(prev, now, up, down Relation) Action {
	switch {
	case now == Unknown || prev == Unknown:
		return Hold
	case now == up && prev != up:
		return Buy
	case now == down && prev != down:
		return Sell
	}
	return Hold
}
