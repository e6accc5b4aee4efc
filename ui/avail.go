package ui

import (
	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/ui/keys"
)

// availability says, for each action that cannot act right now, why. The
// keys stay on screen, dimmed, and pressing one shows the reason.
func (m Model) availability() map[keys.Action]string {
	why := make(map[keys.Action]string)
	if m.closing {
		for _, a := range keys.Actions {
			if a != keys.Quit {
				why[a] = "closing the session"
			}
		}
		return why
	}
	switch {
	case !m.have:
		why[keys.Reconnect] = "waiting for the engine"
	case m.snap.Conn.State == conn.Connecting || m.snap.Conn.State == conn.Handshaking:
		why[keys.Reconnect] = "already " + m.snap.Conn.State.String()
	case m.snap.Conn.State == conn.Closed:
		why[keys.Reconnect] = "the session is closed"
	}
	switch {
	case m.killing:
		why[keys.KillZombies] = "a kill is in progress"
	case m.mode == modePlanning || m.mode == modeConfirm:
		why[keys.KillZombies] = "the kill dialog is open"
	case m.zombieCount() == 0:
		why[keys.KillZombies] = "no zombie sockets"
	}
	if len(m.faults) == 0 {
		why[keys.Faults] = "only with --sim"
	}
	if _, ok := m.gateway(); !ok {
		why[keys.GatewayMenu] = "no IBC command server: set [ibc] command_port"
	}
	if _, ok := m.historySource(); !ok {
		why[keys.History] = "no journal (--no-journal, or another robotui holds it)"
	}
	if len(m.order) == 0 {
		why[keys.Sort] = "no symbols"
		why[keys.Refresh] = "no symbols"
	}
	if len(m.snap.Accounts) < 2 {
		why[keys.NextAccount] = "one account"
	}
	if b := m.book(); b == nil || len(b.Positions) < 2 || m.positionsHeight() == 0 {
		why[keys.PosSort] = "no positions to sort"
	}
	switch m.mode {
	case modeNormal:
		why[keys.Confirm] = "no dialog open"
		why[keys.Cancel] = "no dialog open"
	case modeHelp, modePlanning, modeGateway, modeDetail, modeExecutions, modeOrders, modeHistory:
		why[keys.Confirm] = "nothing to confirm"
	case modeConfirm:
		if m.plan.Empty() {
			why[keys.Confirm] = "nothing is safe to kill"
		}
	}
	return why
}

// syncKeys enables exactly the bindings that can act now.
func (m *Model) syncKeys() {
	m.why = m.availability()
	for _, a := range keys.Actions {
		_, off := m.why[a]
		m.keys.Binding(a).SetEnabled(!off)
	}
}
