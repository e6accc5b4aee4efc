package panels

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/theme"
)

// Table is what the signals table shows besides the snapshot.
type Table struct {
	Order   []int  // indexes into Snapshot.Symbols in display order
	Cursor  int    // position in Order of the selected row
	Offset  int    // position in Order of the first visible row
	Focused bool   // the table has the keyboard
	SortBy  string // SortSymbol, SortSignal or SortCross
}

// The sort orders, as the table's note names them; the column of the one in
// use is marked.
const (
	SortSymbol = "symbol"
	SortSignal = "signal"
	SortCross  = "last cross"
)

// TableRows is how many data rows fit a table of height h.
func TableRows(h int) int { return max(0, h-3) }

type columns struct {
	symbol, num, signal, since, bars, status int
	quote, chg, vol                          int      // 0: the quote's columns left out for lack of room
	kinds                                    []string // a column each, when some symbol has more than one strategy
}

// strategyWidth is a strategy column's: "SELL 23h59m", the longest Age.
const strategyWidth = 11

func layoutColumns(inner int) columns {
	// The signal column holds "SIGNAL▾" when the table is sorted by it.
	c := columns{symbol: 8, num: 9, signal: 7, since: 10, bars: 5}
	switch {
	case inner >= 160:
		c = columns{symbol: 10, num: 12, signal: 7, since: 12, bars: 6, quote: 12, chg: 8, vol: 8}
	case inner >= 110:
		c.quote, c.chg, c.vol = 9, 7, 7
	case inner >= 100:
		c = columns{symbol: 10, num: 12, signal: 7, since: 12, bars: 6}
	}
	used := 2 + c.symbol + 3*c.num + c.signal + c.since + c.bars + 7
	if c.quote > 0 {
		used += 2*c.quote + c.chg + c.vol + 4
	}
	c.status = max(0, inner-used)
	return c
}

// withStrategies adds a column per strategy kind in use, as many as leave
// the status column 12 cells. When every symbol's main strategy is of one
// kind, SIGNAL and SINCE already show it: that kind gets no column.
func (c columns) withStrategies(s *engine.Snapshot) columns {
	var kinds, mains []string
	many := false
	for i := range s.Symbols {
		st := s.Symbols[i].Strategies
		many = many || len(st) > 1
		for j, x := range st {
			if !slices.Contains(kinds, x.Strategy) {
				kinds = append(kinds, x.Strategy)
			}
			if j == 0 && !slices.Contains(mains, x.Strategy) {
				mains = append(mains, x.Strategy)
			}
		}
	}
	if !many {
		return c
	}
	for _, k := range kinds {
		if len(mains) == 1 && k == mains[0] {
			continue
		}
		if c.status-strategyWidth-1 < 12 {
			break
		}
		c.kinds = append(c.kinds, k)
		c.status -= strategyWidth + 1
	}
	return c
}

// strategyCell is a strategy's standing on the row: its last BUY or SELL
// with its age, HOLD before its first, blank when it does not judge the symbol.
func strategyCell(s *engine.Snapshot, r *engine.SymbolRow, kind string) string {
	for _, st := range r.Strategies {
		if st.Strategy != kind {
			continue
		}
		if st.LastCross == "" {
			return cmp.Or(st.Signal, "—")
		}
		return st.LastCross + " " + Age(s.At.Sub(st.Since))
	}
	return ""
}

// Signals renders the table box, h lines of w cells; only visible rows are built.
func Signals(th *theme.Theme, s *engine.Snapshot, t Table, w, h int) []string {
	inner := Inner(w)
	c := layoutColumns(inner).withStrategies(s)
	body := make([]string, 0, max(0, h-2))
	body = append(body, columnHeader(th, c, t.SortBy, inner))
	rows := TableRows(h)
	for i := t.Offset; i < len(t.Order) && i < t.Offset+rows; i++ {
		sym := &s.Symbols[t.Order[i]]
		body = append(body, symbolRow(th, s, sym, c, inner, i == t.Cursor, t.Focused))
	}
	if len(t.Order) == 0 {
		body = append(body, NewLine(inner).Add(th.Muted, "no symbols").String())
	}
	note := ""
	if n := len(t.Order); n > 0 {
		note = strconv.Itoa(t.Cursor+1) + "/" + strconv.Itoa(n) + " · sort " + t.SortBy
	}
	if n := len(s.NoQuotes); n > 0 { // the market-data line budget is spent
		note += " · " + strconv.Itoa(n) + " without quotes: over the line budget"
	}
	return Box(th, "Signals", note, t.Focused, w, h, body)
}

