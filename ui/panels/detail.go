package panels

import (
	"slices"
	"strconv"
	"strings"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/account"
	"github.com/robotui/robotui/engine/signal"
	"github.com/robotui/robotui/ui/theme"
)

// Detail is what a symbol's detail view shows besides the snapshot.
type Detail struct {
	Row     *engine.SymbolRow // nil when the symbol left the watchlist
	Symbol  string
	Bars    []engine.Bar
	Recs    []engine.SignalRecord // parallel to Bars
	Perf    []signal.Performance  // how each strategy has done on Bars, main first; nil before the read
	Book    *account.Book         // the account shown; nil without account data
	NoQuote bool                  // the symbol is over the market-data line budget
	Hint    string                // the keys line
}

// detailSide is the width of the information column beside a wide chart.
const detailSide = 44

// detailThreeColumns is the inner width from which the lines below a chart
// have a third column (how each strategy has done): detailSide for the
// quote and position (its widest line, the market-data budget's, is 42),
// and 36 cells each for the signal and the performance.
const detailThreeColumns = detailSide + 2*36

// detailColumn is one column of the lines below a chart, each w cells.
type detailColumn struct {
	lines []string
	w     int
}

// DetailView renders the symbol's detail, h lines of w cells: its chart with
// the averages and crosses, its quote, its position and its last signals.
func DetailView(th *theme.Theme, s *engine.Snapshot, d Detail, w, h int) []string {
	inner := Inner(w)
	var body []string
	rows := max(0, h-2)
	if inner >= 140 {
		chartW := inner - detailSide - 2
		side := detailInfo(th, s, &d, detailSide)
		side = append(side, Blank(detailSide))
		side = append(side, detailSignal(th, &d, detailSide)...)
		side = append(side, Blank(detailSide))
		side = append(side, detailSignals(th, s, &d, detailSide)...)
		if perf := detailPerformance(th, &d, detailSide); len(perf) > 0 {
			side = append(side, Blank(detailSide))
			side = append(side, perf...)
		}
		chart := Chart(th, d.Bars, d.Recs, Zone(s), chartW, rows-1)
		for i := range rows - 1 {
			l := Blank(detailSide)
			if i < len(side) {
				l = side[i]
			}
			body = append(body, chart[i]+"  "+l)
		}
	} else {
		// Below the chart: the quote and the position at the left, the
		// signal and the crosses beside them, and how each strategy has done
		// in a third column where there is room for one, else under the crosses.
		var cols []detailColumn
		if inner >= detailThreeColumns {
			w1 := detailSide
			w2 := (inner - w1) / 2
			w3 := inner - w1 - w2
			mid := append(detailSignal(th, &d, w2), Blank(w2))
			cols = []detailColumn{{detailInfo(th, s, &d, w1), w1}, {append(mid, detailSignals(th, s, &d, w2)...), w2},
				{detailPerformance(th, &d, w3), w3}}
		} else {
			half := inner / 2
			right := append(detailSignal(th, &d, inner-half), Blank(inner-half))
			right = append(right, detailSignals(th, s, &d, inner-half)...)
			if perf := detailPerformance(th, &d, inner-half); len(perf) > 0 {
				right = append(append(right, Blank(inner-half)), perf...)
			}
			cols = []detailColumn{{detailInfo(th, s, &d, half), half}, {right, inner - half}}
		}
		below := 0
		for _, c := range cols {
			below = max(below, len(c.lines))
		}
		chartH := rows - 1 - below - 1
		if chartH < 6 { // too short for a chart above all that: the chart first
			chartH = min(rows-1, max(6, (rows-1)/2))
			below = max(0, rows-1-chartH-1)
		}
		body = append(body, Chart(th, d.Bars, d.Recs, Zone(s), inner, chartH)...)
		body = append(body, Blank(inner))
		for i := range below {
			var l strings.Builder
			for _, c := range cols {
				if i < len(c.lines) {
					l.WriteString(c.lines[i])
				} else {
					l.WriteString(Blank(c.w))
				}
			}
			body = append(body, l.String())
		}
	}
	for len(body) < rows-1 {
		body = append(body, Blank(inner))
	}
	body = append(body[:rows-1], NewLine(inner).Add(th.Muted, d.Hint).String())
	title := Clean(d.Symbol)
	note := strconv.Itoa(len(d.Bars)) + " closed bars"
	return Box(th, title, note, true, w, h, body)
}

