package engine

import (
	"fmt"

	"github.com/robotui/robotui/engine/signal"
)

// figures is the signal line's text about a strategy's two figures, in the
// strategy's own terms, and its kind: " (RSI 28.1000, oversold) [rsi]".
func figures(r SignalRecord) string {
	tag := " [" + r.Strategy + "]"
	if r.Relation == "" {
		return tag
	}
	where := map[string]string{"below": "below", "equal": "inside", "above": "above"}[r.Relation]
	switch signal.Kind(r.Strategy) {
	case signal.KindRSI:
		zone := map[string]string{"below": "oversold", "equal": "neutral", "above": "overbought"}[r.Relation]
		return fmt.Sprintf(" (RSI %.4f, %s)", r.Fast, zone) + tag
	case signal.KindMACD:
		return fmt.Sprintf(" (MACD %.4f %s signal %.4f)", r.Fast, r.Relation, r.Slow) + tag
	case signal.KindBollinger:
		return fmt.Sprintf(" (close %s the bands %.4f–%.4f)", where, r.Fast, r.Slow) + tag
	case signal.KindDonchian:
		return fmt.Sprintf(" (close %s the channel %.4f–%.4f)", where, r.Fast, r.Slow) + tag
	}
	return fmt.Sprintf(" (fast %.4f %s slow %.4f)", r.Fast, r.Relation, r.Slow) + tag
}
