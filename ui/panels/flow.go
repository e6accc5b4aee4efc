package panels

import (
	"strings"

	"github.com/robotui/robotui/ui/theme"
)

// Field is one labelled value of a panel; Flow packs fields into lines.
type Field struct {
	Label string
	Value string
	Paint theme.Paint // the value's paint
}

// Flow packs fields into at most n lines of w cells, two blanks apart,
// never splitting a field; fields that do not fit are left out (put the
// important ones first). It also reports how many fields were placed.
func Flow(th *theme.Theme, fields []Field, w, n int) ([]string, int) {
	var out []string
	l := NewLine(w)
	placed := 0
	for _, f := range fields {
		fw := Width(f.Label) + 1 + Width(Clean(f.Value))
		if f.Label == "" {
			fw--
		}
		gap := 0
		if l.Width() > 0 {
			gap = 2
		}
		if gap+fw > l.Room() && l.Width() > 0 {
			if len(out)+1 >= n {
				break
			}
			out = append(out, l.String())
			l, gap = NewLine(w), 0
		}
		l.Space(gap)
		if f.Label != "" {
			l.Add(th.Muted, f.Label+" ")
		}
		l.Add(f.Paint, f.Value)
		placed++
	}
	if l.Width() > 0 || len(out) == 0 {
		out = append(out, l.String())
	}
	return out, placed
}

// Wrap breaks clean text at spaces into at most n lines of w cells; the
// last line is cut with an ellipsis if the text goes on, and so is a single
// word longer than a line.
func Wrap(s string, w, n int) []string {
	if w <= 0 || n <= 0 {
		return nil
	}
	words := strings.Fields(s)
	var out []string
	for len(words) > 0 {
		if len(out) == n-1 {
			t, _ := Fit(strings.Join(words, " "), w)
			return append(out, t)
		}
		line, k := words[0], 1
		for k < len(words) && Width(line)+1+Width(words[k]) <= w {
			line += " " + words[k]
			k++
		}
		t, _ := Fit(line, w)
		out = append(out, t)
		words = words[k:]
	}
	return out
}
