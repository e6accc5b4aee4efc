package signal

import (
	"fmt"
	"math"
	"slices"
)

// Results is s's verdict on every bar of closes, oldest first, as the engine
// gives them: bar i sees the closes of bars max(0, i+1-Lookback) through i.
func Results(s Strategy, closes []float64) []Result {
	out := make([]Result, len(closes))
	lb := s.Lookback()
	for i := range closes {
		out[i] = s.Evaluate(closes[max(0, i+1-lb) : i+1])
	}
	return out
}

// MaxEvalBars bounds the horizon a signal is judged over.
const MaxEvalBars = 10_000

// LastSignals is how many of the newest signals a Performance lists.
const LastSignals = 10

// Outcome is one BUY or SELL and what the price did over the horizon after it.
type Outcome struct {
	Bar    int     // index of the signal's bar in the closes given
	Time   int64   // the bar's start, Unix seconds (0 when no times were given)
	Action Action  // Buy or Sell
	Price  float64 // the close of the signal's bar
	// Judged is false while fewer than the horizon's bars have closed since.
	Judged bool
	// Move is the close Horizon bars later over Price, minus 1, signed the
	// signal's way: positive when a BUY was followed by a rise or a SELL by
	// a fall. Zero until Judged.
	Move float64
	Hit  bool // Judged and Move > 0
}

// Performance is how a strategy's signals on one series have done.
type Performance struct {
	Strategy string // the strategy's Name
	Kind     Kind
	Horizon  int // N: bars after a signal at which it is judged
	Bars     int // closes evaluated
	Signals  int // BUYs and SELLs
	Buys     int
	Sells    int
	Judged   int       // signals with Horizon bars after them
	Hits     int       // judged signals the price moved the signal's way
	HitRate  float64   // Hits/Judged; 0 when nothing is judged
	AvgMove  float64   // mean Move of the judged signals (a fraction: 0.01 is 1%)
	Last     []Outcome // the newest LastSignals signals, oldest first
}

// Perform judges s's signals over closes (oldest first; times, when not nil,
// are the bars' starts) by where the close stood horizon bars after each.
// It is a pure function: `robotui backtest` and the engine's tests use it.
func Perform(s Strategy, closes []float64, times []int64, horizon int) (Performance, error) {
	acts := make([]Action, len(closes))
	for i, r := range Results(s, closes) {
		acts[i] = r.Action
	}
	p, err := Judge(acts, closes, times, horizon)
	p.Strategy, p.Kind = s.Name(), KindOf(s)
	return p, err
}

// Judge is Perform over actions already given, one per close: the engine
// passes the verdicts it holds rather than evaluating again.
func Judge(acts []Action, closes []float64, times []int64, horizon int) (Performance, error) {
	if horizon < 1 || horizon > MaxEvalBars {
		return Performance{}, fmt.Errorf("horizon %d bars: want 1..%d: %w", horizon, MaxEvalBars, ErrBadParams)
	}
	if len(acts) != len(closes) || times != nil && len(times) != len(closes) {
		return Performance{}, fmt.Errorf("%d actions and %d bar times for %d closes", len(acts), len(times), len(closes))
	}
	p := Performance{Horizon: horizon, Bars: len(closes)}
	var all []Outcome
	sum := 0.0
	for i, a := range acts {
		if a != Buy && a != Sell {
			continue
		}
		o := Outcome{Bar: i, Action: a, Price: closes[i]}
		if times != nil {
			o.Time = times[i]
		}
		p.Signals++
		if a == Buy {
			p.Buys++
		} else {
			p.Sells++
		}
		if j := i + horizon; j < len(closes) {
			move := closes[j]/closes[i] - 1
			if a == Sell {
				move = -move
			}
			// A zero or non-finite close gives no move to judge.
			if !math.IsNaN(move) && !math.IsInf(move, 0) {
				o.Judged, o.Move, o.Hit = true, move, move > 0
				p.Judged++
				sum += move
				if o.Hit {
					p.Hits++
				}
			}
		}
		all = append(all, o)
	}
	if p.Judged > 0 {
		p.HitRate = float64(p.Hits) / float64(p.Judged)
		p.AvgMove = sum / float64(p.Judged)
	}
	p.Last = slices.Clone(all[max(0, len(all)-LastSignals):])
	return p, nil
}
