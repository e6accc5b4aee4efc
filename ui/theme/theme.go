// Package theme holds the console's colours and styles: a palette of
// adaptive colours (one value for dark terminals, one for light) and the
// styles built from it once, at start-up.
//
// It must never detect the terminal itself: the caller decides the colour
// profile and background before building a Theme, so rendering stays pure.
package theme

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/robotui/robotui/conn"
)

// Palette is every colour the console uses.
type Palette struct {
	Muted, Dim, Accent, Good, Warn, Orange, Bad, Border, SelectedBg, SelectedFg lipgloss.AdaptiveColor
}

// DefaultPalette reads well on both dark and light terminals.
func DefaultPalette() Palette {
	return Palette{
		Muted:      lipgloss.AdaptiveColor{Light: "#57606a", Dark: "#8b949e"},
		Dim:        lipgloss.AdaptiveColor{Light: "#afb8c1", Dark: "#484f58"},
		Accent:     lipgloss.AdaptiveColor{Light: "#0969da", Dark: "#58a6ff"},
		Good:       lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#3fb950"},
		Warn:       lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#d29922"},
		Orange:     lipgloss.AdaptiveColor{Light: "#bc4c00", Dark: "#f0883e"},
		Bad:        lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#f85149"},
		Border:     lipgloss.AdaptiveColor{Light: "#d0d7de", Dark: "#30363d"},
		SelectedBg: lipgloss.AdaptiveColor{Light: "#ddf4ff", Dark: "#1f6feb"},
		SelectedFg: lipgloss.AdaptiveColor{Light: "#0a3069", Dark: "#ffffff"},
	}
}

// Paint wraps text in the escape sequences of one style. Splitting a style
// into prefix and suffix once makes painting a concatenation, which keeps
// rendering 100 rows far under a millisecond.
type Paint struct {
	pre, post string
}

// S paints s. The zero Paint leaves s as it is.
func (p Paint) S(s string) string {
	if p.pre == "" && p.post == "" {
		return s
	}
	return p.pre + s + p.post
}

// WriteTo writes s painted into b without building an intermediate string.
func (p Paint) WriteTo(b *strings.Builder, s string) {
	b.WriteString(p.pre)
	b.WriteString(s)
	b.WriteString(p.post)
}

// Plain reports whether the paint adds nothing.
func (p Paint) Plain() bool { return p.pre == "" && p.post == "" }

const marker = "\uE000" // a private-use rune no style changes

// PaintOf splits what style adds around a text into a Paint. Use it for
// colours and text attributes only: layout (padding, widths, borders) would
// be repeated around every painted text.
func PaintOf(style lipgloss.Style) Paint {
	pre, post, ok := strings.Cut(style.Render(marker), marker)
	if !ok {
		panic("theme: style cannot be split into a paint")
	}
	return Paint{pre: pre, post: post}
}

// Theme is the set of paints the panels use.
type Theme struct {
	// Plain is true when the profile shows no colours or attributes at all
	// (NO_COLOR, a dumb terminal): text alone must then carry every meaning.
	Plain bool

	Normal, Bold, Muted, Dim, Accent, Title, TitleFocus Paint
	Good, Warn, Orange, Bad, BoldGood, BoldBad          Paint
	Border, BorderFocus, Selected, SelectedBlur         Paint
	Key, Header                                         Paint
}

// New builds the theme for the renderer's colour profile and background.
func New(r *lipgloss.Renderer, p Palette) *Theme {
	st := r.NewStyle
	fg := func(c lipgloss.AdaptiveColor) Paint { return PaintOf(st().Foreground(c)) }
	return &Theme{
		Plain:        r.ColorProfile() == termenv.Ascii,
		Bold:         PaintOf(st().Bold(true)),
		Muted:        fg(p.Muted),
		Dim:          fg(p.Dim),
		Accent:       fg(p.Accent),
		Title:        PaintOf(st().Bold(true)),
		TitleFocus:   PaintOf(st().Bold(true).Foreground(p.Accent)),
		Good:         fg(p.Good),
		Warn:         fg(p.Warn),
		Orange:       fg(p.Orange),
		Bad:          fg(p.Bad),
		BoldGood:     PaintOf(st().Bold(true).Foreground(p.Good)),
		BoldBad:      PaintOf(st().Bold(true).Foreground(p.Bad)),
		Border:       fg(p.Border),
		BorderFocus:  fg(p.Accent),
		Selected:     PaintOf(st().Background(p.SelectedBg).Foreground(p.SelectedFg).Bold(true)),
		SelectedBlur: PaintOf(st().Bold(true)),
		Key:          PaintOf(st().Bold(true).Foreground(p.Accent)),
		Header:       PaintOf(st().Bold(true).Foreground(p.Muted)),
	}
}

// State paints a session state: ready green, degraded yellow, on the way
// back orange, down red.
func (t *Theme) State(state conn.State) Paint {
	switch state {
	case conn.Ready:
		return t.BoldGood
	case conn.Degraded:
		return t.Warn
	case conn.Backoff, conn.Connecting, conn.Handshaking:
		return t.Orange
	case conn.Disconnected, conn.Closed:
		return t.BoldBad
	}
	return t.Muted
}

// Signal paints BUY green and SELL red.
func (t *Theme) Signal(signal string) Paint {
	switch signal {
	case "BUY":
		return t.Good
	case "SELL":
		return t.Bad
	}
	return t.Muted
}
