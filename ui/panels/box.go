package panels

import (
	"strings"

	"github.com/robotui/robotui/ui/theme"
)

type borderSet struct{ tl, tr, bl, br, h, v string }

var (
	rounded = borderSet{"╭", "╮", "╰", "╯", "─", "│"}
	heavy   = borderSet{"┏", "┓", "┗", "┛", "━", "┃"} // the focused panel: visible without colour too
)

// Inner is the text width inside a box of width w.
func Inner(w int) int { return max(0, w-4) }

// Box frames body lines (each exactly Inner(w) cells, e.g. from Line) in a
// border with the title in its top edge and note at the right of it,
// returning exactly h lines of w cells. Missing body lines are blank; extra
// ones are dropped.
func Box(th *theme.Theme, title, note string, focused bool, w, h int, body []string) []string {
	if h <= 0 || w <= 0 {
		return nil
	}
	if w < 4 || h < 2 {
		out := make([]string, h)
		for i := range out {
			out[i] = Blank(w)
		}
		return out
	}
	bs, bp, tp := rounded, th.Border, th.Title
	if focused {
		bs, bp, tp = heavy, th.BorderFocus, th.TitleFocus
	}
	out := make([]string, 0, h)
	out = append(out, topEdge(bs, bp, tp, th.Muted, title, note, w))
	inner := Inner(w)
	side := bp.S(bs.v)
	blank := Blank(inner)
	for i := 0; i < h-2; i++ {
		line := blank
		if i < len(body) {
			line = body[i]
		}
		out = append(out, side+" "+line+" "+side)
	}
	out = append(out, bp.S(bs.bl+strings.Repeat(bs.h, w-2)+bs.br))
	return out
}

// topEdge is "╭─ Title ── note ─╮" cut to w cells.
func topEdge(bs borderSet, bp, tp, np theme.Paint, title, note string, w int) string {
	room := w - 2 // between the corners
	var b strings.Builder
	b.WriteString(bp.S(bs.tl + bs.h))
	used := 1
	if title != "" && room-used >= 4 {
		t, tw := Fit(Clean(title), room-used-2)
		b.WriteString(" " + tp.S(t) + " ")
		used += tw + 2
	}
	var tail string
	if note != "" && room-used >= 6 {
		n, nw := Fit(Clean(note), room-used-4)
		fill := room - used - nw - 3
		tail = bp.S(strings.Repeat(bs.h, fill)) + " " + np.S(n) + " " + bp.S(bs.h)
		used = room
	}
	b.WriteString(bp.S(strings.Repeat(bs.h, room-used)))
	b.WriteString(tail)
	b.WriteString(bp.S(bs.tr))
	return b.String()
}
