package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/robotui/robotui/ui/panels"
)

// The column the table is sorted by carries ▾, whole, at every width.
func TestSortMarksItsColumn(t *testing.T) {
	for _, w := range []int{80, 120, 200} {
		f := newFake(t)
		m := ready(t, f, w, 40, buildSnapshot(20))
		wants := map[sortKey]string{bySymbol: "SYMBOL▾", bySignal: "SIGNAL▾", byCross: "SINCE▾"}
		for range sortKeys {
			v := m.View()
			if want := wants[m.sortBy]; !strings.Contains(v, want) {
				t.Errorf("%d wide, sorted by %v: no %q in the header:\n%s", w, m.sortBy, want, v)
			}
			if strings.Count(v, "▾") != 1 {
				t.Errorf("%d wide, sorted by %v: %d marks", w, m.sortBy, strings.Count(v, "▾"))
			}
			m, _ = press(t, f, m, "s")
		}
	}
}

// In backoff the panel names the dial to come, as the log will number it.
func TestBackoffNamesTheNextDial(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(10, inBackoff)) // two dials made
	if v := m.View(); !strings.Contains(v, "dial #3 in 2.5s") {
		t.Errorf("backoff after dial 2 does not announce dial #3:\n%s", v)
	}
}

// Keys typed faster than they are read come as one message; each counts.
func TestFastKeysEachAct(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(20))
	m, _ = step(t, f, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjj")})
	if m.cursor != 3 {
		t.Errorf("jjj moved the cursor to %d, want 3", m.cursor)
	}
	m, _ = step(t, f, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("ss")})
	if m.sortBy != byCross {
		t.Errorf("ss sorted by %v, want %v", m.sortBy, byCross)
	}
	// A paste is text, not key presses.
	m, _ = step(t, f, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj"), Paste: true})
	if m.cursor != 3 {
		t.Errorf("a paste moved the cursor to %d", m.cursor)
	}
}

// Behind the "too small" screen only quit acts: nothing happens unseen.
func TestTooSmallIgnoresKeys(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 70, 20, buildSnapshot(20, withZombies))
	for _, k := range []string{"r", "?", "z", "f", "j", "s", "tab"} {
		var cmd tea.Cmd
		m, cmd = press(t, f, m, k)
		if cmd != nil || m.mode != modeNormal || m.cursor != 0 || m.sortBy != bySymbol || m.focus != focusTable {
			t.Errorf("%s acted behind the too-small screen: mode %v, cursor %d, sort %v, focus %v", k, m.mode, m.cursor, m.sortBy, m.focus)
		}
	}
	if r, _, _, _ := f.counts(); r != 0 {
		t.Errorf("%d reconnects requested from the too-small screen", r)
	}
	m, _ = step(t, f, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	if v := m.View(); strings.Contains(v, "Keys") && m.mode != modeNormal {
		t.Errorf("a hidden dialog opened once the terminal grew")
	}
}

// The fault menu marks the faults in effect, and only those.
func TestFaultMenuShowsActive(t *testing.T) {
	f := newFake(t)
	s := buildSnapshot(10)
	s.Faults = []string{"stall", "hold"}
	m := ready(t, f, 120, 40, s)
	m, _ = press(t, f, m, "f")
	v := m.View()
	if strings.Count(v, panels.FaultActive) != 2 || !strings.Contains(v, "stall"+panels.FaultActive) || !strings.Contains(v, "hold"+panels.FaultActive) {
		t.Errorf("the menu does not mark stall and hold active:\n%s", v)
	}
}

// A missed ping shows as a miss, not as a round trip of the timeout; the
// two miss counts say which is which.
func TestKeepaliveShowsMisses(t *testing.T) {
	f := newFake(t)
	s := buildSnapshot(10)
	s.Keepalive.Misses, s.Keepalive.Last = 1, 840*time.Microsecond
	m := ready(t, f, 120, 40, s)
	v := m.View()
	for _, want := range []string{"rtt missed", "missed now 1/2", "missed total 3"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "rtt 2.00s") || strings.Contains(v, "misses ") {
		t.Errorf("the timeout shown as a round trip, or the ambiguous misses label:\n%s", v)
	}
}

// A frame that cannot be read is counted where the trader sees it.
func TestBadFramesShown(t *testing.T) {
	f := newFake(t)
	s := buildSnapshot(10)
	s.Conn.BadFrames = 2
	if v := ready(t, f, 80, 24, s).View(); !strings.Contains(v, "bad frames 2") {
		t.Errorf("no bad-frame count:\n%s", v)
	}
}
