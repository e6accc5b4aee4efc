package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/keys"
)

func withState(state conn.State) snapshotOpt {
	return func(s *engine.Snapshot) { s.Conn.State = state }
}

func TestReconnectKey(t *testing.T) {
	tests := []struct {
		state     conn.State
		want      int
		statusHas string
	}{
		{conn.Ready, 1, "reconnect requested"},
		{conn.Degraded, 1, "reconnect requested"},
		{conn.Backoff, 1, "reconnect requested"},
		{conn.Disconnected, 1, "reconnect requested"},
		{conn.Connecting, 0, "unavailable, already connecting"},
		{conn.Handshaking, 0, "unavailable, already handshaking"},
		{conn.Closed, 0, "unavailable, the session is closed"},
	}
	for _, tt := range tests {
		t.Run(tt.state.String(), func(t *testing.T) {
			f := newFake(t)
			m := ready(t, f, 120, 40, buildSnapshot(10, withState(tt.state)))
			if got := m.keys.Binding(keys.Reconnect).Enabled(); got != (tt.want == 1) {
				t.Errorf("reconnect enabled = %v in state %s", got, tt.state)
			}
			m, cmd := press(t, f, m, "r")
			if cmd != nil {
				t.Errorf("r returned a command; Reconnect is non-blocking and called directly")
			}
			if n, _, _, _ := f.counts(); n != tt.want {
				t.Errorf("Reconnect called %d times, want %d", n, tt.want)
			}
			if !strings.Contains(m.status, tt.statusHas) {
				t.Errorf("status = %q, want it to contain %q", m.status, tt.statusHas)
			}
			if !strings.Contains(m.View(), tt.statusHas) {
				t.Errorf("the footer does not show %q", tt.statusHas)
			}
		})
	}
}

func TestReconnectBeforeFirstSnapshot(t *testing.T) {
	f := newFake(t)
	m, err := New(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ = step(t, f, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	m, _ = press(t, f, m, "r")
	if n, _, _, _ := f.counts(); n != 0 {
		t.Errorf("Reconnect called before the engine said anything")
	}
	if !strings.Contains(m.View(), "waiting for the engine") {
		t.Errorf("the screen does not say it is waiting for the engine:\n%s", m.View())
	}
}

func TestKillConfirmFlow(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(20, withZombies))

	m, cmd := press(t, f, m, "z")
	if m.mode != modePlanning {
		t.Fatalf("mode after z = %v, want planning", m.mode)
	}
	if _, plans, _, _ := f.counts(); plans != 0 {
		t.Fatalf("PlanKill ran inside Update")
	}
	m, _ = step(t, f, m, run(t, cmd))
	if _, plans, _, _ := f.counts(); plans != 1 {
		t.Fatalf("PlanKill called %d times, want 1", plans)
	}
	if m.mode != modeConfirm {
		t.Fatalf("mode after the plan = %v, want confirm", m.mode)
	}
	view := m.View()
	for _, want := range []string{
		"pid 4242 python3 (trader) — 2 sockets:",
		"127.0.0.1:51234 → 127.0.0.1:4002",
		"127.0.0.1:51240 → 127.0.0.1:4002",
		"pid 4243 node (trader) — 1 socket: 127.0.0.1:51300 → 127.0.0.1:4002",
		"will NOT signal:",
		"pid 812 java — gateway side: restart the gateway to clear it",
		"127.0.0.1:4002 → 127.0.0.1:50990",
		"Kill zombie sockets on :4002?",
		"y confirm · n/esc cancel",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, view)
		}
	}

	m, cmd = press(t, f, m, "y")
	if m.mode != modeNormal || !m.killing {
		t.Fatalf("after y: mode %v killing %v, want the dialog closed and a kill running", m.mode, m.killing)
	}
	if _, _, kills, _ := f.counts(); kills != 0 {
		t.Fatalf("Kill ran inside Update")
	}
	if m.keys.Binding(keys.KillZombies).Enabled() || m.why["kill_zombies"] != "a kill is in progress" {
		t.Errorf("z should be disabled while a kill runs, why = %q", m.why["kill_zombies"])
	}
	m, _ = step(t, f, m, run(t, cmd))
	f.mu.Lock()
	killed := f.killed
	f.mu.Unlock()
	if len(killed) != 1 || len(killed[0].Targets) != 2 || killed[0].Targets[0].PID != 4242 || killed[0].Targets[0].Start != 1234 {
		t.Fatalf("Kill got %+v, want exactly the confirmed plan", killed)
	}
	if m.killing {
		t.Errorf("still killing after the results came back")
	}
	want := "kill: pid 4242 python3 killed · pid 4243 node gone · 1 left alone"
	if m.status != want || m.statusKind != statusGood {
		t.Errorf("status = %q, want %q", m.status, want)
	}
	if !strings.Contains(m.View(), "kill: pid 4242 python3 killed") {
		t.Errorf("the results are not on screen:\n%s", m.View())
	}
}

