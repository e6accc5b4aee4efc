package ui

import (
	"fmt"
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// checkFits fails when the view is taller or wider than the terminal.
func checkFits(t *testing.T, view string, w, h int) {
	t.Helper()
	if view == "" {
		return
	}
	if got := lipgloss.Height(view); got > h {
		t.Errorf("%dx%d: view is %d lines tall", w, h, got)
	}
	for i, line := range strings.Split(view, "\n") {
		if got := lipgloss.Width(line); got > w {
			t.Errorf("%dx%d: line %d is %d cells wide: %q", w, h, i, got, line)
		}
	}
}

// screens are the states worth checking at every size.
func screens(t *testing.T, w, h int) map[string]Model {
	t.Helper()
	out := map[string]Model{}
	f := newFake(t)
	// Keys do nothing behind the too-small screen: the dialogs are opened
	// at the smallest full size and the terminal then shrunk.
	final := tea.WindowSizeMsg{Width: w, Height: h}
	w, h = max(w, MinWidth), max(h, MinHeight)
	defer func() {
		for k, m := range out {
			out[k], _ = step(t, f, m, final)
		}
	}()
	out["ready"] = ready(t, f, w, h, buildSnapshot(100))
	out["backoff"] = ready(t, f, w, h, buildSnapshot(100, inBackoff))

	m := ready(t, f, w, h, buildSnapshot(100, withZombies))
	m, cmd := press(t, f, m, "z")
	out["planning"] = m
	m, _ = step(t, f, m, run(t, cmd))
	out["confirm"] = m

	m, _ = press(t, f, out["ready"], "?")
	out["help"] = m
	m, _ = press(t, f, out["ready"], "f")
	out["faults"] = m
	m, _ = press(t, f, out["ready"], "tab")
	out["events focused"] = m
	m, _ = press(t, f, out["ready"], "q")
	out["closing"] = m
	out["no gateway"] = ready(t, f, w, h, buildSnapshot(100, noListener))
	out["fanout clients"] = ready(t, f, w, h, buildSnapshot(100, withFanout))
	m, _ = press(t, f, out["events focused"], "enter")
	out["event open"] = m
	m, _ = press(t, f, out["events focused"], "/")
	m, _ = press(t, f, m, "farm")
	out["log filter"] = m

	out["accounts"] = ready(t, f, w, h, buildSnapshot(100, withAccounts(500)))
	m, cmd = press(t, f, out["accounts"], "enter")
	m, _ = step(t, f, m, run(t, cmd))
	out["detail"] = m
	m, _ = press(t, f, out["accounts"], "e")
	out["executions"] = m
	m, _ = press(t, f, out["accounts"], "o")
	out["orders"] = m

	m, err := New(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ = step(t, f, m, tea.WindowSizeMsg{Width: w, Height: h})
	out["no snapshot yet"] = m
	return out
}

func TestResizeMatrix(t *testing.T) {
	sizes := [][2]int{
		{80, 24}, {81, 25}, {100, 30}, {120, 40}, {133, 41}, {160, 48}, {200, 60}, {250, 70},
		{80, 70}, {250, 24}, {97, 31},
	}
	for _, sz := range sizes {
		w, h := sz[0], sz[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			for name, m := range screens(t, w, h) {
				v := m.View()
				checkFits(t, v, w, h)
				if got := lipgloss.Height(v); got != h {
					t.Errorf("%s: view is %d lines, want the full %d", name, got, h)
				}
				if strings.Contains(v, "too small") {
					t.Errorf("%s: too-small screen at %dx%d", name, w, h)
				}
			}
		})
	}
}

func TestResizeFollowsTheTerminal(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 250, 70, buildSnapshot(100))
	for range 60 {
		m, _ = press(t, f, m, "j")
	}
	for _, sz := range [][2]int{{200, 60}, {80, 24}, {60, 20}, {133, 41}, {81, 25}} {
		m, _ = step(t, f, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		checkFits(t, m.View(), sz[0], sz[1])
		if sz[0] >= MinWidth && sz[1] >= MinHeight && !strings.Contains(m.View(), "▸ "+m.selected) {
			t.Errorf("%dx%d: the selected row %q scrolled out of view", sz[0], sz[1], m.selected)
		}
	}
}

func TestTooSmall(t *testing.T) {
	sizes := [][2]int{{79, 24}, {80, 23}, {60, 20}, {40, 10}, {20, 5}, {10, 2}, {1, 1}, {200, 10}, {30, 70}}
	for _, sz := range sizes {
		w, h := sz[0], sz[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			f := newFake(t)
			m := ready(t, f, w, h, buildSnapshot(100, withZombies))
			v := m.View()
			checkFits(t, v, w, h)
			if w >= 20 && h >= 3 && !strings.Contains(v, "too small") {
				t.Errorf("no too-small message:\n%s", v)
			}
			if w >= 40 && h >= 4 && !strings.Contains(v, fmt.Sprintf("%dx%d, needs at least 80x24", w, h)) {
				t.Errorf("the message does not give the sizes:\n%s", v)
			}
			m, cmd := press(t, f, m, "q") // keys still work on the small screen
			if cmd == nil || !m.closing {
				t.Errorf("q does not close the session from the too-small screen")
			}
		})
	}
}

func TestNoSizeYetRendersNothing(t *testing.T) {
	f := newFake(t)
	m, err := New(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ = step(t, f, m, snapshotMsg{buildSnapshot(10)})
	if v := m.View(); v != "" {
		t.Errorf("view before the first size: %q", v)
	}
}

// TestColouredScreensFit repeats a few sizes with colours on: escape
// sequences must never change the layout.
func TestColouredScreensFit(t *testing.T) {
	for _, profile := range []termenv.Profile{termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		for _, dark := range []bool{true, false} {
			useProfile(t, profile, dark)
			for _, sz := range [][2]int{{80, 24}, {133, 41}, {60, 20}} {
				for name, m := range screens(t, sz[0], sz[1]) {
					v := m.View()
					checkFits(t, v, sz[0], sz[1])
					if sz[0] >= MinWidth && !strings.Contains(v, "\x1b[") {
						t.Errorf("%v %s: no colour at all", profile, name)
					}
				}
			}
		}
	}
}

// useProfile draws with a colour profile until the test ends.
func useProfile(t testing.TB, p termenv.Profile, dark bool) {
	prev := lipgloss.DefaultRenderer()
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	r.SetHasDarkBackground(dark)
	lipgloss.SetDefaultRenderer(r)
	t.Cleanup(func() { lipgloss.SetDefaultRenderer(prev) })
}
