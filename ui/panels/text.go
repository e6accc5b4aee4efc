package panels

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/robotui/robotui/ui/theme"
)

// Line builds one line of exactly max cells from painted segments; text that
// does not fit is cut with an ellipsis.
type Line struct {
	b   strings.Builder
	w   int
	max int
}

// NewLine starts a line of max cells.
func NewLine(max int) *Line {
	l := &Line{max: max}
	l.b.Grow(2*max + 32) // room for a few colour sequences
	return l
}

// Add appends s, cleaned and cut to the room left, in paint p.
func (l *Line) Add(p theme.Paint, s string) *Line {
	room := l.max - l.w
	if room <= 0 || s == "" {
		return l
	}
	s, w := Fit(Clean(s), room)
	p.WriteTo(&l.b, s)
	l.w += w
	return l
}

// Space appends n blanks, as far as there is room.
func (l *Line) Space(n int) *Line {
	n = min(n, l.max-l.w)
	if n > 0 {
		l.b.WriteString(Blank(n))
		l.w += n
	}
	return l
}

// Width is the number of cells written so far.
func (l *Line) Width() int { return l.w }

// Room is the number of cells still free.
func (l *Line) Room() int { return l.max - l.w }

// String is the line padded with blanks to its full width.
func (l *Line) String() string {
	if l.w < l.max {
		l.b.WriteString(Blank(l.max - l.w))
		l.w = l.max
	}
	return l.b.String()
}

var spaces = strings.Repeat(" ", 512)

// Blank is a line of n spaces.
func Blank(n int) string {
	switch {
	case n <= 0:
		return ""
	case n <= len(spaces):
		return spaces[:n]
	}
	return strings.Repeat(" ", n)
}

// Clean makes outside text safe for one terminal line: control characters
// and line separators become spaces (an escape sequence could otherwise
// restyle or move the screen), invisible format characters are dropped and
// invalid UTF-8 becomes "?".
func Clean(s string) string {
	if isPrintableASCII(s) || !needsCleaning(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case invalidAt(s, i, r):
			b.WriteByte('?')
		case unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp):
			b.WriteByte(' ')
		case unicode.Is(unicode.Cf, r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsCleaning(s string) bool {
	for i, r := range s {
		if invalidAt(s, i, r) || unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Cf) {
			return true
		}
	}
	return false
}

// invalidAt tells a decoding error from a genuine U+FFFD in the text.
func invalidAt(s string, i int, r rune) bool {
	return r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD")
}

// Width is the number of cells s takes (s must be clean).
func Width(s string) int {
	if n, ok := narrowWidth(s); ok {
		return n
	}
	return lipgloss.Width(s)
}

// narrowWidth counts the cells of text made only of runes known to take one
// cell each (ASCII, Latin, the punctuation, arrows, box drawing and blocks
// the panels use), sparing the full grapheme measurement on the hot path.
func narrowWidth(s string) (int, bool) {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x20 && r <= 0x7e, r >= 0xa0 && r <= 0x2ff,
			r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205e,
			r >= 0x2190 && r <= 0x21ff, r >= 0x2500 && r <= 0x25fc: // U+25FD, U+25FE are wide emoji
			n++
		default:
			return 0, false
		}
	}
	return n, true
}

// Fit cuts clean text s to at most n cells, ending in "…" when cut, and
// returns it with its width.
func Fit(s string, n int) (string, int) {
	if n <= 0 {
		return "", 0
	}
	if isPrintableASCII(s) {
		if len(s) <= n {
			return s, len(s)
		}
		return s[:n-1] + "…", n
	}
	if w := Width(s); w <= n {
		return s, w
	}
	// The longest rune prefix of at most n-1 cells, found by bisection.
	bounds := make([]int, 0, len(s))
	for i := range s {
		bounds = append(bounds, i)
	}
	lo, hi := 0, len(bounds)-1 // bounds[0] (the empty prefix) always fits
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if Width(s[:bounds[mid]]) <= n-1 {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	out := s[:bounds[lo]] + "…"
	return out, Width(out)
}

// Pad cuts or pads clean s to exactly n cells, text to the left.
func Pad(s string, n int) string {
	s, w := Fit(s, n)
	return s + Blank(n-w)
}

// PadLeft cuts or pads clean s to exactly n cells, text to the right.
func PadLeft(s string, n int) string {
	s, w := Fit(s, n)
	return Blank(n-w) + s
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}