func TestKillCancel(t *testing.T) {
	for _, cancel := range []string{"n", "esc"} {
		t.Run(cancel, func(t *testing.T) {
			f := newFake(t)
			m := ready(t, f, 120, 40, buildSnapshot(20, withZombies))
			m, cmd := press(t, f, m, "z")
			m, _ = step(t, f, m, run(t, cmd))
			m, cmd = press(t, f, m, cancel)
			if cmd != nil {
				t.Errorf("cancel returned a command")
			}
			if m.mode != modeNormal {
				t.Errorf("mode after %s = %v, want normal", cancel, m.mode)
			}
			if _, _, kills, _ := f.counts(); kills != 0 {
				t.Errorf("Kill called after cancel")
			}
			if !strings.Contains(m.status, "nothing was signalled") {
				t.Errorf("status = %q, want the cancellation said", m.status)
			}
			if strings.Contains(m.View(), "will NOT signal") {
				t.Errorf("the dialog is still on screen")
			}
		})
	}
}

func TestKillNothingKillable(t *testing.T) {
	f := newFake(t)
	f.plan = engine.KillPlan{Refused: []engine.Refusal{{PID: 812, Command: "java", Side: "gateway", Reason: "gateway side: restart the gateway to clear it"}}}
	m := ready(t, f, 120, 40, buildSnapshot(20, withZombies))
	m, cmd := press(t, f, m, "z")
	m, _ = step(t, f, m, run(t, cmd))
	view := m.View()
	for _, want := range []string{"nothing is safe to kill", "pid 812 java — gateway side: restart the gateway to clear it", "n/esc close"} {
		if !strings.Contains(view, want) {
			t.Errorf("dialog lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "y confirm") {
		t.Errorf("the dialog offers to confirm an empty plan")
	}
	m, cmd = press(t, f, m, "y")
	if cmd != nil {
		t.Fatalf("y on an empty plan returned a command")
	}
	if _, _, kills, _ := f.counts(); kills != 0 {
		t.Fatalf("Kill called for an empty plan")
	}
	if !strings.Contains(m.status, "nothing is safe to kill") {
		t.Errorf("status = %q, want the reason y did nothing", m.status)
	}
	m, _ = press(t, f, m, "n")
	if m.mode != modeNormal {
		t.Errorf("n did not close the dialog")
	}
}

func TestKillScanFailed(t *testing.T) {
	f := newFake(t)
	f.plan = engine.KillPlan{Port: 4002, Error: "open /proc/net/tcp: permission denied"}
	m := ready(t, f, 120, 40, buildSnapshot(20, withZombies))
	m, cmd := press(t, f, m, "z")
	m, _ = step(t, f, m, run(t, cmd))
	v := m.View()
	for _, want := range []string{"the socket scan failed: open /proc/net/tcp: permission denied", "nothing is safe to kill until a scan succeeds", "n/esc close"} {
		if !strings.Contains(v, want) {
			t.Errorf("dialog lacks %q:\n%s", want, v)
		}
	}
	if _, cmd = press(t, f, m, "y"); cmd != nil {
		t.Errorf("y after a failed scan returned a command")
	}
}

func TestKillStatus(t *testing.T) {
	plan := samplePlan()
	tests := []struct {
		name    string
		results []engine.KillResult
		kind    statusKind
		text    string
	}{
		{"all gone", []engine.KillResult{{PID: 4242, Command: "python3", Result: "killed"}, {PID: 4243, Command: "node", Result: "gone"}},
			statusGood, "kill: pid 4242 python3 killed · pid 4243 node gone"},
		{"a target refused", []engine.KillResult{{PID: 4242, Command: "python3", Result: "refused", Reason: "pid reused"}, {PID: 812, Command: "java", Result: "refused"}},
			statusWarn, "kill: pid 4242 python3 refused (pid reused) · 1 left alone"},
		{"nothing", nil, statusWarn, "kill: nothing was signalled"},
	}
	for _, tt := range tests {
		kind, text := killStatus(plan, tt.results)
		if kind != tt.kind || text != tt.text {
			t.Errorf("%s: %v %q, want %v %q", tt.name, kind, text, tt.kind, tt.text)
		}
	}
}

func TestKillCancelledWhilePlanning(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(20, withZombies))
	m, planCmd := press(t, f, m, "z")
	m, _ = press(t, f, m, "esc")
	m, _ = step(t, f, m, run(t, planCmd)) // the dry run answers after the cancel
	if m.mode != modeNormal {
		t.Errorf("a late plan reopened the dialog: mode %v", m.mode)
	}
}

func TestKillDisabled(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(20))
	if m.keys.Binding(keys.KillZombies).Enabled() {
		t.Errorf("z enabled without zombies")
	}
	m, cmd := press(t, f, m, "z")
	if cmd != nil || m.mode != modeNormal {
		t.Errorf("z without zombies opened something: mode %v, cmd %v", m.mode, cmd != nil)
	}
	if !strings.Contains(m.status, "no zombie sockets") {
		t.Errorf("status = %q, want the reason", m.status)
	}
	if !strings.Contains(m.View(), "(z kill zombies)") {
		t.Errorf("the disabled key is not shown as disabled in the footer:\n%s", m.foot)
	}
}

