package ui

import (
	"strconv"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// The goldens are the plain-text screens at 120x40, and the trader's also at
// 200x60 (TestMain sets the Ascii profile). Update them with: go test ./ui -run Golden -update

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

// The trader's screens at both sizes: the account strip and the positions
// panel on the main screen, and a symbol's detail view.
func TestGoldenAccount(t *testing.T) {
	for _, sz := range [][2]int{{120, 40}, {200, 60}} {
		t.Run(sizeName(sz), func(t *testing.T) {
			f := newFake(t)
			m := ready(t, f, sz[0], sz[1], buildSnapshot(20, withAccounts(12)))
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}

func TestGoldenDetail(t *testing.T) {
	for _, sz := range [][2]int{{120, 40}, {200, 60}} {
		t.Run(sizeName(sz), func(t *testing.T) {
			f := newFake(t)
			m := ready(t, f, sz[0], sz[1], buildSnapshot(20, withAccounts(12)))
			m, cmd := press(t, f, m, "enter")
			m, _ = step(t, f, m, run(t, cmd))
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}

func sizeName(sz [2]int) string { return strconv.Itoa(sz[0]) + "x" + strconv.Itoa(sz[1]) }
