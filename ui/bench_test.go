package ui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
	"github.com/robotui/robotui/engine"
)

// benchModel is the console at 200x60 with 100 symbols, in the given profile.
func benchModel(b *testing.B, profile termenv.Profile) (Model, *fakeBackend) {
	b.Helper()
	useProfile(b, profile, true)
	f := newFake(b)
	return ready(b, f, 200, 60, buildSnapshot(100, withZombies)), f
}

// BenchmarkView is what Bubble Tea calls on every frame: it only joins strings.
func BenchmarkView(b *testing.B) {
	for _, p := range []struct {
		name    string
		profile termenv.Profile
	}{{"ascii", termenv.Ascii}, {"truecolor", termenv.TrueColor}} {
		b.Run(p.name, func(b *testing.B) {
			m, _ := benchModel(b, p.profile)
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkSnapshot is a fresh snapshot arriving: sort, then render every
// part of the screen, then View.
func BenchmarkSnapshot(b *testing.B) {
	for _, p := range []struct {
		name    string
		profile termenv.Profile
	}{{"ascii", termenv.Ascii}, {"truecolor", termenv.TrueColor}} {
		b.Run(p.name, func(b *testing.B) {
			m, _ := benchModel(b, p.profile)
			snaps := [2]engine.Snapshot{buildSnapshot(100, withZombies), buildSnapshot(100, inBackoff)}
			snaps[1].At = snaps[1].At.Add(time.Second)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				next, _ := m.Update(snapshotMsg{snaps[i%2]})
				m = next.(Model)
				_ = m.View()
				i++
			}
		})
	}
}

// BenchmarkCursorMove is a key press in the table: the body is re-rendered.
func BenchmarkCursorMove(b *testing.B) {
	m, _ := benchModel(b, termenv.TrueColor)
	keys := [2]tea.KeyMsg{keyMsg("j"), keyMsg("k")}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		next, _ := m.Update(keys[i%2])
		m = next.(Model)
		_ = m.View()
		i++
	}
}

// BenchmarkIdleMessage is a message that changes nothing on the screen (the
// same snapshot again) at 200x60 with 500 symbols: no frame is written.
func BenchmarkIdleMessage(b *testing.B) {
	useProfile(b, termenv.TrueColor, true)
	f := newFake(b)
	snap := buildSnapshot(500, withZombies)
	var out countingWriter
	var d tea.Model = drawn{Model: ready(b, f, 200, 60, snap), scr: &screen{out: &out}}
	d, _ = d.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	written := out.n
	b.ReportAllocs()
	for b.Loop() {
		d, _ = d.Update(snapshotMsg{snap})
	}
	if out.n != written {
		b.Fatalf("%d bytes written for frames that did not change", out.n-written)
	}
}

// BenchmarkFrameDraw is a snapshot that changes the screen, drawn.
func BenchmarkFrameDraw(b *testing.B) {
	useProfile(b, termenv.TrueColor, true)
	f := newFake(b)
	snaps := [2]engine.Snapshot{buildSnapshot(500, withZombies), buildSnapshot(500, inBackoff)}
	snaps[1].At = snaps[1].At.Add(time.Second)
	var out countingWriter
	var d tea.Model = drawn{Model: ready(b, f, 200, 60, snaps[0]), scr: &screen{out: &out}}
	d, _ = d.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d, _ = d.Update(snapshotMsg{snaps[i%2]})
		i++
	}
	b.ReportMetric(float64(out.n)/float64(i), "B/frame")
}

type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
