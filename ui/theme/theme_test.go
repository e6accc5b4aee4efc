package theme

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/robotui/robotui/conn"
)

func renderer(p termenv.Profile, dark bool) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(&bytes.Buffer{})
	r.SetColorProfile(p)
	r.SetHasDarkBackground(dark)
	return r
}

func TestPaintMatchesLipgloss(t *testing.T) {
	r := renderer(termenv.TrueColor, true)
	style := r.NewStyle().Bold(true).Foreground(lipgloss.Color("#ff0000"))
	p := PaintOf(style)
	for _, s := range []string{"BUY", "a b", "x"} {
		if got, want := p.S(s), style.Render(s); got != want {
			t.Errorf("paint %q = %q, lipgloss gives %q", s, got, want)
		}
	}
	if p.Plain() {
		t.Errorf("a coloured paint claims to be plain")
	}
}

func TestAsciiIsPlain(t *testing.T) {
	th := New(renderer(termenv.Ascii, true), DefaultPalette())
	if !th.Plain {
		t.Errorf("Ascii theme not marked plain")
	}
	for name, p := range map[string]Paint{"good": th.Good, "bad": th.BoldBad, "selected": th.Selected, "border": th.BorderFocus} {
		if !p.Plain() || p.S("x") != "x" {
			t.Errorf("%s adds escapes under Ascii: %q", name, p.S("x"))
		}
	}
}

func TestBackgroundChangesColours(t *testing.T) {
	dark := New(renderer(termenv.TrueColor, true), DefaultPalette())
	light := New(renderer(termenv.TrueColor, false), DefaultPalette())
	if dark.Good.S("x") == light.Good.S("x") {
		t.Errorf("the same green on dark and light backgrounds")
	}
	if !strings.Contains(dark.Good.S("x"), "\x1b[") {
		t.Errorf("no colour on a truecolor terminal")
	}
}

func TestStateAndSignalPaints(t *testing.T) {
	th := New(renderer(termenv.TrueColor, true), DefaultPalette())
	tests := []struct {
		got, want Paint
		name      string
	}{
		{th.State(conn.Ready), th.BoldGood, "ready"},
		{th.State(conn.Degraded), th.Warn, "degraded"},
		{th.State(conn.Backoff), th.Orange, "backoff"},
		{th.State(conn.Connecting), th.Orange, "connecting"},
		{th.State(conn.Handshaking), th.Orange, "handshaking"},
		{th.State(conn.Disconnected), th.BoldBad, "disconnected"},
		{th.State(conn.Closed), th.BoldBad, "closed"},
		{th.State(conn.State(99)), th.Muted, "unknown state"},
		{th.Signal("BUY"), th.Good, "BUY"},
		{th.Signal("SELL"), th.Bad, "SELL"},
		{th.Signal("HOLD"), th.Muted, "HOLD"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: wrong paint", tt.name)
		}
	}
}