func TestFaultMenu(t *testing.T) {
	tests := []struct {
		name    string
		keys    []string
		want    []string
		errText string
	}{
		{"enter injects the first", []string{"enter"}, []string{"drop"}, ""},
		{"down then enter", []string{"down", "enter"}, []string{"rst"}, ""},
		{"j then y", []string{"j", "y"}, []string{"rst"}, ""},
		{"number picks", []string{"3"}, []string{"stall"}, ""},
		{"number out of range", []string{"0"}, nil, ""},
		{"up stays at the top", []string{"up", "enter"}, []string{"drop"}, ""},
		{"esc closes", []string{"esc"}, nil, ""},
		{"f closes", []string{"f"}, nil, ""},
		{"error is shown", []string{"enter"}, []string{"drop"}, "simulator not running"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			if tt.errText != "" {
				f.injectErr = errInject
			}
			m := ready(t, f, 120, 40, buildSnapshot(10))
			m, _ = press(t, f, m, "f")
			if m.mode != modeFaults {
				t.Fatalf("f did not open the fault menu")
			}
			if v := m.View(); !strings.Contains(v, "handshake stall") || !strings.Contains(v, "1102") {
				t.Errorf("menu does not list the faults:\n%s", v)
			}
			for _, k := range tt.keys {
				m, _ = press(t, f, m, k)
			}
			f.mu.Lock()
			got := f.injected
			f.mu.Unlock()
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("injected %v, want %v", got, tt.want)
			}
			if len(tt.want) > 0 && m.mode != modeNormal {
				t.Errorf("menu still open after injecting")
			}
			if tt.errText != "" && !strings.Contains(m.status, tt.errText) {
				t.Errorf("status = %q, want the error", m.status)
			}
		})
	}
}

// TestKeysReadTogether: keystrokes that reach the console in one read come
// as one message ("9r"); each still acts, in order.
func TestKeysReadTogether(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(10))
	m, _ = press(t, f, m, "f")
	m, cmd := press(t, f, m, "3r")
	if cmd != nil {
		t.Errorf("3r returned a command; neither key needs one")
	}
	f.mu.Lock()
	got := f.injected
	f.mu.Unlock()
	if strings.Join(got, ",") != "stall" {
		t.Errorf("injected %v, want [stall]", got)
	}
	if n, _, _, _ := f.counts(); n != 1 {
		t.Errorf("Reconnect called %d times after 3r in the fault menu, want 1", n)
	}
	if m.mode != modeNormal {
		t.Errorf("fault menu still open")
	}
	m, _ = step(t, f, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("rr"), Paste: true})
	if n, _, _, _ := f.counts(); n != 1 {
		t.Errorf("a paste of rr reconnected: %d calls, want still 1", n)
	}
}

