package ui

import (
	"context"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/robotui/robotui/conn/ibc"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/keys"
	"github.com/robotui/robotui/ui/panels"
)

// GatewayControl is a backend that can send IBC commands (the engine is one).
type GatewayControl interface {
	IBCConfigured() bool
	GatewayCommand(ctx context.Context, cmd ibc.Command) (ibc.Reply, error)
}

// AlertView is what the console shows of the alerts (engine/alert's Manager
// through cmd): the keys firing and the sinks failing.
type AlertView interface {
	Firing() []string
	FailingSinks() []string
}

type ibcDoneMsg struct {
	cmd   ibc.Command
	reply ibc.Reply
	err   error
}

func (m Model) gateway() (GatewayControl, bool) {
	g, ok := m.b.(GatewayControl)
	return g, ok && g.IBCConfigured()
}

// sendIBC runs the command in a tea.Cmd: it is a network round trip.
func sendIBC(g GatewayControl, cmd ibc.Command) tea.Cmd {
	return func() tea.Msg {
		r, err := g.GatewayCommand(context.Background(), cmd)
		return ibcDoneMsg{cmd: cmd, reply: r, err: err}
	}
}

// openGateway opens the gateway menu (key I).
func (m Model) openGateway() Model {
	m.mode, m.gwCur, m.modalOff = modeGateway, 0, 0
	return m
}

func (m Model) gatewayKey(a keys.Action, msg tea.KeyMsg) (Model, tea.Cmd) {
	s := msg.String()
	switch {
	case a == keys.Cancel, a == keys.GatewayMenu:
		m.mode = modeNormal
	case a == keys.Up:
		m.gwCur = max(0, m.gwCur-1)
	case a == keys.Down:
		m.gwCur = min(len(ibc.Commands)-1, m.gwCur+1)
	case a == keys.Open:
		m.mode = modeGatewayConfirm
	case a == "" && len(s) == 1 && s[0] >= '1' && int(s[0]-'1') < len(ibc.Commands):
		m.gwCur, m.mode = int(s[0]-'1'), modeGatewayConfirm
	}
	return m, nil
}

func (m Model) gatewayConfirmKey(a keys.Action) (Model, tea.Cmd) {
	switch a {
	case keys.Confirm:
		g, ok := m.gateway()
		m.mode = modeNormal
		if !ok {
			return m, nil
		}
		cmd := ibc.Commands[m.gwCur].Command
		m.setStatus(statusWarn, "gateway "+string(cmd)+" sent…")
		return m, sendIBC(g, cmd)
	case keys.Cancel:
		m.mode = modeGateway
		m.setStatus(statusInfo, "nothing was sent")
	}
	return m, nil
}

func (m Model) ibcDone(msg ibcDoneMsg) Model {
	switch {
	case msg.err != nil:
		m.setStatus(statusBad, "gateway "+string(msg.cmd)+": "+msg.err.Error())
	case !msg.reply.OK:
		m.setStatus(statusBad, "gateway "+string(msg.cmd)+": "+msg.reply.Text)
	default:
		m.setStatus(statusGood, "gateway "+string(msg.cmd)+": "+msg.reply.Text)
	}
	return m
}

// gatewayLines are the menu, or with confirm the chosen command's full effect.
func (m Model) gatewayLines(confirm bool) (title string, lines []string, hint string) {
	inner := m.modalInner()
	if confirm {
		c := ibc.Commands[m.gwCur]
		lines = append(lines, panels.NewLine(inner).Add(m.th.Bold, string(c.Command)+"?").String())
		for _, w := range panels.Wrap(c.Does, inner, 6) {
			lines = append(lines, panels.NewLine(inner).Add(m.th.Warn, w).String())
		}
		lines = append(lines, panels.NewLine(inner).Add(m.th.Muted, "at most one command a minute").String())
		return "Gateway (IBC): " + string(c.Command), lines, m.hint(hintPart{keys.Confirm, "send"}, hintPart{keys.Cancel, "back"})
	}
	for i, c := range ibc.Commands {
		p := m.th.Normal
		mark := "  "
		if i == m.gwCur {
			p, mark = m.th.Bold, "▸ "
		}
		lines = append(lines, panels.NewLine(inner).Add(p, mark+strconv.Itoa(i+1)+" "+string(c.Command)).String())
		for _, w := range panels.Wrap(c.Does, inner-6, 3) {
			lines = append(lines, panels.NewLine(inner).Add(m.th.Muted, "      "+w).String())
		}
	}
	return "Gateway (IBC) menu", lines, m.keyLabel(keys.Up) + "/" + m.keyLabel(keys.Down) + " move · " +
		m.keyLabel(keys.Open) + " choose · 1-4 pick · " + m.keyLabel(keys.Cancel) + " close"
}

// noteAlerts compares the firing alerts with the last look: a new one rings
// the bell (once, in the next frame) and flashes the header for flashFor.
func (m *Model) noteAlerts() {
	if m.alerts == nil {
		return
	}
	firing := m.alerts.Firing()
	for _, k := range firing {
		if !m.firing[k] {
			m.bell, m.flashUntil = m.ring, m.snap.At.Add(flashFor)
			m.setStatus(statusBad, "ALERT "+k)
			break
		}
	}
	m.firing = make(map[string]bool, len(firing))
	for _, k := range firing {
		m.firing[k] = true
	}
	m.failingSinks = m.alerts.FailingSinks()
}

const flashFor = 2 * time.Second

// gatewaySide says whether the plan left gateway-side zombies alone.
func gatewaySide(p engine.KillPlan) bool {
	for _, r := range p.Refused {
		if r.Side == "gateway" {
			return true
		}
	}
	return false
}

// header is the header panel, with the restart window, the alerts and the flash.
func (m Model) header() []string {
	lines := panels.Header(m.th, m.title, &m.snap, m.have, m.width)
	extra := panels.NewLine(m.width)
	if c := m.snap.Conn; c.Expected {
		extra.Add(m.th.Warn, "gateway restart window until "+c.ExpectedUntil.Format("15:04"))
		if c.ExpectedWhat != "" {
			extra.Add(m.th.Muted, " ("+c.ExpectedWhat+")")
		}
	}
	if n := len(m.firing); n > 0 {
		p := m.th.Bad
		if m.snap.At.Before(m.flashUntil) && m.snap.At.Second()%2 == 0 {
			p = m.th.BoldBad
		}
		extra.Add(p, " ALERTS "+strconv.Itoa(n))
	}
	if n := len(m.failingSinks); n > 0 {
		extra.Add(m.th.Bad, " sink failing: "+m.failingSinks[0])
		if n > 1 {
			extra.Add(m.th.Bad, " +"+strconv.Itoa(n-1))
		}
	}
	if s := extra.String(); len(m.firing) > 0 || m.snap.Conn.Expected || len(m.failingSinks) > 0 {
		lines[len(lines)-1] = s // the second line carries the alert state while there is one
	}
	if m.bell {
		lines[0] += "\a"
	}
	return lines
}