// detailInfo is the quote and the position, lines of w cells.
func detailInfo(th *theme.Theme, s *engine.Snapshot, d *Detail, w int) []string {
	var out []string
	add := func(l *Line) { out = append(out, l.String()) }
	add(NewLine(w).Add(th.Header, "QUOTE"))
	var q engine.Quote
	if d.Row != nil {
		q = d.Row.Quote
	}
	switch {
	case d.NoQuote:
		add(NewLine(w).Add(th.Warn, "no quote: over the market-data line budget"))
	case q.At.IsZero():
		add(NewLine(w).Add(th.Muted, "no quote yet"))
	default:
		add(NewLine(w).Add(th.Muted, "Bid ").Add(th.Normal, Price(q.Bid)).Add(th.Muted, "  Ask ").Add(th.Normal, Price(q.Ask)).
			Add(th.Muted, "  Last ").Add(th.Bold, Price(q.Last)))
		chg := "—"
		if q.PrevClose > 0 && q.Last > 0 {
			chg = Signed(q.Change) + " (" + Pct(q.ChangePct) + ")"
		}
		add(NewLine(w).Add(th.Muted, "Chg ").Add(SignPaint(th, q.Change), chg).Add(th.Muted, "  Prev ").Add(th.Normal, Price(q.PrevClose)))
		add(NewLine(w).Add(th.Muted, "Vol ").Add(th.Normal, Volume(q.Volume)).Add(th.Muted, "  at "+q.At.In(Zone(s)).Format("15:04:05")))
	}
	out = append(out, Blank(w))
	title := "POSITION"
	if d.Book != nil {
		title += " " + Clean(d.Book.Account)
	}
	add(NewLine(w).Add(th.Header, title))
	var pos *account.Position
	if d.Book != nil {
		if i := slices.IndexFunc(d.Book.Positions, func(p account.Position) bool { return p.Symbol == d.Symbol }); i >= 0 {
			pos = &d.Book.Positions[i]
		}
	}
	switch {
	case d.Book == nil:
		add(NewLine(w).Add(th.Muted, "no account data yet"))
	case pos == nil:
		add(NewLine(w).Add(th.Muted, "no position"))
	default:
		add(NewLine(w).Add(th.Muted, "Qty ").Add(SignPaint(th, pos.Qty), Qty(pos.Qty)).Add(th.Muted, " @ ").Add(th.Normal, Price(pos.AvgCost)).
			Add(th.Muted, "  Value ").Add(th.Normal, Money(pos.MarketValue)))
		add(NewLine(w).Add(th.Muted, "Unrl ").Add(SignPaint(th, pos.UnrealizedPnL), Signed(pos.UnrealizedPnL)).
			Add(th.Muted, "  Day ").Add(SignPaint(th, pos.DailyPnL), Signed(pos.DailyPnL)))
	}
	return out
}

// detailSignal is the strategy's view of the symbol and the chart's legend.
func detailSignal(th *theme.Theme, d *Detail, w int) []string {
	var out []string
	add := func(l *Line) { out = append(out, l.String()) }
	add(NewLine(w).Add(th.Header, "SIGNAL"))
	if r := d.Row; r != nil {
		sig := r.Signal
		if sig == "" {
			sig = "—"
		}
		add(NewLine(w).Add(th.Signal(r.Signal), sig).Add(th.Muted, "  fast ").Add(relationPaint(th, r.Relation), Price(r.Fast)).
			Add(th.Muted, "  slow ").Add(th.Normal, Price(r.Slow)))
		add(NewLine(w).Add(statusPaint(th, r.Status), r.Status).Add(th.Muted, "  "+strconv.Itoa(r.Bars)+" bars"))
	} else {
		add(NewLine(w).Add(th.Muted, "not on the watchlist"))
	}
	add(NewLine(w).Add(th.Accent, string(markFast)).Add(th.Muted, " fast  ").Add(th.Orange, string(markSlow)).Add(th.Muted, " slow  ").
		Add(th.BoldGood, string(markBuy)).Add(th.Muted, " buy  ").Add(th.BoldBad, string(markSell)).Add(th.Muted, " sell"))
	return out
}