func TestFaultsDisabledWithoutSim(t *testing.T) {
	f := newFake(t)
	f.faults = nil
	m := ready(t, f, 120, 40, buildSnapshot(10))
	m, _ = press(t, f, m, "f")
	if m.mode != modeNormal {
		t.Fatalf("f opened the menu without --sim")
	}
	if !strings.Contains(m.status, "only with --sim") {
		t.Errorf("status = %q", m.status)
	}
	if !strings.Contains(m.foot, "(f faults)") {
		t.Errorf("footer does not show f disabled: %q", m.foot)
	}
}

func TestHelpToggle(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(10))
	m, _ = press(t, f, m, "?")
	if m.mode != modeHelp {
		t.Fatalf("? did not open the help")
	}
	v := m.View()
	for _, want := range []string{"kill zombies — unavailable: no zombie sockets", "r", "reconnect", "q/ctrl+c", "quit"} {
		if !strings.Contains(v, want) {
			t.Errorf("full help lacks %q:\n%s", want, v)
		}
	}
	m, _ = press(t, f, m, "?")
	if m.mode != modeNormal {
		t.Errorf("? did not close the help")
	}
	m, _ = press(t, f, m, "?")
	m, _ = press(t, f, m, "esc")
	if m.mode != modeNormal {
		t.Errorf("esc did not close the help")
	}
}

func TestQuitClosesThenQuits(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		t.Run(k, func(t *testing.T) {
			f := newFake(t)
			m := ready(t, f, 120, 40, buildSnapshot(10, withZombies))
			m, _ = press(t, f, m, "z") // quitting from inside a dialog closes it too
			m, cmd := press(t, f, m, k)
			if _, _, _, closes := f.counts(); closes != 0 {
				t.Fatalf("Close ran inside Update")
			}
			if !m.closing || !strings.Contains(m.View(), "closing session…") {
				t.Fatalf("the screen does not say the session is closing:\n%s", m.foot)
			}
			if m.mode != modeNormal {
				t.Errorf("dialog still open while closing")
			}
			m, _ = press(t, f, m, "r") // keys are ignored while closing
			if n, _, _, _ := f.counts(); n != 0 {
				t.Errorf("r acted while closing")
			}
			msg := run(t, cmd)
			if _, ok := msg.(closedMsg); !ok {
				t.Fatalf("close command returned %T", msg)
			}
			if _, _, _, closes := f.counts(); closes != 1 {
				t.Fatalf("Close called %d times, want 1", closes)
			}
			m, cmd = step(t, f, m, msg)
			if !isQuit(run(t, cmd)) || !m.Closed() {
				t.Errorf("the program does not quit after Close returned")
			}
		})
	}
}

func TestQuitTwiceDoesNotWait(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(10))
	m, _ = press(t, f, m, "q")
	_, cmd := press(t, f, m, "ctrl+c")
	if !isQuit(run(t, cmd)) {
		t.Errorf("a second quit key does not quit at once")
	}
}

func TestCursorKeys(t *testing.T) {
	s := buildSnapshot(100)
	tests := []struct {
		keys []string
		want string // selected symbol
	}{
		{nil, "AAPL"},
		{[]string{"down"}, "AMZN"},
		{[]string{"j", "j"}, "EURUSD"},
		{[]string{"j", "k"}, "AAPL"},
		{[]string{"up"}, "AAPL"},
		{[]string{"k", "k", "down"}, "AMZN"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, ","), func(t *testing.T) {
			f := newFake(t)
			m := ready(t, f, 120, 40, s)
			for _, k := range tt.keys {
				m, _ = press(t, f, m, k)
			}
			if got, _ := m.selectedSymbol(); got != tt.want {
				t.Errorf("selected %q, want %q", got, tt.want)
			}
			if !strings.Contains(m.View(), "▸ "+tt.want) {
				t.Errorf("the selected row is not marked on screen")
			}
		})
	}
}

func TestCursorScrollsTable(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 80, 24, buildSnapshot(100))
	for range 99 {
		m, _ = press(t, f, m, "j")
	}
	last := m.snap.Symbols[m.order[99]].Symbol
	if got, _ := m.selectedSymbol(); got != last {
		t.Fatalf("selected %q after 99 downs, want the last symbol %q", got, last)
	}
	if !strings.Contains(m.View(), "▸ "+last) || !strings.Contains(m.View(), "100/100") {
		t.Errorf("the last row is not visible:\n%s", m.View())
	}
	m, _ = press(t, f, m, "j")
	if m.cursor != 99 {
		t.Errorf("cursor went past the end: %d", m.cursor)
	}
}

