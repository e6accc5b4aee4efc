package panels

import (
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/theme"
)

// ModalWidth is the width of a dialog in a body w cells wide.
func ModalWidth(w int) int {
	return min(w, max(72, min(110, w*3/4)))
}

// Modal centres a dialog box in a w×h area: content scrolled by off lines,
// hint pinned as the last line. It returns h lines of w cells and the offset
// actually used (clamped to the content).
func Modal(th *theme.Theme, title string, content []string, hint string, off, w, h int) ([]string, int) {
	mw := ModalWidth(w)
	inner := Inner(mw)
	view := max(0, h-2-2) // borders, the blank line and the hint
	off = min(max(0, off), max(0, len(content)-view))
	shown := content[off:min(len(content), off+view)]
	body := make([]string, 0, len(shown)+2)
	body = append(body, shown...)
	body = append(body, Blank(inner), NewLine(inner).Add(th.Muted, hint).String())
	note := ""
	if len(content) > view {
		note = strconv.Itoa(off+1) + "-" + strconv.Itoa(off+len(shown)) + " of " + strconv.Itoa(len(content)) + " · ↑/↓ scroll"
	}
	mh := min(h, len(body)+2)
	box := Box(th, title, note, true, mw, mh, body)

	out := make([]string, 0, h)
	top := (h - mh) / 2
	left := (w - mw) / 2
	blank := Blank(w)
	for range top {
		out = append(out, blank)
	}
	lpad, rpad := Blank(left), Blank(w-mw-left)
	for _, l := range box {
		out = append(out, lpad+l+rpad)
	}
	for len(out) < h {
		out = append(out, blank)
	}
	return out, off
}

// KillPlanLines lists exactly what a confirmed kill signals and what it
// leaves alone, and why.
func KillPlanLines(th *theme.Theme, p engine.KillPlan, inner int) []string {
	var out []string
	add := func(l *Line) { out = append(out, l.String()) }
	switch {
	case p.Error != "":
		add(NewLine(inner).Add(th.BoldBad, "the socket scan failed: ").Add(th.Bad, p.Error))
		add(NewLine(inner).Add(th.Warn, "nothing is safe to kill until a scan succeeds"))
	case p.Empty():
		add(NewLine(inner).Add(th.Warn, "nothing is safe to kill"))
	default:
		n := len(p.Targets)
		noun := " processes"
		if n == 1 {
			noun = " process"
		}
		add(NewLine(inner).Add(th.Bold, "will signal "+strconv.Itoa(n)+noun+" holding CLOSE_WAIT sockets on the gateway port:"))
		for _, t := range p.Targets {
			l := NewLine(inner).Add(th.Normal, "  ").Add(th.BoldBad, "pid "+strconv.Itoa(t.PID)).
				Add(th.Normal, " "+t.Command)
			if t.User != "" {
				l.Add(th.Muted, " ("+t.User+")")
			}
			switch len(t.Sockets) {
			case 0:
				add(l)
			case 1:
				add(l.Add(th.Muted, " — 1 socket: ").Add(th.Normal, arrow(t.Sockets[0])))
			default:
				add(l.Add(th.Muted, " — "+strconv.Itoa(len(t.Sockets))+" sockets:"))
				for _, s := range t.Sockets {
					add(NewLine(inner).Add(th.Normal, "      "+arrow(s)))
				}
			}
		}
	}
	if len(p.Refused) > 0 {
		add(NewLine(inner))
		add(NewLine(inner).Add(th.Bold, "will NOT signal:"))
		for _, r := range p.Refused {
			l := NewLine(inner).Add(th.Normal, "  ")
			if r.PID > 0 {
				l.Add(th.Normal, "pid "+strconv.Itoa(r.PID)+" "+r.Command)
			} else {
				l.Add(th.Normal, "unknown process")
			}
			if r.Side != "" && !strings.HasPrefix(r.Reason, r.Side+" side") {
				l.Add(th.Muted, " ("+r.Side+" side)")
			}
			if 3+lipgloss.Width(r.Reason) <= l.Room() {
				add(l.Add(th.Muted, " — ").Add(th.Warn, r.Reason))
			} else {
				// Too long for one line: the reason is advice to be read whole, so it wraps.
				add(l)
				for _, w := range Wrap(r.Reason, inner-6, 3) {
					add(NewLine(inner).Add(th.Normal, "      ").Add(th.Warn, w))
				}
			}
			if r.Socket != "" {
				add(NewLine(inner).Add(th.Muted, "      "+arrow(r.Socket)))
			}
		}
	} else if p.Empty() && p.Error == "" {
		add(NewLine(inner).Add(th.Muted, "no zombie sockets are left on the gateway port"))
	}
	return out
}

func arrow(socket string) string {
	return strings.Replace(socket, " -> ", " → ", 1)
}

// PlanningLines is the dialog shown while the dry run is on its way.
func PlanningLines(th *theme.Theme, inner int) []string {
	return []string{NewLine(inner).Add(th.Muted, "finding which processes hold the zombie sockets…").String()}
}

// FaultActive marks a fault menu entry in effect now.
const FaultActive = " ● active"

// FaultLines is the simulator's fault menu with the cursor on one entry;
// the entries in active are marked.
func FaultLines(th *theme.Theme, names, active []string, cursor, inner int) []string {
	out := make([]string, 0, len(names))
	for i, n := range names {
		num := "   "
		if i < 9 {
			num = strconv.Itoa(i+1) + "  "
		}
		mark := ""
		if slices.Contains(active, n) {
			mark = FaultActive
		}
		if i == cursor {
			out = append(out, NewLine(inner).Add(th.Selected, "▸ "+num+Clean(n)+mark).String())
			continue
		}
		out = append(out, NewLine(inner).Add(th.Normal, "  ").Add(th.Key, num).Add(th.Normal, n).Add(th.Warn, mark).String())
	}
	return out
}

// HelpItem is one key in the help: its keys, what it does, and when it
// cannot act right now, why.
type HelpItem struct {
	Key, Desc string
	Enabled   bool
	Why       string
	Keep      bool // the footer drops other items first
}

// HelpGroup is a titled column of the full help.
type HelpGroup struct {
	Title string
	Items []HelpItem
}

// HelpLines is the full help, every key listed, unavailable ones with the reason.
func HelpLines(th *theme.Theme, groups []HelpGroup, inner int) []string {
	keyW := 0
	for _, g := range groups {
		for _, it := range g.Items {
			keyW = max(keyW, Width(Clean(it.Key)))
		}
	}
	var out []string
	for gi, g := range groups {
		if gi > 0 {
			out = append(out, Blank(inner))
		}
		out = append(out, NewLine(inner).Add(th.Header, g.Title).String())
		for _, it := range g.Items {
			l := NewLine(inner).Add(th.Normal, "  ")
			if it.Enabled {
				l.Add(th.Key, Pad(Clean(it.Key), keyW)).Add(th.Normal, "  "+it.Desc)
			} else {
				l.Add(th.Dim, Pad(Clean(it.Key), keyW)+"  "+it.Desc)
				if it.Why != "" {
					l.Add(th.Muted, " — unavailable: "+it.Why)
				}
			}
			out = append(out, l.String())
		}
	}
	return out
}
