package ui

import (
	"bytes"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

func TestScreenWritesOnlyWhatChanged(t *testing.T) {
	var out bytes.Buffer
	s := &screen{out: &out}
	s.resize(10, 5)
	s.draw("alpha\nbeta\ngamma")
	if got := ansi.Strip(out.String()); !strings.Contains(got, "alpha") || !strings.Contains(got, "gamma") {
		t.Fatalf("first frame wrote %q, want every line", got)
	}

	out.Reset()
	s.draw("alpha\nbeta\ngamma")
	if out.Len() != 0 {
		t.Errorf("the same frame again wrote %q, want nothing", out.String())
	}

	out.Reset()
	s.draw("alpha\nBETA\ngamma")
	if got := ansi.Strip(out.String()); got != "\nBETA\r\n" {
		t.Errorf("one changed line wrote %q, want only it (the others skipped)", got)
	}

	out.Reset()
	s.draw("alpha\nthis line is too wide")
	got := out.String()
	if !strings.Contains(got, "this line ") || strings.Contains(got, "too wide") || !strings.Contains(got, ansi.EraseScreenBelow) {
		t.Errorf("a shorter frame with a wide line wrote %q, want the line cut at 10 and the rest erased", got)
	}

	out.Reset()
	s.resize(12, 5)
	s.draw("alpha\nthis line is too wide")
	if got := ansi.Strip(out.String()); !strings.Contains(got, "alpha") || !strings.Contains(got, "this line is") {
		t.Errorf("after a resize wrote %q, want the whole frame at the new width", got)
	}
}

// The console draws when a message changed the frame, at once, and writes
// nothing for one that changed nothing: here the same snapshot again.
func TestConsoleDrawsOnlyOnChange(t *testing.T) {
	useProfile(t, termenv.Ascii, true)
	f := newFake(t)
	m, err := New(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	var d tea.Model = drawn{Model: m, scr: &screen{out: &out}}
	d, _ = d.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	snap := buildSnapshot(20)
	d, _ = d.Update(snapshotMsg{snap})
	if !strings.Contains(out.String(), "READY") || d.View() != d.(drawn).Model.View() {
		t.Fatalf("the first snapshot drew %q; want the screen drawn and the renderer told", out.String())
	}

	out.Reset()
	d, _ = d.Update(snapshotMsg{snap})
	if out.Len() != 0 {
		t.Errorf("the same snapshot again wrote %d bytes, want none", out.Len())
	}

	d.Update(keyMsg("j"))
	if out.Len() == 0 {
		t.Errorf("moving the cursor drew nothing")
	}
	if n := strings.Count(out.String(), "\r\n"); n > 4 {
		t.Errorf("moving the cursor rewrote %d lines, want the two rows and the footer at most", n)
	}
}
