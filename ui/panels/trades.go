package panels

import (
	"strconv"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/account"
	"github.com/robotui/robotui/ui/theme"
)

// ExecutionLines lists the account's executions today, newest first.
func ExecutionLines(th *theme.Theme, s *engine.Snapshot, b *account.Book, inner int) []string {
	if b == nil {
		return []string{NewLine(inner).Add(th.Muted, "no account data yet").String()}
	}
	out := []string{NewLine(inner).Add(th.Header, Pad("TIME", 9)+" "+Pad("SYMBOL", 8)+" "+Pad("SIDE", 4)+" "+PadLeft("QTY", 8)+" "+
		PadLeft("PRICE", 10)+" "+PadLeft("COMM", 8)+" "+Pad("EXCH", 8)+" "+PadLeft("ORDER", 7)+" "+"EXEC ID").String()}
	loc := Zone(s)
	for i := len(b.Executions) - 1; i >= 0; i-- {
		x := &b.Executions[i]
		side, p := string(x.Side), th.Normal
		switch x.Side {
		case account.Bought:
			p = th.Good
		case account.Sold:
			p = th.Bad
		}
		comm := "—"
		if x.Commission != 0 {
			comm = strconv.FormatFloat(x.Commission, 'f', 2, 64)
		}
		l := NewLine(inner).Add(th.Muted, Pad(x.Time.In(loc).Format("15:04:05"), 9)+" ").Add(th.Bold, Pad(Clean(x.Symbol), 8)+" ").
			Add(p, Pad(Clean(side), 4)+" ").Add(th.Normal, PadLeft(Qty(x.Qty), 8)+" "+PadLeft(Price(x.Price), 10)+" "+PadLeft(comm, 8)+" ").
			Add(th.Muted, Pad(Clean(x.Exchange), 8)+" "+PadLeft(strconv.FormatInt(x.OrderID, 10), 7)+" "+Clean(x.ExecID))
		out = append(out, l.String())
	}
	if len(b.Executions) == 0 {
		out = append(out, NewLine(inner).Add(th.Muted, "no executions today").String())
	}
	return out
}

// OrderLines lists the open orders of every client, by order id: shown,
// never changed (robotui places and cancels nothing).
func OrderLines(th *theme.Theme, b *account.Book, inner int) []string {
	if b == nil {
		return []string{NewLine(inner).Add(th.Muted, "no account data yet").String()}
	}
	out := []string{NewLine(inner).Add(th.Header, PadLeft("ORDER", 7)+" "+PadLeft("CLIENT", 6)+" "+Pad("SYMBOL", 8)+" "+Pad("SIDE", 4)+" "+
		Pad("TYPE", 5)+" "+PadLeft("QTY", 8)+" "+PadLeft("FILLED", 8)+" "+PadLeft("LIMIT", 10)+" "+PadLeft("AUX", 10)+" "+Pad("TIF", 4)+" STATUS").String()}
	for i := range b.Orders {
		o := &b.Orders[i]
		p := th.Normal
		switch o.Action {
		case "BUY":
			p = th.Good
		case "SELL":
			p = th.Bad
		}
		l := NewLine(inner).Add(th.Muted, PadLeft(strconv.FormatInt(o.OrderID, 10), 7)+" "+PadLeft(strconv.FormatInt(o.ClientID, 10), 6)+" ").
			Add(th.Bold, Pad(Clean(o.Symbol), 8)+" ").Add(p, Pad(Clean(o.Action), 4)+" ").
			Add(th.Normal, Pad(Clean(o.Type), 5)+" "+PadLeft(Qty(o.Qty), 8)+" "+PadLeft(Qty(o.Filled), 8)+" "+
				PadLeft(Price(o.LmtPrice), 10)+" "+PadLeft(Price(o.AuxPrice), 10)+" "+Pad(Clean(o.TIF), 4)+" ").
			Add(th.Warn, Clean(o.Status))
		out = append(out, l.String())
	}
	if len(b.Orders) == 0 {
		out = append(out, NewLine(inner).Add(th.Muted, "no open orders").String())
	}
	return out
}

// Page is a full-width view of the body: content scrolled by off lines and
// hint pinned as the last line. It returns h lines of w cells and the offset
// actually used (clamped to the content).
func Page(th *theme.Theme, title string, content []string, hint string, off, w, h int) ([]string, int) {
	inner := Inner(w)
	view := max(0, h-2-1) // borders and the hint
	off = min(max(0, off), max(0, len(content)-view))
	body := make([]string, 0, view+1)
	body = append(body, content[off:min(len(content), off+view)]...)
	for len(body) < view {
		body = append(body, Blank(inner))
	}
	body = append(body, NewLine(inner).Add(th.Muted, hint).String())
	note := ""
	if len(content) > view {
		note = strconv.Itoa(off+1) + "-" + strconv.Itoa(min(len(content), off+view)) + " of " + strconv.Itoa(len(content))
	}
	return Box(th, title, note, true, w, h, body), off
}