// detailSignalsShown bounds the crosses listed.
const detailSignalsShown = 8

// detailSignals lists the newest crosses in the bars held.
func detailSignals(th *theme.Theme, s *engine.Snapshot, d *Detail, w int) []string {
	out := []string{NewLine(w).Add(th.Header, "LAST CROSSES").String()}
	loc := Zone(s)
	for i := len(d.Recs) - 1; i >= 0 && len(out) <= detailSignalsShown; i-- {
		r := &d.Recs[i]
		if r.Signal != "BUY" && r.Signal != "SELL" {
			continue
		}
		out = append(out, NewLine(w).Add(th.Muted, r.BarTime.In(loc).Format("01-02 15:04")+" ").Add(th.Signal(r.Signal), Pad(r.Signal, 5)).
			Add(th.Normal, PadLeft(Price(r.Price), 10)).String())
	}
	if len(out) == 1 {
		out = append(out, NewLine(w).Add(th.Muted, "none in the bars held").String())
	}
	return out
}

// detailLastShown bounds the signals listed under each strategy's figures.
const detailLastShown = 5

// detailPerformance is how each strategy has done on the bars held: its
// signals, hit rate and average move after the horizon, and the moves of
// its last signals; nothing before the figures are read.
func detailPerformance(th *theme.Theme, d *Detail, w int) []string {
	if len(d.Perf) == 0 {
		return nil
	}
	const figures = 4 + 6 + 8 // SIG, HIT, AVG+N
	nameW := max(0, w-figures)
	out := []string{NewLine(w).Add(th.Header, Pad("PERFORMANCE", nameW)).
		Add(th.Muted, PadLeft("SIG", 4)+PadLeft("HIT", 6)+PadLeft("AVG+"+strconv.Itoa(d.Perf[0].Horizon), 8)).String()}
	for i := range d.Perf {
		p := &d.Perf[i]
		hit, avg := "—", "—"
		if p.Judged > 0 {
			hit = strconv.Itoa(int(100*p.HitRate+0.5)) + "%"
			avg = Pct(100 * p.AvgMove)
		}
		out = append(out, NewLine(w).Add(th.Normal, Pad(Clean(p.Strategy), nameW)).Add(th.Normal, PadLeft(strconv.Itoa(p.Signals), 4)).
			Add(th.Normal, PadLeft(hit, 6)).Add(SignPaint(th, p.AvgMove), PadLeft(avg, 8)).String())
		l := NewLine(w).Add(th.Muted, "  ")
		if len(p.Last) == 0 {
			l.Add(th.Muted, "no signals in the bars held")
		}
		// The newest that fit, oldest first; an unjudged one waits for its bars.
		last := p.Last[max(0, len(p.Last)-detailLastShown):]
		for len(last) > 0 && outcomesWidth(last) > l.Room() {
			last = last[1:]
		}
		for k, o := range last {
			if k > 0 {
				l.Add(th.Muted, " ")
			}
			mark, paint := string(markBuy), th.BoldGood
			if o.Action == signal.Sell {
				mark, paint = string(markSell), th.BoldBad
			}
			l.Add(paint, mark)
			if o.Judged {
				l.Add(SignPaint(th, o.Move), Pct(100*o.Move))
			} else {
				l.Add(th.Muted, "…")
			}
		}
		out = append(out, l.String())
	}
	return out
}

// outcomesWidth is the cells detailPerformance's list of os takes.
func outcomesWidth(os []signal.Outcome) int {
	w := len(os) - 1
	for _, o := range os {
		w++ // the mark
		if o.Judged {
			w += Width(Pct(100 * o.Move))
		} else {
			w++
		}
	}
	return w
}
