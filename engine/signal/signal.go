package signal

import "fmt"

// Action is what a strategy says to do on the bar it evaluated.
type Action int

const (
	Hold Action = iota
	Buy
	Sell
)

func (a Action) String() string {
	switch a {
	case Hold:
		return "HOLD"
	case Buy:
		return "BUY"
	case Sell:
		return "SELL"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Relation is where the fast average stands against the slow one.
type Relation int

const (
	Unknown Relation = iota // not enough bars, or a non-finite close in the window
	Below
	Equal
	Above
)

func (r Relation) String() string {
	switch r {
	case Unknown:
		return "unknown"
	case Below:
		return "below"
	case Equal:
		return "equal"
	case Above:
		return "above"
	}
	return fmt.Sprintf("Relation(%d)", int(r))
}

// Result is a strategy's verdict on one closed bar.
type Result struct {
	Action     Action
	Fast, Slow float64 // the averages on this bar, for display
	Relation   Relation
	Ready      bool // false until the strategy has enough closed bars
}

// Strategy judges the bar that ends a window of closes.
type Strategy interface {
	Name() string
	// Lookback is how many closed bars the strategy needs to give its full
	// verdict; older closes never change the result.
	Lookback() int
	// Evaluate gets the closes of closed bars, oldest first, ending with the
	// bar being evaluated. It is stateless and deterministic and does not
	// retain or modify closes.
	Evaluate(closes []float64) Result
}
