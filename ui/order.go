package ui

import (
	"cmp"
	"slices"
	"strings"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/panels"
)

type sortKey int

const (
	bySymbol sortKey = iota
	bySignal
	byCross
	sortKeys
)

func (k sortKey) String() string {
	return [...]string{panels.SortSymbol, panels.SortSignal, panels.SortCross}[k]
}

// sortedOrder is the display order of the symbols for a sort key; ties go by symbol.
func sortedOrder(rows []engine.SymbolRow, by sortKey) []int {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	compare := func(a, b *engine.SymbolRow) int {
		switch by {
		case bySignal:
			return cmp.Or(cmp.Compare(signalRank(a.Signal), signalRank(b.Signal)),
				cmp.Compare(signalRank(a.LastCross), signalRank(b.LastCross)))
		case byCross:
			return b.Since.Compare(a.Since) // newest cross first; none last
		}
		return 0
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := &rows[i], &rows[j]
		return cmp.Or(compare(a, b), strings.Compare(a.Symbol, b.Symbol))
	})
	return order
}

// signalOrder ranks the signals for sorting; anything else comes after them.
var signalOrder = []string{"BUY", "SELL", "HOLD"}

func signalRank(s string) int {
	if i := slices.Index(signalOrder, s); i >= 0 {
		return i
	}
	return len(signalOrder)
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
// arrive; at the bottom it follows the newest. prev is the log before.
func (m *Model) followEvents(prev []engine.EventLine) {
	if m.back > 0 && len(prev) > 0 {
		last := prev[len(prev)-1]
		for i := len(m.evs) - 1; i >= 0; i-- {
			if e := m.evs[i]; e.At.Equal(last.At) && e.Name == last.Name && e.Text == last.Text {
				m.back += len(m.evs) - 1 - i
				break
			}
		}
	}
	m.scrollEvents(0)
}

// scrollEvents moves the log d events back (positive) or forward.
func (m *Model) scrollEvents(d int) {
	limit := max(0, len(m.evs)-m.eventRows())
	m.back = min(max(0, m.back+d), limit)
}

// refilter rebuilds the log's events from the snapshot and the filter: the
// events whose name or text holds the filter, whatever the case.
func (m *Model) refilter() {
	if m.filter == "" {
		m.evs = m.snap.Events
		return
	}
	want := strings.ToLower(m.filter)
	m.evs = make([]engine.EventLine, 0, len(m.snap.Events))
	for _, e := range m.snap.Events {
		if strings.Contains(strings.ToLower(e.Name+" "+e.Text), want) {
			m.evs = append(m.evs, e)
		}
	}
}
