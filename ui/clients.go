package ui

import "github.com/robotui/robotui/ui/panels"

// clientsHeight is the fan-out's clients panel, above the table (0 when the
// fan-out is off).
func (m Model) clientsHeight() int {
	return panels.ClientsHeight(&m.snap, m.bodyHeight()-len(m.notice))
}
