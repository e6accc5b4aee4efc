package ui

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
)

type env map[string]string

func (e env) Environ() []string {
	out := make([]string, 0, len(e))
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}

func (e env) Getenv(k string) string { return e[k] }

func TestDecideColors(t *testing.T) {
	tests := []struct {
		name    string
		tty     bool
		env     env
		profile termenv.Profile
		dark    bool
	}{
		{"truecolor terminal", true, env{"TERM": "xterm-256color", "COLORTERM": "truecolor"}, termenv.TrueColor, true},
		{"256 colours", true, env{"TERM": "xterm-256color"}, termenv.ANSI256, true},
		{"NO_COLOR wins", true, env{"TERM": "xterm-256color", "COLORTERM": "truecolor", "NO_COLOR": "1"}, termenv.Ascii, true},
		{"NO_COLOR wins over CLICOLOR_FORCE", true, env{"TERM": "xterm-256color", "NO_COLOR": "1", "CLICOLOR_FORCE": "1"}, termenv.Ascii, true},
		{"CLICOLOR=0", true, env{"TERM": "xterm-256color", "CLICOLOR": "0"}, termenv.Ascii, true},
		{"light background", true, env{"TERM": "xterm-256color", "COLORFGBG": "0;15"}, termenv.ANSI256, false},
		{"dark background", true, env{"TERM": "xterm-256color", "COLORFGBG": "15;0"}, termenv.ANSI256, true},
		{"not a terminal", false, env{"TERM": "xterm-256color", "COLORTERM": "truecolor"}, termenv.Ascii, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := termenv.NewOutput(&bytes.Buffer{}, termenv.WithTTY(tt.tty), termenv.WithEnvironment(tt.env))
			p, dark := decideColors(o)
			if p != tt.profile || dark != tt.dark {
				t.Errorf("got profile %v dark %v, want %v %v", p, dark, tt.profile, tt.dark)
			}
		})
	}
}

func TestUseTerminalSetsAndRestoresTheRenderer(t *testing.T) {
	prev := lipgloss.DefaultRenderer()
	o := termenv.NewOutput(&bytes.Buffer{}, termenv.WithTTY(true),
		termenv.WithEnvironment(env{"TERM": "xterm-256color", "COLORTERM": "truecolor", "COLORFGBG": "0;15"}))
	restore := useTerminal(o)
	if p := lipgloss.ColorProfile(); p != termenv.TrueColor {
		t.Errorf("profile while running = %v, want TrueColor", p)
	}
	if lipgloss.HasDarkBackground() {
		t.Errorf("light background not applied")
	}
	restore()
	if lipgloss.DefaultRenderer() != prev {
		t.Errorf("the previous renderer was not restored")
	}
}

func TestRunQuitsOnQAndClosesOnce(t *testing.T) {
	f := newFake(t)
	f.snaps <- buildSnapshot(10)
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- Run(f, Options{}, strings.NewReader("q"), &out) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after q")
	}
	if _, _, _, closes := f.counts(); closes != 1 {
		t.Errorf("Close called %d times, want 1", closes)
	}
	if !strings.Contains(out.String(), "\x1b[?1049h") {
		t.Errorf("Run did not use the alternate screen")
	}
	if lipgloss.ColorProfile() != termenv.Ascii {
		t.Errorf("Run left its renderer behind")
	}
}

// TestRunQuitClosedBeforeRun: a Quit channel closed before Run starts (a
// signal caught while the engine started) closes the session and quits.
func TestRunQuitClosedBeforeRun(t *testing.T) {
	f := newFake(t)
	f.snaps <- buildSnapshot(10)
	quit := make(chan struct{})
	close(quit)
	in, w := io.Pipe()
	t.Cleanup(func() { _ = w.Close() }) // ends Bubble Tea's input reader
	done := make(chan error, 1)
	go func() { done <- Run(f, Options{Quit: quit}, in, io.Discard) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return with Quit closed")
	}
	if _, _, _, closes := f.counts(); closes != 1 {
		t.Errorf("Close called %d times, want 1", closes)
	}
}

func TestRunEngineStopEndsWithoutClose(t *testing.T) {
	f := newFake(t)
	f.closedOnce.Do(func() { close(f.snaps) })
	in, w := io.Pipe()
	t.Cleanup(func() { _ = w.Close() }) // ends Bubble Tea's input reader
	done := make(chan error, 1)
	go func() { done <- Run(f, Options{}, in, io.Discard) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return when the engine stopped")
	}
	if _, _, _, closes := f.counts(); closes != 0 {
		t.Errorf("Close called %d times after the engine stopped by itself", closes)
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	if err := Run(nil, Options{}, nil, io.Discard); !errors.Is(err, ErrNoBackend) {
		t.Errorf("nil backend: %v", err)
	}
	f := newFake(t)
	if err := Run(f, Options{Keys: map[string][]string{"nope": {"x"}}}, nil, io.Discard); err == nil {
		t.Errorf("bad keys accepted")
	}
	if _, _, _, closes := f.counts(); closes != 0 {
		t.Errorf("Close called although the console never started")
	}
}

// TestProgramEndToEnd drives the real Bubble Tea program: a snapshot arrives,
// the trader kills the zombies, then quits.
func TestProgramEndToEnd(t *testing.T) {
	f := newFake(t)
	m, err := New(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	f.snaps <- buildSnapshot(100, withZombies)
	waitFor := func(text string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	}
	waitFor("READY")
	tm.Type("z")
	waitFor("will NOT signal")
	tm.Type("y")
	waitFor("python3 killed")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	final, ok := tm.FinalModel(t).(Model)
	if !ok || !final.Closed() {
		t.Fatalf("the program ended without closing the session")
	}
	_, plans, kills, closes := f.counts()
	if plans != 1 || kills != 1 || closes != 1 {
		t.Errorf("plans %d kills %d closes %d, want 1 each", plans, kills, closes)
	}
}
