package panels

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/robotui/robotui/engine/account"
	"github.com/robotui/robotui/ui/theme"
)

// Money is an amount with thousands separators and cents: "1,234,567.89",
// "-12.50"; non-finite values are a dash.
func Money(v float64) string { return money(v, false) }

// Signed is Money with a "+" on gains: P&L figures.
func Signed(v float64) string { return money(v, true) }

// money formats v in one allocation (500 positions have three figures each).
func money(v float64, plus bool) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	var num [32]byte
	digits := strconv.AppendFloat(num[:0], math.Abs(v), 'f', 2, 64)
	intLen := len(digits) - 3 // "1234567" of "1234567.89"
	var out [48]byte
	b := out[:0]
	switch zero := string(digits) == "0.00"; {
	case v < 0 && !zero:
		b = append(b, '-')
	case v > 0 && !zero && plus:
		b = append(b, '+')
	}
	for i := 0; i < intLen; i++ {
		if i > 0 && (intLen-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, digits[i])
	}
	return string(append(b, digits[intLen:]...))
}

// Qty is a position size: whole numbers without decimals, fractions with up
// to four.
func Qty(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// Pct is a percentage with two decimals: "+1.25%", "-0.40%".
func Pct(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	s := strconv.FormatFloat(v, 'f', 2, 64) + "%"
	if v > 0 && s != "0.00%" {
		return "+" + s
	}
	return s
}

// Volume is a compact share count: "950", "12.3k", "4.5M".
func Volume(v float64) string {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	return Count(uint64(v))
}

// SignPaint is green for gains, red for losses, plain for nothing.
func SignPaint(th *theme.Theme, v float64) theme.Paint {
	switch {
	case v > 0.004:
		return th.Good
	case v < -0.004:
		return th.Bad
	}
	return th.Normal
}

// AccountStrip is the one-line account summary: the account shown (of how
// many), NetLiq, cash, buying power, day P&L, unrealized and realized. With
// no account data yet it says so, rather than showing zeros.
func AccountStrip(th *theme.Theme, books []account.Book, idx, w int) string {
	l := NewLine(w)
	if len(books) == 0 {
		l.Space(1).Add(th.Muted, "Account: no account data yet")
		return l.String()
	}
	b := &books[min(max(0, idx), len(books)-1)]
	sum := &b.Summary
	l.Space(1).Add(th.Bold, Clean(b.Account))
	if len(books) > 1 {
		l.Add(th.Muted, " ("+strconv.Itoa(idx+1)+"/"+strconv.Itoa(len(books))+")")
	}
	if b.Stale {
		l.Space(1).Add(th.Orange, "stale")
	}
	gap, bp := "  ", "BuyPwr"
	if w < 130 { // every figure still fits at 120 columns
		gap, bp = " ", "BP"
	}
	field := func(name string, p theme.Paint, text string) {
		l.Add(th.Muted, gap+name+" ").Add(p, text)
	}
	field("NetLiq", th.Bold, Money(sum.NetLiquidation))
	cash := func() {
		field("Cash", th.Normal, Money(sum.Cash))
		field(bp, th.Normal, Money(sum.BuyingPower))
	}
	if w >= 110 {
		cash()
	}
	field("Day", SignPaint(th, sum.DailyPnL), Signed(sum.DailyPnL))
	field("Unrl", SignPaint(th, sum.UnrealizedPnL), Signed(sum.UnrealizedPnL))
	field("Real", SignPaint(th, sum.RealizedPnL), Signed(sum.RealizedPnL))
	if w < 110 { // narrow: the P&L first, cash and buying power as far as they fit
		cash()
	}
	if sum.Currency != "" {
		l.Add(th.Muted, gap+Clean(sum.Currency))
	}
	return l.String()
}

// The positions panel's sort orders, as its note names them.
const (
	PosSortSymbol     = "symbol"
	PosSortValue      = "market value"
	PosSortUnrealized = "unrealized"
	PosSortDay        = "day P&L"
)

// PositionSorts are the positions panel's orders, in the order the key
// cycles through them.
var PositionSorts = [...]string{PosSortSymbol, PosSortValue, PosSortUnrealized, PosSortDay}

// SortPositions returns the indexes of ps in the given order: by symbol
// ascending, else by the figure descending (largest first), ties by symbol.
func SortPositions(ps []account.Position, by string, dst []int) []int {
	dst = dst[:0]
	for i := range ps {
		dst = append(dst, i)
	}
	key := func(p *account.Position) float64 {
		switch by {
		case PosSortValue:
			return math.Abs(p.MarketValue)
		case PosSortUnrealized:
			return p.UnrealizedPnL
		case PosSortDay:
			return p.DailyPnL
		}
		return 0
	}
	slices.SortStableFunc(dst, func(a, b int) int {
		pa, pb := &ps[a], &ps[b]
		if c := cmp.Compare(key(pb), key(pa)); c != 0 {
			return c
		}
		return strings.Compare(pa.Symbol, pb.Symbol)
	})
	return dst
}

// PositionTable is what the positions panel shows besides the book.
type PositionTable struct {
	Order   []int // indexes into Book.Positions in display order
	Cursor  int   // position in Order of the selected row (shown when Focused)
	Offset  int   // position in Order of the first visible row
	Focused bool  // the panel has the keyboard
	SortBy  string
}

// PositionsHeight is the height the panel needs for n positions: borders,
// the column header, the rows and the totals line.
func PositionsHeight(n int) int { return n + 4 }

type posColumns struct{ symbol, qty, num, pct int }

// Positions renders the positions panel: h lines of w cells, visible rows
// only, totals at the bottom.
func Positions(th *theme.Theme, b *account.Book, t PositionTable, w, h int) []string {
	inner := Inner(w)
	c := posColumns{symbol: 8, qty: 8, num: 11, pct: 7}
	if inner >= 150 {
		c = posColumns{symbol: 10, qty: 10, num: 15, pct: 8}
	}
	body := make([]string, 0, max(0, h-2))
	var hb strings.Builder
	hb.WriteString("  " + Pad(markSort("SYMBOL", t.SortBy == PosSortSymbol), c.symbol) + " ")
	hb.WriteString(PadLeft("QTY", c.qty) + " ")
	hb.WriteString(PadLeft("AVG COST", c.num) + " ")
	hb.WriteString(PadLeft("LAST", c.num) + " ")
	hb.WriteString(PadLeft(markSort("MKT VALUE", t.SortBy == PosSortValue), c.num) + " ")
	hb.WriteString(PadLeft(markSort("UNRL P&L", t.SortBy == PosSortUnrealized), c.num) + " ")
	hb.WriteString(PadLeft(markSort("DAY P&L", t.SortBy == PosSortDay), c.num) + " ")
	hb.WriteString(PadLeft("%NLV", c.pct))
	body = append(body, NewLine(inner).Add(th.Header, hb.String()).String())
	rows := max(0, h-4)
	var tot account.Position
	for _, i := range t.Order {
		p := &b.Positions[i]
		tot.MarketValue += p.MarketValue
		tot.UnrealizedPnL += p.UnrealizedPnL
		tot.DailyPnL += p.DailyPnL
		tot.PctNetLiq += p.PctNetLiq
	}
	for i := t.Offset; i < len(t.Order) && i < t.Offset+rows; i++ {
		p := &b.Positions[t.Order[i]]
		if t.Focused && i == t.Cursor {
			body = append(body, NewLine(inner).Add(th.Selected, "▸ "+Pad(Clean(p.Symbol), c.symbol)+" "+PadLeft(Qty(p.Qty), c.qty)+" "+
				PadLeft(Price(p.AvgCost), c.num)+" "+PadLeft(Price(p.MarketPrice), c.num)+" "+PadLeft(Money(p.MarketValue), c.num)+" "+
				PadLeft(Signed(p.UnrealizedPnL), c.num)+" "+PadLeft(Signed(p.DailyPnL), c.num)+" "+
				PadLeft(strconv.FormatFloat(p.PctNetLiq, 'f', 1, 64)+"%", c.pct)).String())
			continue
		}
		l := NewLine(inner).Space(2)
		l.Add(th.Bold, Pad(Clean(p.Symbol), c.symbol)).Space(1)
		right(l, SignPaint(th, p.Qty), Qty(p.Qty), c.qty)
		right(l, th.Normal, Price(p.AvgCost), c.num)
		right(l, th.Normal, Price(p.MarketPrice), c.num)
		right(l, th.Normal, Money(p.MarketValue), c.num)
		right(l, SignPaint(th, p.UnrealizedPnL), Signed(p.UnrealizedPnL), c.num)
		right(l, SignPaint(th, p.DailyPnL), Signed(p.DailyPnL), c.num)
		l.Add(th.Muted, PadLeft(strconv.FormatFloat(p.PctNetLiq, 'f', 1, 64)+"%", c.pct))
		body = append(body, l.String())
	}
	if len(t.Order) == 0 {
		body = append(body, NewLine(inner).Space(2).Add(th.Muted, "no positions").String())
	}
	for len(body) < h-3 {
		body = append(body, Blank(inner))
	}
	l := NewLine(inner).Space(2).Add(th.Header, Pad("TOTAL", c.symbol+1+c.qty+1+c.num+1+c.num)).Space(1)
	l.Add(th.Bold, PadLeft(Money(tot.MarketValue), c.num)).Space(1)
	l.Add(SignPaint(th, tot.UnrealizedPnL), PadLeft(Signed(tot.UnrealizedPnL), c.num)).Space(1)
	l.Add(SignPaint(th, tot.DailyPnL), PadLeft(Signed(tot.DailyPnL), c.num)).Space(1)
	l.Add(th.Muted, PadLeft(strconv.FormatFloat(tot.PctNetLiq, 'f', 1, 64)+"%", c.pct))
	body = append(body, l.String())
	note := ""
	if n := len(t.Order); n > 0 {
		note = strconv.Itoa(n) + " · sort " + t.SortBy
		if rows < n {
			note = strconv.Itoa(t.Offset+1) + "-" + strconv.Itoa(min(n, t.Offset+rows)) + " of " + note
		}
	}
	title := "Positions"
	if b.Stale {
		title += " (stale)"
	}
	return Box(th, title, note, t.Focused, w, h, body)
}

// right adds s right-aligned in n cells and a blank: PadLeft without
// building the padded string (500 rows of them add up).
func right(l *Line, p theme.Paint, s string, n int) {
	if w := Width(s); w < n {
		l.Space(n - w)
	}
	l.Add(p, s).Space(1)
}

func markSort(name string, on bool) string {
	if on {
		return name + "▾"
	}
	return name
}
