package ui

import (
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// The goldens are the plain-text screens at 120x40 (TestMain sets the Ascii
// profile). Update them with: go test ./ui -run Golden -update

func TestGoldenReady(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(100))
	golden.RequireEqual(t, []byte(m.View()))
}

func TestGoldenBackoffAfterDrop(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(100, inBackoff))
	golden.RequireEqual(t, []byte(m.View()))
}

func TestGoldenZombiesConfirm(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(100, withZombies))
	m, cmd := press(t, f, m, "z")
	m, _ = step(t, f, m, run(t, cmd))
	golden.RequireEqual(t, []byte(m.View()))
}

func TestGoldenTooSmall(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 70, 20, buildSnapshot(100))
	golden.RequireEqual(t, []byte(m.View()))
}
