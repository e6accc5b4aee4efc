package panels

import (
	"slices"
	"strconv"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/account"
	"github.com/robotui/robotui/ui/theme"
)

// Detail is what a symbol's detail view shows besides the snapshot.
type Detail struct {
	Row     *engine.SymbolRow // nil when the symbol left the watchlist
	Symbol  string
	Bars    []engine.Bar
	Recs    []engine.SignalRecord // parallel to Bars
	Book    *account.Book         // the account shown; nil without account data
	NoQuote bool                  // the symbol is over the market-data line budget
	Hint    string                // the keys line
}

// detailSide is the width of the information column beside a wide chart.
const detailSide = 44

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
		// signal and the crosses at the right.
		half := inner / 2
		left := detailInfo(th, s, &d, half)
		right := append(detailSignal(th, &d, inner-half), Blank(inner-half))
		right = append(right, detailSignals(th, s, &d, inner-half)...)
		below := max(len(left), len(right))
		chartH := rows - 1 - below - 1
		if chartH < 6 { // too short for a chart above all that: the chart first
			chartH = min(rows-1, max(6, (rows-1)/2))
			below = max(0, rows-1-chartH-1)
		}
		body = append(body, Chart(th, d.Bars, d.Recs, Zone(s), inner, chartH)...)
		body = append(body, Blank(inner))
		for i := range below {
			a, b := Blank(half), Blank(inner-half)
			if i < len(left) {
				a = left[i]
			}
			if i < len(right) {
				b = right[i]
			}
			body = append(body, a+b)
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
