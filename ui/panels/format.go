package panels

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/robotui/robotui/engine"
)

// Zone is the time zone the screen shows: New York, taken from the market
// view when the engine filled it, else loaded, else UTC.
func Zone(s *engine.Snapshot) *time.Location {
	if !s.Market.Now.IsZero() {
		return s.Market.Now.Location()
	}
	return newYork
}

var newYork = func() *time.Location {
	if loc, err := time.LoadLocation("America/New_York"); err == nil {
		return loc
	}
	return time.UTC
}()

// Age is a compact duration for humans: "45s", "3m05s", "14m", "2h05m", "3d04h".
func Age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < 10*time.Minute:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%02dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

// RTT is a round trip with three significant digits: "0.42ms", "12.3ms", "1.20s".
func RTT(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d <= 0:
		return "—"
	case ms < 10:
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	case ms < 100:
		return strconv.FormatFloat(ms, 'f', 1, 64) + "ms"
	case ms < 1000:
		return strconv.FormatFloat(ms, 'f', 0, 64) + "ms"
	}
	return strconv.FormatFloat(ms/1000, 'f', 2, 64) + "s"
}

// Interval is a configured duration: "2s", "500ms", "1m30s".
func Interval(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	return d.String()
}

// Price shows cents for ordinary prices and more digits for small ones;
// zero and non-finite values (not known yet) are a dash.
func Price(v float64) string {
	switch {
	case v == 0 || math.IsNaN(v) || math.IsInf(v, 0):
		return "—"
	case math.Abs(v) < 10:
		return strconv.FormatFloat(v, 'f', 4, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// Count is a compact counter: "999", "12.3k", "4.5M".
func Count(n uint64) string {
	switch {
	case n < 1000:
		return strconv.FormatUint(n, 10)
	case n < 1_000_000:
		return strconv.FormatFloat(float64(n)/1e3, 'f', 1, 64) + "k"
	}
	return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + "M"
}

func itoa(n int) string { return strconv.Itoa(n) }