func columnHeader(th *theme.Theme, c columns, sortBy string, inner int) string {
	mark := func(name, key string) string {
		if sortBy == key {
			return name + "▾"
		}
		return name
	}
	var b strings.Builder
	b.WriteString("  ")
	b.WriteString(Pad(mark("SYMBOL", SortSymbol), c.symbol) + " ")
	if c.quote > 0 {
		b.WriteString(PadLeft("BID", c.quote) + " ")
		b.WriteString(PadLeft("ASK", c.quote) + " ")
	}
	b.WriteString(PadLeft("LAST", c.num) + " ")
	if c.quote > 0 {
		b.WriteString(PadLeft("CHG%", c.chg) + " ")
		b.WriteString(PadLeft("VOL", c.vol) + " ")
	}
	b.WriteString(PadLeft("FAST", c.num) + " ")
	b.WriteString(PadLeft("SLOW", c.num) + " ")
	b.WriteString(Pad(mark("SIGNAL", SortSignal), c.signal) + " ")
	b.WriteString(Pad(mark("SINCE", SortCross), c.since) + " ")
	b.WriteString(PadLeft("BARS", c.bars) + " ")
	for _, k := range c.kinds {
		b.WriteString(Pad(strings.ToUpper(k), strategyWidth) + " ")
	}
	b.WriteString("STATUS")
	return NewLine(inner).Add(th.Header, b.String()).String()
}

func symbolRow(th *theme.Theme, s *engine.Snapshot, r *engine.SymbolRow, c columns, inner int, selected, focused bool) string {
	signal := r.Signal
	if signal == "" {
		signal = "—"
	}
	since := "—"
	if r.LastCross != "" {
		since = r.LastCross
		if !r.Since.IsZero() {
			since += " " + Age(s.At.Sub(r.Since))
		}
	}
	status := r.Status
	if r.Detail != "" {
		status += ": " + r.Detail
	}
	q := &r.Quote
	last := r.Last
	if q.Last > 0 { // the live trade is newer than the last bar's close
		last = q.Last
	}
	cells := [...]string{
		Pad(Clean(r.Symbol), c.symbol),
		PadLeft(Price(last), c.num),
		PadLeft(Price(r.Fast), c.num),
		PadLeft(Price(r.Slow), c.num),
		Pad(signal, c.signal),
		Pad(since, c.since),
		PadLeft(strconv.Itoa(r.Bars), c.bars),
	}
	chg := "—"
	if q.PrevClose > 0 && q.Last > 0 {
		chg = Pct(q.ChangePct)
	}
	qcells := [...]string{PadLeft(Price(q.Bid), c.quote), PadLeft(Price(q.Ask), c.quote),
		PadLeft(chg, c.chg), PadLeft(Volume(q.Volume), c.vol)}
	l := NewLine(inner)
	if selected {
		// One paint for the whole row: inner colours would cut the highlight.
		p := th.SelectedBlur
		if focused {
			p = th.Selected
		}
		var b strings.Builder
		b.WriteString("▸ ")
		for i, cell := range cells {
			if c.quote > 0 && i == 1 {
				b.WriteString(qcells[0] + " " + qcells[1] + " ")
			}
			b.WriteString(cell)
			b.WriteByte(' ')
			if c.quote > 0 && i == 1 {
				b.WriteString(qcells[2] + " " + qcells[3] + " ")
			}
		}
		for _, k := range c.kinds {
			b.WriteString(Pad(strategyCell(s, r, k), strategyWidth) + " ")
		}
		b.WriteString(Pad(Clean(status), c.status))
		return l.Add(p, b.String()).String()
	}
	l.Space(2)
	l.Add(th.Bold, cells[0]).Space(1)
	if c.quote > 0 {
		l.Add(th.Normal, qcells[0]).Space(1)
		l.Add(th.Normal, qcells[1]).Space(1)
	}
	l.Add(th.Normal, cells[1]).Space(1)
	if c.quote > 0 {
		l.Add(SignPaint(th, q.Change), qcells[2]).Space(1)
		l.Add(th.Muted, qcells[3]).Space(1)
	}
	l.Add(relationPaint(th, r.Relation), cells[2]).Space(1)
	l.Add(th.Normal, cells[3]).Space(1)
	sigPaint := th.Muted
	switch r.Signal {
	case "BUY":
		sigPaint = th.BoldGood
	case "SELL":
		sigPaint = th.BoldBad
	}
	l.Add(sigPaint, cells[4]).Space(1)
	l.Add(th.Signal(r.LastCross), cells[5]).Space(1)
	l.Add(th.Normal, cells[6]).Space(1)
	for _, k := range c.kinds {
		cell := strategyCell(s, r, k)
		cross, _, _ := strings.Cut(cell, " ")
		l.Add(th.Signal(cross), Pad(cell, strategyWidth)).Space(1)
	}
	l.Add(statusPaint(th, r.Status), status)
	return l.String()
}

func relationPaint(th *theme.Theme, rel string) theme.Paint {
	switch rel {
	case "above":
		return th.Good
	case "below":
		return th.Bad
	}
	return th.Normal
}

func statusPaint(th *theme.Theme, status string) theme.Paint {
	switch status {
	case "live":
		return th.Good
	case "queued", "backfilling", "recovering":
		return th.Warn
	case "stale":
		return th.Orange
	case "error", engine.StatusSilent:
		return th.Bad
	}
	return th.Muted
}
