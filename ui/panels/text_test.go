package panels

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/robotui/robotui/ui/theme"
)

func plainTheme() *theme.Theme {
	return theme.New(lipgloss.NewRenderer(nil), theme.DefaultPalette()) // no terminal: Ascii
}

func TestClean(t *testing.T) {
	tests := map[string]string{
		"AAPL":                   "AAPL",
		"a\tb\nc\rd":             "a b c d",
		"\x1b[31mred":            " [31mred",
		"bell\x07":               "bell ",
		"bad \xff byte":          "bad ? byte",
		"rtl\u202eoverride":      "rtloverride",
		"ok → fine · ▁█ ×":       "ok → fine · ▁█ ×",
		"keeps \uFFFD as it was": "keeps \uFFFD as it was",
	}
	for in, want := range tests {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFitAndPad(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello", 5, "hello"},
		{"hello", 4, "hel…"},
		{"hello", 1, "…"},
		{"hello", 0, ""},
		{"→→→→", 3, "→→…"},
		{"日本語テキスト", 7, "日本語…"},
		{"日本語", 6, "日本語"},
	}
	for _, tt := range tests {
		got, w := Fit(tt.in, tt.n)
		if got != tt.want || w != lipgloss.Width(got) || w > max(tt.n, 0) {
			t.Errorf("Fit(%q, %d) = %q (%d), want %q", tt.in, tt.n, got, w, tt.want)
		}
		if p := Pad(tt.in, tt.n); lipgloss.Width(p) != max(tt.n, 0) {
			t.Errorf("Pad(%q, %d) is %d wide", tt.in, tt.n, lipgloss.Width(p))
		}
		if p := PadLeft(tt.in, tt.n); lipgloss.Width(p) != max(tt.n, 0) {
			t.Errorf("PadLeft(%q, %d) is %d wide", tt.in, tt.n, lipgloss.Width(p))
		}
	}
}

func TestLineIsExactlyItsWidth(t *testing.T) {
	th := plainTheme()
	for _, w := range []int{0, 1, 5, 20} {
		l := NewLine(w).Add(th.Bold, "a long piece of text").Space(3).Add(th.Muted, "日本語")
		if got := lipgloss.Width(l.String()); got != w {
			t.Errorf("line of %d is %d wide: %q", w, got, l.String())
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in   string
		w, n int
		want []string
	}{
		{"reason EOF: gateway closed the connection", 22, 2, []string{"reason EOF: gateway", "closed the connection"}},
		{"short", 22, 2, []string{"short"}},
		{"one two three four five six seven", 10, 2, []string{"one two", "three fou…"}},
		{"averyveryverylongword next", 8, 3, []string{"averyve…", "next"}},
		{"", 10, 2, nil},
	}
	for _, tt := range tests {
		got := Wrap(tt.in, tt.w, tt.n)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Wrap(%q, %d, %d) = %q, want %q", tt.in, tt.w, tt.n, got, tt.want)
		}
		for _, l := range got {
			if lipgloss.Width(l) > tt.w {
				t.Errorf("wrapped line %q is wider than %d", l, tt.w)
			}
		}
	}
}

func TestFlow(t *testing.T) {
	th := plainTheme()
	fields := []Field{{"rtt", "0.84ms", th.Bold}, {"p50", "0.91ms", th.Normal}, {"p99", "3.10ms", th.Normal}, {"misses", "0/2", th.Normal}}
	lines, placed := Flow(th, fields, 22, 2)
	if placed != 4 || len(lines) != 2 {
		t.Fatalf("placed %d in %d lines: %q", placed, len(lines), lines)
	}
	if strings.TrimRight(lines[0], " ") != "rtt 0.84ms  p50 0.91ms" {
		t.Errorf("line 0 = %q", lines[0])
	}
	lines, placed = Flow(th, fields, 22, 1)
	if placed != 2 || len(lines) != 1 {
		t.Errorf("one line holds %d fields in %d lines, want 2 in 1", placed, len(lines))
	}
}

func TestBox(t *testing.T) {
	th := plainTheme()
	for _, focused := range []bool{false, true} {
		for _, w := range []int{1, 3, 4, 10, 40} {
			for _, h := range []int{0, 1, 2, 5} {
				lines := Box(th, "A rather long title", "note here", focused, w, h, []string{Blank(Inner(w)), Blank(Inner(w))})
				if len(lines) != h {
					t.Errorf("box %dx%d has %d lines", w, h, len(lines))
				}
				for _, l := range lines {
					if lipgloss.Width(l) != w {
						t.Errorf("box %dx%d line %q is %d wide", w, h, l, lipgloss.Width(l))
					}
				}
			}
		}
	}
	top := Box(th, "Signals", "1/100", true, 30, 3, nil)[0]
	if top != "┏━ Signals ━━━━━━━━━━ 1/100 ━┓" {
		t.Errorf("top edge = %q", top)
	}
}

func TestNarrowWidthAgreesWithLipgloss(t *testing.T) {
	ranges := [][2]rune{{0x20, 0x7e}, {0xa0, 0x2ff}, {0x2010, 0x2027}, {0x2030, 0x205e}, {0x2190, 0x21ff}, {0x2500, 0x25ff}}
	for _, rg := range ranges {
		for r := rg[0]; r <= rg[1]; r++ {
			s := Clean("a" + string(r) + "b")
			n, ok := narrowWidth(s)
			if !ok {
				continue // cleaned to something outside the fast path
			}
			if want := lipgloss.Width(s); n != want {
				t.Errorf("U+%04X: fast width %d, lipgloss %d", r, n, want)
			}
		}
	}
	if _, ok := narrowWidth("日本"); ok {
		t.Errorf("wide runes took the fast path")
	}
}
