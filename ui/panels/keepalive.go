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
	// A missed ping is no round trip: it says so instead of the timeout.
	rtt := Field{"rtt", RTT(k.Last), rttPaint(th, k.Last, k.Timeout)}
	if k.Misses > 0 {
		rtt = Field{"rtt", "missed", th.BoldBad}
	}
	fields := []Field{
		rtt,
		{"p50", RTT(k.P50), rttPaint(th, k.P50, k.Timeout)},
		{"p99", RTT(k.P99), rttPaint(th, k.P99, k.Timeout)},
		{"missed now", strconv.Itoa(k.Misses) + "/" + strconv.Itoa(k.MaxMisses), missPaint},
		{"every", Interval(k.Interval), th.Normal},
		{"timeout", Interval(k.Timeout), th.Normal},
		{"missed total", Count(k.Missed), missed},
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

// rttPaint colours a slow round trip: a tenth of the timeout is slow, half
// of it close to a miss.
func rttPaint(th *theme.Theme, rtt, timeout time.Duration) theme.Paint {
	switch {
	case timeout <= 0 || rtt <= 0 || rtt < timeout/10:
		return th.Normal
	case rtt < timeout/2:
		return th.Warn
	}
	return th.BoldBad
}

var blocks = [...]string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// minScale is the least round trip the sparkline's top stands for, so that
// a tenth of a millisecond of jitter on a fast link stays a ripple.
const minScale = time.Millisecond

// scaleWidth is the room of a scale label: a blank and RTT's widest ("12.3ms").
const scaleWidth = 7

// scale is the sparkline's labels, the fastest and the slowest of the
// answers among the newest that fit beside them, and how many cells are
// left for the bars; no labels when w is too narrow or nothing was answered.
func scale(pings []engine.PingSample, w int) (lo, hi string, bars int) {
	if w-scaleWidth < 8 {
		return "", "", w
	}
	fast, slow := rttRange(tail(pings, w-scaleWidth))
	if slow <= 0 {
		return "", "", w
	}
	return PadLeft(RTT(fast), scaleWidth), PadLeft(RTT(slow), scaleWidth), w - scaleWidth
}

// MissMark is what a missed ping looks like in the sparkline.
const MissMark = "×"

// Sparkline draws the newest samples that fit (newest at the right) two
// rows high, each a block scaled to the largest answered round trip shown
// (at least minScale); a miss is a red ×. The slowest answer labels the top
// row's right end and the fastest the bottom's. Both rows are exactly w cells.
func Sparkline(th *theme.Theme, pings []engine.PingSample, w int) (top, bottom string) {
	if w <= 0 {
		return "", ""
	}
	lo, hi, bw := scale(pings, w)
	shown := tail(pings, bw)
	peak := max(peakRTT(shown), minScale)
	w = bw
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
	t.add(th.Muted, hi)
	b.add(th.Muted, lo)
	return t.String(), b.String()
}

// tail is the newest n samples.
func tail(pings []engine.PingSample, n int) []engine.PingSample {
	if len(pings) > n {
		return pings[len(pings)-n:]
	}
	return pings
}

// SparklineRow is the one-row sparkline: eight levels, labelled at the
// right with the slowest answer shown.
func SparklineRow(th *theme.Theme, pings []engine.PingSample, w int) string {
	if w <= 0 {
		return ""
	}
	_, hi, bw := scale(pings, w)
	shown := tail(pings, bw)
	peak := max(peakRTT(shown), minScale)
	var r runs
	r.blank(bw - len(shown))
	for _, p := range shown {
		if !p.OK {
			r.add(th.Bad, MissMark)
			continue
		}
		r.add(th.Good, blocks[level(p.RTT, peak, 8)-1])
	}
	r.add(th.Muted, hi)
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
	_, slow := rttRange(pings)
	return slow
}

// rttRange is the fastest and the slowest answered round trip; 0, 0 when none was answered.
func rttRange(pings []engine.PingSample) (fast, slow time.Duration) {
	for _, p := range pings {
		if !p.OK {
			continue
		}
		if fast == 0 || p.RTT < fast {
			fast = p.RTT
		}
		slow = max(slow, p.RTT)
	}
	return fast, slow
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
