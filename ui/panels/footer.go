package panels

import (
	"github.com/robotui/robotui/ui/theme"
)

// Footer is the last line: the status message, if any, then the short help.
// Keys that cannot act right now stay listed, dimmed (in brackets when the
// terminal shows no colour). When the line is short, items are dropped from
// the end, except those marked Keep.
func Footer(th *theme.Theme, items []HelpItem, status string, sp theme.Paint, w int) string {
	const sep = " · "
	kept := 0
	for _, it := range items {
		if it.Keep {
			kept += len(sep) + Width(itemText(th, it))
		}
	}
	l := NewLine(w)
	if status != "" {
		status = Clean(status)
		helpW := shortHelpWidth(th, items)
		room := w - max(min(helpW, w/2), kept+1) - 3 // kept+1: "…" and the kept items
		l.Add(sp, Pad(status, max(1, min(Width(status), room))))
		l.Add(th.Dim, " │ ")
	}
	budget := l.Room() - kept // for the items not kept
	var shown []HelpItem
	dropped := false
	for _, it := range items {
		if it.Keep {
			shown = append(shown, it)
			continue
		}
		need := len(sep) + Width(itemText(th, it))
		if dropped || need > budget-len(sep)-1 { // keep room for " · …"
			if !dropped {
				shown = append(shown, HelpItem{Key: "…"})
			}
			dropped = true
			continue
		}
		budget -= need
		shown = append(shown, it)
	}
	for i, it := range shown {
		if i > 0 {
			l.Add(th.Dim, sep)
		}
		switch {
		case it.Key == "…" && it.Desc == "":
			l.Add(th.Dim, "…")
		case it.Enabled:
			l.Add(th.Key, Clean(it.Key)).Add(th.Muted, " "+it.Desc)
		default:
			l.Add(th.Dim, itemText(th, it))
		}
	}
	return l.String()
}

func itemText(th *theme.Theme, it HelpItem) string {
	t := Clean(it.Key) + " " + it.Desc
	if !it.Enabled && th.Plain {
		return "(" + t + ")"
	}
	return t
}

func shortHelpWidth(th *theme.Theme, items []HelpItem) int {
	w := 0
	for i, it := range items {
		if i > 0 {
			w += 3
		}
		w += Width(itemText(th, it))
	}
	return w
}

// Small is the screen shown when the terminal is below minW×minH: exactly
// h lines of at most w cells.
func Small(th *theme.Theme, title string, w, h, minW, minH int) []string {
	if w <= 0 || h <= 0 {
		return nil
	}
	msg := []struct {
		p theme.Paint
		s string
	}{
		{th.TitleFocus, title},
		{th.Warn, "terminal too small"},
		{th.Normal, itoa(w) + "x" + itoa(h) + ", needs at least " + itoa(minW) + "x" + itoa(minH)},
		{th.Muted, "enlarge the window, or press q to quit"},
	}
	if len(msg) > h {
		msg = msg[1:min(len(msg), 1+h)]
	}
	out := make([]string, 0, h)
	top := (h - len(msg)) / 2
	for range top {
		out = append(out, Blank(w))
	}
	for _, m := range msg {
		s, sw := Fit(m.s, w)
		left := (w - sw) / 2
		out = append(out, Blank(left)+m.p.S(s)+Blank(w-sw-left))
	}
	for len(out) < h {
		out = append(out, Blank(w))
	}
	return out
}
