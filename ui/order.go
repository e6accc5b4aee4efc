package ui

import (
	"sort"

	"github.com/robotui/robotui/engine"
)

type sortKey int

const (
	bySymbol sortKey = iota
	bySignal
	byCross
	sortKeys
)

func (k sortKey) String() string {
	return [...]string{"symbol", "signal", "last cross"}[k]
}

// sortedOrder is the display order of the symbols for a sort key.
func sortedOrder(rows []engine.SymbolRow, by sortKey) []int {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	less := func(a, b *engine.SymbolRow) bool { return a.Symbol < b.Symbol }
	switch by {
	case bySignal:
		less = func(a, b *engine.SymbolRow) bool {
			if ra, rb := signalRank(a.Signal), signalRank(b.Signal); ra != rb {
				return ra < rb
			}
			if ra, rb := signalRank(a.LastCross), signalRank(b.LastCross); ra != rb {
				return ra < rb
			}
			return a.Symbol < b.Symbol
		}
	case byCross:
		less = func(a, b *engine.SymbolRow) bool {
			if !a.Since.Equal(b.Since) {
				return a.Since.After(b.Since) // newest cross first; none last
			}
			return a.Symbol < b.Symbol
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return less(&rows[order[i]], &rows[order[j]]) })
	return order
}

func signalRank(s string) int {
	switch s {
	case "BUY":
		return 0
	case "SELL":
		return 1
	case "HOLD":
		return 2
	}
	return 3
}

// reorder rebuilds the display order and keeps the selection on the same
// symbol when it is still there.
func (m *Model) reorder() {
	m.order = sortedOrder(m.snap.Symbols, m.sortBy)
	m.cursor = min(m.cursor, max(0, len(m.order)-1))
	if m.selected != "" {
		for i, idx := range m.order {
			if m.snap.Symbols[idx].Symbol == m.selected {
				m.cursor = i
				break
			}
		}
	}
	if s, ok := m.selectedSymbol(); ok {
		m.selected = s
	}
	m.scrollTable()
}

// moveCursor moves the selection by d rows within the table.
func (m *Model) moveCursor(d int) {
	if len(m.order) == 0 {
		return
	}
	m.cursor = min(max(0, m.cursor+d), len(m.order)-1)
	m.selected, _ = m.selectedSymbol()
	m.scrollTable()
}

// scrollTable keeps the selected row visible.
func (m *Model) scrollTable() {
	rows := max(1, m.tableRows())
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	m.offset = max(0, min(m.offset, len(m.order)-rows))
}

// followEvents keeps a scrolled-back log on the same events when new ones
// arrive; at the bottom it follows the newest.
func (m *Model) followEvents(prev []engine.EventLine) {
	if m.back > 0 && len(prev) > 0 {
		last := prev[len(prev)-1]
		for i := len(m.snap.Events) - 1; i >= 0; i-- {
			if e := m.snap.Events[i]; e.At.Equal(last.At) && e.Name == last.Name && e.Text == last.Text {
				m.back += len(m.snap.Events) - 1 - i
				break
			}
		}
	}
	m.scrollEvents(0)
}

// scrollEvents moves the log d events back (positive) or forward.
func (m *Model) scrollEvents(d int) {
	limit := max(0, len(m.snap.Events)-m.eventRows())
	m.back = min(max(0, m.back+d), limit)
}
