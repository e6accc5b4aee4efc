package ui

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
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

// noListener is the session with nothing listening on the port.
func noListener(s *engine.Snapshot) {
	inBackoff(s)
	s.Conn.Cause = conn.CauseDialRefused
	s.Conn.Error = "connect to 127.0.0.1:4002: tcp stage: connection refused: dial tcp 127.0.0.1:4002: connect: connection refused"
	s.Conn.Hint = "Nothing is listening on 127.0.0.1:4002. Start IB Gateway or TWS, enable the API on that port (Configure → Settings → API), or try `robotui --sim`."
	s.Sockets.Listening = false
}

// The hint is shown whole, wrapped, from 80x24 up, with the full error and
// the short reason; it goes once the session is up.
func TestNoListenerHintShownWhole(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
		f := newFake(t)
		m := ready(t, f, sz[0], sz[1], buildSnapshot(10, noListener))
		v := m.View()
		checkFits(t, v, sz[0], sz[1])
		// Read the full-width lines, and the connection panel's column apart.
		var words, panel []string
		for _, l := range strings.Split(v, "\n") {
			if first, _, ok := strings.Cut(l, "││"); ok {
				panel = append(panel, strings.Fields(strings.Trim(first, "│ "))...)
				continue
			}
			words = append(words, strings.Fields(strings.Trim(l, "│╭╮╰╯─ "))...)
		}
		for _, want := range []string{m.snap.Conn.Hint, "error " + m.snap.Conn.Error} {
			if !strings.Contains(strings.Join(words, " "), want) {
				t.Errorf("%dx%d: %q not shown whole:\n%s", sz[0], sz[1], want, v)
			}
		}
		if want := "nothing accepted the connection"; !strings.Contains(strings.Join(panel, " "), want) {
			t.Errorf("%dx%d: the reason %q not shown whole:\n%s", sz[0], sz[1], want, v)
		}
		up := buildSnapshot(10)
		up.At = m.snap.At.Add(time.Second)
		m, _ = step(t, f, m, snapshotMsg{up})
		if strings.Contains(m.View(), "Nothing is listening") {
			t.Errorf("%dx%d: the hint stays once the session is up", sz[0], sz[1])
		}
	}
}

// At 200x60 the table takes the rows it needs and the log the rest, and
// the other way round with a long watchlist.
func TestSpaceGoesWhereNeeded(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 200, 60, buildSnapshot(10))
	if h := m.tableHeight(); h != 10+3 {
		t.Errorf("10 symbols get a table %d high, want 13", h)
	}
	if r := m.eventRows(); r < 30 {
		t.Errorf("the log shows %d of 40 events with room to spare", r)
	}
	m = ready(t, f, 200, 60, buildSnapshot(100))
	if r := m.tableRows(); r < 30 {
		t.Errorf("100 symbols get %d rows", r)
	}
	checkFits(t, m.View(), 200, 60)
}

func keyOf(kt tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: kt} }

// In the log: enter opens the highlighted line whole, pgup/pgdn page, /
// filters, and tab back to the table follows the newest again.
func TestLogKeys(t *testing.T) {
	f := newFake(t)
	s := buildSnapshot(100)
	long := "backoff, next try in 1.662s: nothing accepted the connection (connect to 127.0.0.1:4002: tcp stage: connection refused: dial tcp 127.0.0.1:4002: connect: connection refused) END"
	s.Events = append(s.Events, engine.EventLine{At: s.At, Level: slog.LevelWarn, Name: "conn.state", Text: long})
	m := ready(t, f, 120, 40, s)
	if strings.Contains(m.View(), "refused) END") {
		t.Fatal("the long line fits: the test needs one cut at the edge")
	}
	m, _ = press(t, f, m, "tab")
	m, _ = press(t, f, m, "enter")
	if m.mode != modeEvent || !strings.Contains(m.View(), "END") {
		t.Fatalf("enter in the log did not open the line in full:\n%s", m.View())
	}
	m, _ = press(t, f, m, "esc")
	if m.mode != modeNormal {
		t.Fatalf("esc did not close the line")
	}

	rows := m.eventRows()
	m, _ = step(t, f, m, keyOf(tea.KeyPgUp))
	if m.back != rows {
		t.Errorf("pgup in the log: back %d, want a page (%d)", m.back, rows)
	}
	m, _ = step(t, f, m, keyOf(tea.KeyPgDown))
	if m.back != 0 {
		t.Errorf("pgdn in the log: back %d, want 0", m.back)
	}

	m, _ = press(t, f, m, "/")
	m, _ = step(t, f, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("FARM")})
	if m.mode != modeFilter || len(m.evs) == 0 || !strings.Contains(m.View(), "filter: FARM") {
		t.Fatalf("typing a filter: mode %v, %d events", m.mode, len(m.evs))
	}
	for _, e := range m.evs {
		if !strings.Contains(strings.ToLower(e.Text), "farm") {
			t.Errorf("the filter let through %q", e.Text)
		}
	}
	m, _ = press(t, f, m, "q") // text while typing, not quit
	if m.closing || m.filter != "FARMq" {
		t.Fatalf("q while typing the filter: closing %v, filter %q", m.closing, m.filter)
	}
	m, _ = step(t, f, m, keyOf(tea.KeyBackspace))
	m, _ = step(t, f, m, keyOf(tea.KeyEnter))
	if m.mode != modeNormal || m.filter != "FARM" || !strings.Contains(m.View(), "of 41") {
		t.Errorf("enter did not keep the filter: mode %v, filter %q", m.mode, m.filter)
	}
	m, _ = press(t, f, m, "/")
	m, _ = press(t, f, m, "esc")
	if m.filter != "" || len(m.evs) != len(m.snap.Events) {
		t.Errorf("esc did not clear the filter: %q, %d events", m.filter, len(m.evs))
	}

	m, _ = press(t, f, m, "k")
	m, _ = press(t, f, m, "k")
	m, _ = press(t, f, m, "tab")
	if m.focus != focusTable || m.back != 0 || !strings.Contains(m.View(), "following") {
		t.Errorf("back on the table the log does not follow: back %d", m.back)
	}
	cur := m.cursor
	m, _ = step(t, f, m, keyOf(tea.KeyPgDown))
	if m.cursor != cur+m.tableRows() {
		t.Errorf("pgdn in the table moved the cursor %d → %d, want a page of %d", cur, m.cursor, m.tableRows())
	}
}

// The help marks as coming only what is built nowhere yet: the log's
// filter and open are there.
func TestHelpMarksOnlyUnbuiltKeys(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 200, 60, buildSnapshot(10))
	m, _ = press(t, f, m, "?")
	v := m.View()
	for _, built := range []string{"filter the log", "open the selected line", "page down"} {
		if !strings.Contains(v, built) || strings.Contains(v, built+" (coming)") {
			t.Errorf("help: %q missing or marked coming:\n%s", built, v)
		}
	}
	for _, built := range []string{"history", "executions", "open orders", "next account"} {
		if !strings.Contains(v, built) || strings.Contains(v, built+" (coming)") {
			t.Errorf("help: the built %q missing or marked coming", built)
		}
	}
}
