package panels

import (
	"strconv"
	"strings"
	"time"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/theme"
)

// Keepalive is the ping panel: a sparkline of the round trips fitted to the
// width, the last, p50 and p99, misses against the limit, the interval.
func Keepalive(th *theme.Theme, s *engine.Snapshot, have bool, w int) []string {
	return Box(th, "Keepalive", "", false, w, TopHeight, keepaliveBody(th, s, have, Inner(w)))
}

func keepaliveBody(th *theme.Theme, s *engine.Snapshot, have bool, w int) []string {
	if !have {
		return nil
	}
	k := &s.Keepalive
	missPaint := th.Normal
	switch {
	case k.MaxMisses > 0 && k.Misses >= k.MaxMisses:
		missPaint = th.BoldBad
	case k.Misses > 0:
		missPaint = th.Warn
	}
	missed := th.Normal
	if k.Missed > 0 {
		missed = th.Warn
	}
	fields := []Field{
		{"rtt", RTT(k.Last), th.Bold},
		{"p50", RTT(k.P50), th.Normal},
		{"p99", RTT(k.P99), th.Normal},
		{"misses", strconv.Itoa(k.Misses) + "/" + strconv.Itoa(k.MaxMisses), missPaint},
		{"every", Interval(k.Interval), th.Normal},
		{"timeout", Interval(k.Timeout), th.Normal},
		{"missed", Count(k.Missed), missed},
		{"sent", Count(k.Sent), th.Normal},
	}
	// A two-row sparkline when the numbers fit in the three lines left, else one.
	text, placed := Flow(th, fields, w, TopHeight-4)
	rows := 2
	if placed < len(fields) {
		text, _ = Flow(th, fields, w, TopHeight-3)
		rows = 1
	}
	lines := make([]string, 0, TopHeight-2)
	switch {
	case len(s.Pings) == 0:
		lines = append(lines, NewLine(w).Add(th.Muted, "no pings yet").String())
		if rows == 2 {
			lines = append(lines, Blank(w))
		}
	case rows == 2:
		top, bottom := Sparkline(th, s.Pings, w)
		lines = append(lines, top, bottom)
	default:
		lines = append(lines, SparklineRow(th, s.Pings, w))
	}
	return append(lines, text...)
}

var blocks = [...]string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// MissMark is what a missed ping looks like in the sparkline.
const MissMark = "×"

// Sparkline draws the newest w samples (newest at the right) two rows high,
// each a block scaled to the largest answered round trip shown; a miss is a
// red ×. Both rows are exactly w cells.
func Sparkline(th *theme.Theme, pings []engine.PingSample, w int) (top, bottom string) {
	if w <= 0 {
		return "", ""
	}
	shown := pings
	if len(shown) > w {
		shown = shown[len(shown)-w:]
	}
	peak := peakRTT(shown)
	var t, b runs
	t.blank(w - len(shown))
	b.blank(w - len(shown))
	for _, p := range shown {
		if !p.OK {
			t.add(theme.Paint{}, " ")
			b.add(th.Bad, MissMark)
			continue
		}
		lv := level(p.RTT, peak, 16)
		if lv > 8 {
			t.add(th.Good, blocks[lv-9])
			b.add(th.Good, blocks[7])
		} else {
			t.add(theme.Paint{}, " ")
			b.add(th.Good, blocks[lv-1])
		}
	}
	return t.String(), b.String()
}

// SparklineRow is the one-row sparkline: eight levels.
func SparklineRow(th *theme.Theme, pings []engine.PingSample, w int) string {
	if w <= 0 {
		return ""
	}
	shown := pings
	if len(shown) > w {
		shown = shown[len(shown)-w:]
	}
	peak := peakRTT(shown)
	var r runs
	r.blank(w - len(shown))
	for _, p := range shown {
		if !p.OK {
			r.add(th.Bad, MissMark)
			continue
		}
		r.add(th.Good, blocks[level(p.RTT, peak, 8)-1])
	}
	return r.String()
}

// level scales rtt to 1..n against peak, rounding up so any answer shows.
func level(rtt, peak time.Duration, n int) int {
	if peak <= 0 {
		return 1
	}
	l := int((int64(rtt)*int64(n) + int64(peak) - 1) / int64(peak))
	return min(max(l, 1), n)
}

func peakRTT(pings []engine.PingSample) time.Duration {
	var peak time.Duration
	for _, p := range pings {
		if p.OK && p.RTT > peak {
			peak = p.RTT
		}
	}
	return peak
}

// runs joins cells, painting each run of equal paint once.
type runs struct {
	out, cur strings.Builder
	paint    theme.Paint
}

func (r *runs) blank(n int) {
	for range n {
		r.add(theme.Paint{}, " ")
	}
}

func (r *runs) add(p theme.Paint, cell string) {
	if p != r.paint {
		r.flush()
		r.paint = p
	}
	r.cur.WriteString(cell)
}

func (r *runs) flush() {
	if r.cur.Len() > 0 {
		r.out.WriteString(r.paint.S(r.cur.String()))
		r.cur.Reset()
	}
}

func (r *runs) String() string {
	r.flush()
	return r.out.String()
}