func TestTabMovesFocusAndScrollsEvents(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(100)) // a table that needs the room: the log grows only with the focus
	before := m.eventsHeight()
	m, _ = press(t, f, m, "tab")
	if m.focus != focusEvents {
		t.Fatalf("tab did not move the focus to the events")
	}
	if m.eventsHeight() <= before {
		t.Errorf("the focused log did not grow: %d → %d", before, m.eventsHeight())
	}
	m, _ = press(t, f, m, "up")
	m, _ = press(t, f, m, "k")
	if m.back != 2 {
		t.Errorf("scrolled back %d events, want 2", m.back)
	}
	if !strings.Contains(m.View(), "2 newer below") {
		t.Errorf("the log does not say it is scrolled back")
	}
	if got, _ := m.selectedSymbol(); got != "AAPL" {
		t.Errorf("keys for the log moved the table to %q", got)
	}
	m, _ = press(t, f, m, "down")
	if m.back != 1 {
		t.Errorf("down did not scroll forward: back %d", m.back)
	}
	m, _ = press(t, f, m, "tab")
	if m.focus != focusTable {
		t.Errorf("tab did not return to the table")
	}
}

func TestTopAndBottom(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(100))
	last := m.snap.Symbols[m.order[99]].Symbol
	m, _ = press(t, f, m, "G")
	if got, _ := m.selectedSymbol(); got != last {
		t.Errorf("G selected %q, want the last row %q", got, last)
	}
	m, _ = press(t, f, m, "g")
	if got, _ := m.selectedSymbol(); got != "AAPL" {
		t.Errorf("g selected %q, want the first row", got)
	}
	m, _ = press(t, f, m, "tab")
	m, _ = press(t, f, m, "g")
	if limit := len(m.snap.Events) - m.eventRows(); limit <= 0 || m.back != limit {
		t.Errorf("g in the log: back %d, want the oldest (%d)", m.back, limit)
	}
	m, _ = press(t, f, m, "G")
	if m.back != 0 {
		t.Errorf("G in the log: back %d, want the newest", m.back)
	}
	if got, _ := m.selectedSymbol(); got != "AAPL" {
		t.Errorf("g and G in the log moved the table to %q", got)
	}
}

// A key bound but not built yet says so, in the status and in the help.
func TestComingKeys(t *testing.T) {
	for _, k := range []string{"/"} {
		f := newFake(t)
		m := ready(t, f, 120, 40, buildSnapshot(10))
		m, _ = press(t, f, m, k)
		if m.mode != modeNormal || !strings.Contains(m.status, "coming in a later version") {
			t.Errorf("%s: mode %v, status %q", k, m.mode, m.status)
		}
	}
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(10))
	m, _ = press(t, f, m, "?")
	for range 10 {
		m, _ = press(t, f, m, "down")
	}
	// Every view key is built now: only the table's filter is still coming,
	// and the help marks a key only when it is built nowhere.
	if v := m.View(); strings.Contains(v, "(coming)") || !strings.Contains(v, "enter") {
		t.Errorf("the help marks a built key as coming:\n%s", v)
	}
}

