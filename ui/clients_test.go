package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/robotui/robotui/conn/fanout"
	"github.com/robotui/robotui/engine"
)

func withFanout(s *engine.Snapshot) {
	s.Fanout = &fanout.Stats{
		Addr: "127.0.0.1:4102", MarketDataLines: 3, MarketDataLimit: 100, Refused: 1,
		Clients: []fanout.ClientInfo{
			{Addr: "127.0.0.1:51000", ClientID: 7, Version: 178, Library: "ib_async", Subscriptions: 3, MsgsIn: 40, MsgsOut: 900, Since: s.At.Add(-90 * time.Second)},
			{Addr: "127.0.0.1:51002", ClientID: 12, Version: 193, Library: "@stoqey/ib", Subscriptions: 1, MsgsIn: 5, MsgsOut: 20, Refused: 1, Since: s.At.Add(-5 * time.Second)},
		},
	}
}

// The clients panel shows each program of the fan-out above the table and
// leaves the screen its exact size.
func TestClientsPanel(t *testing.T) {
	f := newFake(t)
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
		m := ready(t, f, sz[0], sz[1], buildSnapshot(10, withFanout))
		v := m.View()
		checkFits(t, v, sz[0], sz[1])
		if got := lipgloss.Height(v); got != sz[1] {
			t.Errorf("%dx%d: %d lines", sz[0], sz[1], got)
		}
		for _, want := range []string{"Clients 2", "127.0.0.1:51000", "ib_async", "@stoqey/ib", "lines 3/100", "since 1m30s"} {
			if !strings.Contains(v, want) {
				t.Errorf("%dx%d: no %q in\n%s", sz[0], sz[1], want, v)
			}
		}
	}
	m := ready(t, f, 120, 40, buildSnapshot(10))
	if strings.Contains(m.View(), "Clients") {
		t.Error("a clients panel with the fan-out off")
	}
}
