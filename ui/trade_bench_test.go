package ui

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/panels"
	"github.com/robotui/robotui/ui/theme"
)

// BenchmarkPositions500 renders all 500 rows of a positions panel (sorted
// by market value, with totals) in colour: the target is under 1 ms.
func BenchmarkPositions500(b *testing.B) {
	useProfile(b, termenv.TrueColor, true)
	th := theme.New(lipgloss.DefaultRenderer(), theme.DefaultPalette())
	s := buildSnapshot(100, withAccounts(500))
	book := &s.Accounts[0]
	var order []int
	b.ReportAllocs()
	for b.Loop() {
		order = panels.SortPositions(book.Positions, panels.PosSortValue, order)
		_ = panels.Positions(th, book, panels.PositionTable{Order: order, SortBy: panels.PosSortValue}, 200, panels.PositionsHeight(500))
	}
}

// BenchmarkSnapshotPositions500 is a fresh snapshot with 500 positions at
// 200x60: the whole screen rendered (the panel shows the rows that fit).
func BenchmarkSnapshotPositions500(b *testing.B) {
	useProfile(b, termenv.TrueColor, true)
	f := newFake(b)
	snaps := [2]engine.Snapshot{buildSnapshot(100, withAccounts(500)), buildSnapshot(100, withAccounts(500), inBackoff)}
	m := ready(b, f, 200, 60, snaps[0])
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		next, _ := m.Update(snapshotMsg{snaps[i%2]})
		m = next.(Model)
		_ = m.View()
		i++
	}
}