// Keys act by scope: a dialog key rebound on the main screen keeps its
// meaning in dialogs.
func TestKeysActByScope(t *testing.T) {
	f := newFake(t)
	m, err := New(f, Options{Keys: map[string][]string{"sort": {"y"}}})
	if err != nil {
		t.Fatal(err)
	}
	m, _ = step(t, f, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m, _ = step(t, f, m, snapshotMsg{buildSnapshot(10, withZombies)})
	m, _ = press(t, f, m, "y")
	if m.sortBy == 0 || !strings.Contains(m.status, "sorted by") {
		t.Fatalf("y did not sort on the main screen: status %q", m.status)
	}
	m, cmd := press(t, f, m, "z")
	m, _ = step(t, f, m, run(t, cmd))
	if m.mode != modeConfirm {
		t.Fatalf("the kill dialog did not open")
	}
	sorted := m.sortBy
	m, cmd = press(t, f, m, "y")
	if cmd == nil || !m.killing || m.sortBy != sorted {
		t.Errorf("y in the dialog did not confirm (killing %v, sort %v → %v)", m.killing, sorted, m.sortBy)
	}
}

func TestEventsStayPutWhenScrolledBack(t *testing.T) {
	f := newFake(t)
	s := buildSnapshot(10)
	m := ready(t, f, 120, 40, s)
	m, _ = press(t, f, m, "tab")
	for range 3 {
		m, _ = press(t, f, m, "k")
	}
	s2 := buildSnapshot(10)
	s2.At = s.At.Add(time.Second)
	s2.Events = append(s2.Events, engine.EventLine{At: s2.At, Name: "signal", Text: "new one"}, engine.EventLine{At: s2.At, Name: "signal", Text: "new two"})
	m, _ = step(t, f, m, snapshotMsg{s2})
	if m.back != 5 {
		t.Errorf("back = %d after 2 new events, want 5 (same events on screen)", m.back)
	}
}

func TestSortCycles(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(100))
	m, _ = press(t, f, m, "j") // AMZN
	wants := []sortKey{bySignal, byCross, bySymbol}
	for _, want := range wants {
		m, _ = press(t, f, m, "s")
		if m.sortBy != want {
			t.Fatalf("sort = %v, want %v", m.sortBy, want)
		}
		if got, _ := m.selectedSymbol(); got != "AMZN" {
			t.Errorf("sorting by %v moved the selection to %q", want, got)
		}
		if !strings.Contains(m.View(), "sort "+want.String()) {
			t.Errorf("the table does not show the sort %q", want)
		}
		rows := m.snap.Symbols
		for i := 1; i < len(m.order); i++ {
			a, b := rows[m.order[i-1]], rows[m.order[i]]
			switch want {
			case bySymbol:
				if a.Symbol > b.Symbol {
					t.Fatalf("not sorted by symbol at %d: %s > %s", i, a.Symbol, b.Symbol)
				}
			case bySignal:
				if signalRank(a.Signal) > signalRank(b.Signal) {
					t.Fatalf("not sorted by signal at %d: %s before %s", i, a.Signal, b.Signal)
				}
			case byCross:
				if a.Since.Before(b.Since) {
					t.Fatalf("not newest cross first at %d", i)
				}
			}
		}
	}
}

func TestRefreshSelected(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(10))
	m, _ = press(t, f, m, "j")
	m, _ = press(t, f, m, "R")
	if !strings.Contains(m.status, "refreshing AMZN") {
		t.Errorf("status = %q", m.status)
	}
	f.mu.Lock()
	got := f.refreshed
	f.mu.Unlock()
	if len(got) != 1 || got[0] != "AMZN" {
		t.Errorf("Refresh got %v, want [AMZN]", got)
	}

	f2 := newFake(t)
	m2 := ready(t, f2, 120, 40, buildSnapshot(0))
	m2, _ = press(t, f2, m2, "R")
	if len(f2.refreshed) != 0 || !strings.Contains(m2.status, "no symbols") {
		t.Errorf("R without symbols: refreshed %v, status %q", f2.refreshed, m2.status)
	}
}

func TestReboundKeys(t *testing.T) {
	f := newFake(t)
	m, err := New(f, Options{Keys: map[string][]string{"reconnect": {"ctrl+r"}, "kill_zombies": {"f5"}, "faults": {"F"}}})
	if err != nil {
		t.Fatal(err)
	}
	m, _ = step(t, f, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m, _ = step(t, f, m, snapshotMsg{buildSnapshot(10, withZombies)})
	m, _ = press(t, f, m, "r")
	if n, _, _, _ := f.counts(); n != 0 {
		t.Errorf("the old key still reconnects")
	}
	m, _ = press(t, f, m, "ctrl+r")
	if n, _, _, _ := f.counts(); n != 1 {
		t.Errorf("the new key does not reconnect")
	}
	m, _ = press(t, f, m, "f5")
	if m.mode != modePlanning {
		t.Errorf("f5 did not start the kill")
	}
	if !strings.Contains(m.View(), "f5 kill zombies") && !strings.Contains(m.foot, "ctrl+r reconnect") {
		t.Errorf("the footer does not show the new keys: %q", m.foot)
	}
}

func TestBadKeyBindings(t *testing.T) {
	tests := map[string]map[string][]string{
		"unknown action": {"explode": {"x"}},
		"bad key":        {"reconnect": {"ctrl+shift+meta+r"}},
		"no keys":        {"reconnect": {}},
		"duplicate":      {"reconnect": {"z"}},
	}
	for name, keys := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := New(newFake(t), Options{Keys: keys}); err == nil {
				t.Errorf("New accepted %v", keys)
			}
		})
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Errorf("New accepted a nil backend")
	}
}

