package panels

import (
	"math"
	"strings"
	"time"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/theme"
)

// The chart's marks. Without colour an up candle (hollow, ┃) and a down one
// (filled, █) still differ, and so do the two averages.
const (
	markWick = '│'
	markUp   = '┃'
	markDown = '█'
	markFast = '•'
	markSlow = '·'
	markBuy  = '▲'
	markSell = '▼'
)

type cell struct {
	r rune
	p *theme.Paint
}

// chartAxis is the width of the price labels at the right of the chart.
const chartAxis = 10

// Chart draws the newest bars that fit as candlesticks, one column each,
// with the strategy's fast and slow averages over them (recs parallel to
// bars, as engine.ClosedBars returns them) and each cross marked: ▲ under
// a BUY bar, ▼ over a SELL bar. It returns h lines of w cells: h-1 rows
// of plot and a time axis.
func Chart(th *theme.Theme, bars []engine.Bar, recs []engine.SignalRecord, loc *time.Location, w, h int) []string {
	out := make([]string, 0, max(0, h))
	plotW, plotH := w-chartAxis, h-1
	if plotW < 2 || plotH < 3 {
		for range max(0, h) {
			out = append(out, Blank(w))
		}
		return out
	}
	if len(bars) == 0 {
		out = append(out, NewLine(w).Add(th.Muted, "no closed bars yet").String())
		for len(out) < h {
			out = append(out, Blank(w))
		}
		return out
	}
	first := max(0, len(bars)-plotW)
	bars = bars[first:]
	if len(recs) >= first+len(bars) {
		recs = recs[first : first+len(bars)]
	} else {
		recs = nil
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	see := func(v float64) {
		if v > 0 && !math.IsInf(v, 0) && !math.IsNaN(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	for i := range bars {
		see(bars[i].Low)
		see(bars[i].High)
		if recs != nil {
			see(recs[i].Fast)
			see(recs[i].Slow)
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	if hi-lo < 1e-9 {
		lo, hi = lo-0.5, hi+0.5
	}
	// One row of room above and below for the cross marks.
	pad := (hi - lo) / float64(max(1, plotH-3))
	lo, hi = lo-pad, hi+pad
	row := func(v float64) int {
		r := int(math.Round((hi - v) / (hi - lo) * float64(plotH-1)))
		return min(max(r, 0), plotH-1)
	}
	grid := make([][]cell, plotH)
	for i := range grid {
		grid[i] = make([]cell, plotW)
	}
	put := func(r, c int, ch rune, p *theme.Paint, over bool) {
		if r < 0 || r >= plotH || c < 0 || c >= plotW {
			return
		}
		if cur := grid[r][c].r; cur != 0 && !over && cur != markWick {
			return
		}
		grid[r][c] = cell{ch, p}
	}
	for i := range bars {
		b := &bars[i]
		up := b.Close >= b.Open
		paint := &th.Bad
		body := markDown
		if up {
			paint, body = &th.Good, markUp
		}
		for r := row(b.High); r <= row(b.Low); r++ {
			put(r, i, markWick, paint, true)
		}
		top, bot := row(max(b.Open, b.Close)), row(min(b.Open, b.Close))
		for r := top; r <= bot; r++ {
			put(r, i, body, paint, true)
		}
	}
	if recs != nil {
		for i := range recs {
			if recs[i].Slow > 0 {
				put(row(recs[i].Slow), i, markSlow, &th.Orange, false)
			}
			if recs[i].Fast > 0 {
				put(row(recs[i].Fast), i, markFast, &th.Accent, false)
			}
		}
		for i := range recs {
			switch recs[i].Signal {
			case "BUY":
				put(row(bars[i].Low)+1, i, markBuy, &th.BoldGood, true)
			case "SELL":
				put(row(bars[i].High)-1, i, markSell, &th.BoldBad, true)
			}
		}
	}
	labels := map[int]float64{0: hi - pad, plotH / 2: (hi + lo) / 2, plotH - 1: lo + pad}
	for r := range grid {
		var b strings.Builder
		var cur *theme.Paint
		var run strings.Builder
		flush := func() {
			if run.Len() == 0 {
				return
			}
			if cur == nil {
				b.WriteString(run.String())
			} else {
				cur.WriteTo(&b, run.String())
			}
			run.Reset()
		}
		for c := range grid[r] {
			cl := grid[r][c]
			if cl.r == 0 {
				cl.r = ' '
			}
			if cl.p != cur {
				flush()
				cur = cl.p
			}
			run.WriteRune(cl.r)
		}
		flush()
		label := Blank(chartAxis)
		if v, ok := labels[r]; ok {
			label = " " + PadLeft(Price(v), chartAxis-1)
		}
		b.WriteString(th.Muted.S(label))
		out = append(out, b.String())
	}
	// The time axis: the first bar's time at the left, the last one's at the right.
	first0, last := bars[0].Time.In(loc), bars[len(bars)-1].Time.In(loc)
	layout := "15:04"
	if first0.YearDay() != last.YearDay() || first0.Year() != last.Year() {
		layout = "01-02 15:04"
	}
	l := NewLine(w)
	a, z := first0.Format(layout), last.Format(layout)
	l.Add(th.Muted, a)
	if gap := len(bars) - Width(a) - Width(z); gap > 0 {
		l.Space(gap).Add(th.Muted, z)
	}
	out = append(out, l.String())
	return out
}