func TestSnapshotsAreCoalesced(t *testing.T) {
	f := newFake(t)
	m, err := New(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		s := buildSnapshot(5)
		s.At = s.At.Add(time.Duration(i) * time.Second)
		f.snaps <- s
	}
	msg := run(t, m.Init())
	sm, ok := msg.(snapshotMsg)
	if !ok {
		t.Fatalf("Init's command returned %T", msg)
	}
	if want := baseAt.Add(2 * time.Second); !sm.snap.At.Equal(want) {
		t.Errorf("got the snapshot of %v, want only the newest (%v)", sm.snap.At, want)
	}
	m, cmd := step(t, f, m, sm)
	if cmd == nil {
		t.Fatal("a snapshot did not re-arm the wait")
	}
	f.snaps <- buildSnapshot(6)
	if sm, ok := run(t, cmd).(snapshotMsg); !ok || len(sm.snap.Symbols) != 6 {
		t.Errorf("the re-armed wait did not deliver the next snapshot")
	}
	_ = m
}

func TestEngineStopQuits(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(5))
	close(f.snaps)
	f.closedOnce.Do(func() {})
	msg := run(t, waitSnapshot(f.snaps))
	if _, ok := msg.(engineStoppedMsg); !ok {
		t.Fatalf("a closed channel gave %T", msg)
	}
	_, cmd := step(t, f, m, msg)
	if !isQuit(run(t, cmd)) {
		t.Errorf("the program does not quit when the engine stops")
	}
}

func TestEngineStopWhileClosingWaitsForClose(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(5))
	m, closeCmd := press(t, f, m, "q")
	m, cmd := step(t, f, m, engineStoppedMsg{})
	if cmd != nil {
		t.Fatalf("quit before Close returned")
	}
	m, cmd = step(t, f, m, run(t, closeCmd))
	if !isQuit(run(t, cmd)) || !m.Closed() {
		t.Errorf("no quit after Close returned")
	}
}

func TestStatusExpiresInSnapshotTime(t *testing.T) {
	f := newFake(t)
	s := buildSnapshot(5)
	m := ready(t, f, 120, 40, s)
	m, _ = press(t, f, m, "r")
	if m.status == "" {
		t.Fatal("no status after r")
	}
	s.At = s.At.Add(5 * time.Second)
	m, _ = step(t, f, m, snapshotMsg{s})
	if m.status == "" {
		t.Fatal("status gone after 5 s")
	}
	s.At = s.At.Add(6 * time.Second)
	m, _ = step(t, f, m, snapshotMsg{s})
	if m.status != "" {
		t.Errorf("status %q still shown after 11 s", m.status)
	}
}

func TestKeysIgnoredInDialogsDoNotAct(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(10, withZombies))
	m, cmd := press(t, f, m, "z")
	m, _ = step(t, f, m, run(t, cmd))
	for _, k := range []string{"r", "s", "R", "tab", "f"} {
		m, _ = press(t, f, m, k)
	}
	if n, _, _, _ := f.counts(); n != 0 || len(f.refreshed) != 0 || len(f.injected) != 0 {
		t.Errorf("keys acted behind the confirmation dialog")
	}
	if m.mode != modeConfirm {
		t.Errorf("the dialog closed on an unrelated key")
	}
}

func TestOutsideTextCannotEscape(t *testing.T) {
	f := newFake(t)
	s := buildSnapshot(5)
	s.Events = append(s.Events, engine.EventLine{At: s.At, Name: "ib.error", Text: "evil\x1b[2J\x1b]0;pwned\x07\nsecond line\tand tab"})
	s.Symbols[0].Symbol = "BAD\x1b[31m"
	s.Conn.Accounts = []string{"a\rb"} // the reason is a phrase of conn's now; accounts still come from the gateway
	m := ready(t, f, 120, 40, s)
	if strings.ContainsAny(m.View(), "\x1b\x07\r\t") {
		t.Errorf("control characters from outside reached the screen")
	}
	checkFits(t, m.View(), 120, 40)
}
