package ui

import (
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/keys"
)

// Update handles one message. It never blocks: Kill, Close and PlanKill run
// in the commands it returns.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layoutNotice()
		m.scrollTable()
		m.scrollEvents(0)
		m.renderAll()
		return m, nil

	case snapshotMsg:
		prev := m.evs
		m.snap, m.have = msg.snap, true
		m.refilter()
		m.layoutNotice()
		m.reorder()
		m.followEvents(prev)
		m.expireStatus()
		m.bell = false
		m.noteAlerts()
		m.syncKeys()
		m.renderAll()
		if cmd := m.refreshDetail(); cmd != nil {
			return m, tea.Batch(waitSnapshot(m.snaps), cmd)
		}
		return m, waitSnapshot(m.snaps)

	case barsMsg:
		return m.onBars(msg), nil

	case ibcDoneMsg:
		return m.ibcDone(msg).changed(), nil

	case historyMsg:
		return m.historyDone(msg).changed(), nil

	case engineStoppedMsg:
		m.stopped = true
		if m.closing {
			return m, nil // Close is still running: wait for it to return
		}
		return m, tea.Quit

	case planMsg:
		if m.mode != modePlanning || msg.seq != m.planSeq {
			return m, nil // cancelled meanwhile
		}
		m.mode, m.plan, m.modalOff = modeConfirm, msg.plan, 0
		return m.changed(), nil

	case killDoneMsg:
		m.killing = false
		m.setStatus(killStatus(msg.plan, msg.results))
		return m.changed(), nil

	case closedMsg:
		m.closed = true
		return m, tea.Quit

	case signalMsg:
		if m.closing {
			return m, nil
		}
		return m.startClose()

	case tea.KeyMsg:
		// Keys typed faster than the terminal is read arrive as one message
		// ("jjj"); each is a key press of its own. A paste is not.
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			return m.typed(msg)
		}
		return m.key(msg)
	}
	return m, nil
}

// typed handles keystrokes that arrived in one read, which Bubble Tea
// delivers as one message ("9r" for 9 then r, on a loaded machine or a slow
// link): each rune is a key of its own, in order.
func (m Model) typed(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	var next tea.Model = m
	cmds := make([]tea.Cmd, 0, len(msg.Runes))
	for _, r := range msg.Runes {
		var cmd tea.Cmd
		next, cmd = next.(Model).key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
		cmds = append(cmds, cmd)
	}
	return next, tea.Sequence(cmds...)
}

// changed re-derives what depends on the state and re-renders what a key
// can change.
func (m Model) changed() Model {
	m.syncKeys()
	m.renderBody()
	m.renderFooter()
	return m
}

func (m Model) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if m.mode == modeFilter && !m.closing && !m.tooSmall() && msg.Type != tea.KeyCtrlC {
		return m.filterKey(msg).changed(), nil // typed text, not key actions
	}
	a, _ := m.keys.Resolve(msg, m.scope())
	if a == keys.Quit {
		if m.closing {
			return m, tea.Quit // asked twice: stop waiting for Close
		}
		return m.startClose()
	}
	if m.closing || m.tooSmall() {
		return m, nil // nothing acts unseen behind the "too small" screen
	}
	var cmd tea.Cmd
	switch m.mode {
	case modeHelp:
		m = m.helpKey(a)
	case modePlanning:
		if a == keys.Cancel {
			m.mode = modeNormal
			m.planSeq++ // the dry run's answer will be ignored
		}
	case modeConfirm:
		m, cmd = m.confirmKey(a)
	case modeFaults:
		m = m.faultKey(a, msg)
	case modeEvent:
		m = m.eventKey(a)
	case modeGateway:
		m, cmd = m.gatewayKey(a, msg)
	case modeGatewayConfirm:
		m, cmd = m.gatewayConfirmKey(a)
	case modeDetail, modeExecutions, modeOrders:
		m = m.viewKey(a)
	case modeHistory:
		m = m.historyKey(a)
	default:
		m, cmd = m.normalKey(a, msg)
	}
	return m.changed(), cmd
}

// scope is where keys act now: an open dialog, or the focused panel.
func (m Model) scope() keys.Scope {
	switch {
	case m.mode != modeNormal:
		return keys.Dialog
	case m.focus == focusEvents:
		return keys.Log
	}
	return keys.Table
}

// refuse explains why a key that cannot act now did nothing.
func (m Model) refuse(a keys.Action) (Model, bool) {
	why, off := m.why[a]
	if off {
		b := m.keys.Binding(a)
		m.setStatus(statusWarn, b.Help().Key+" "+b.Help().Desc+": unavailable, "+why)
	}
	return m, off
}

func (m Model) normalKey(a keys.Action, msg tea.KeyMsg) (Model, tea.Cmd) {
	if d, ok := keys.Lookup(a); ok && d.Coming&m.scope() != 0 {
		b := m.keys.Binding(a)
		m.setStatus(statusInfo, b.Help().Key+" "+b.Help().Desc+": coming in a later version")
		return m, nil
	}
	if m, off := m.refuse(a); off {
		return m, nil
	}
	switch a {
	case keys.Help:
		m.mode, m.modalOff = modeHelp, 0
	case keys.Up:
		m.scroll(-1)
	case keys.Down:
		m.scroll(1)
	case keys.Top:
		m.scroll(-m.scrollSpan())
	case keys.Bottom:
		m.scroll(m.scrollSpan())
	case keys.PageUp:
		m.scroll(-m.page())
	case keys.PageDown:
		m.scroll(m.page())
	case keys.Open:
		switch m.focus {
		case focusTable:
			return m.openDetail()
		case focusPositions:
			return m.openPositionDetail()
		}
		if len(m.evs) > 0 {
			m.opened, m.mode, m.modalOff = m.evs[len(m.evs)-1-m.back], modeEvent, 0
		}
	case keys.Executions:
		m.mode, m.modalOff = modeExecutions, 0
	case keys.OpenOrders:
		m.mode, m.modalOff = modeOrders, 0
	case keys.NextAccount:
		m = m.nextAccount()
	case keys.PosSort:
		m = m.sortPositions()
	case keys.Filter: // in the log
		m.mode = modeFilter
	case keys.NextPanel:
		switch {
		case m.focus == focusTable && m.positionsHeight() > 0:
			m.focus = focusPositions
		case m.focus != focusEvents:
			m.focus = focusEvents
		default:
			m.focus, m.back = focusTable, 0 // the log follows the newest again
		}
		m.scrollTable() // the table and the log trade height with the focus
		m.scrollEvents(0)
	case keys.Sort:
		m.sortBy = (m.sortBy + 1) % sortKeys
		m.reorder()
		m.setStatus(statusInfo, "sorted by "+m.sortBy.String())
	case keys.Refresh:
		if sym, ok := m.selectedSymbol(); ok {
			m.b.Refresh(sym)
			m.setStatus(statusInfo, "refreshing "+sym)
		}
	case keys.Reconnect:
		m.b.Reconnect()
		m.setStatus(statusInfo, "reconnect requested")
	case keys.KillZombies:
		m.mode, m.modalOff = modePlanning, 0
		m.planSeq++
		return m, planKill(m.b, m.planSeq)
	case keys.Faults:
		m.mode, m.faultCur = modeFaults, 0
	case keys.GatewayMenu:
		m = m.openGateway()
	case keys.History:
		return m.openHistory()
	case "":
		// The dialog keys do nothing here but clear a message.
		if (m.keys.Is(msg, keys.Confirm) || m.keys.Is(msg, keys.Cancel)) && m.status != "" && !m.sticky {
			m.status = ""
		}
	}
	return m, nil
}

// scrollSpan is a move long enough to reach either end of the focused panel.
func (m Model) scrollSpan() int { return len(m.order) + len(m.evs) + len(m.posOrder) }

// page is one screenful of the focused panel.
func (m Model) page() int {
	switch m.focus {
	case focusEvents:
		return max(1, m.eventRows())
	case focusPositions:
		return max(1, m.positionsHeight()-4)
	}
	return max(1, m.tableRows())
}

func (m Model) eventKey(a keys.Action) Model {
	switch a {
	case keys.Cancel, keys.Open, keys.Confirm:
		m.mode = modeNormal
	case keys.Up:
		m.modalOff = max(0, m.modalOff-1)
	case keys.Down:
		m.modalOff++
	}
	return m
}

// filterKey edits the log's filter, which applies as it is typed: enter
// keeps it, esc clears it.
func (m Model) filterKey(msg tea.KeyMsg) Model {
	switch msg.Type {
	case tea.KeyEnter:
		m.mode = modeNormal
	case tea.KeyEsc:
		m.mode, m.filter = modeNormal, ""
	case tea.KeyBackspace:
		if r := []rune(m.filter); len(r) > 0 {
			m.filter = string(r[:len(r)-1])
		}
	case tea.KeyRunes, tea.KeySpace:
		m.filter += string(msg.Runes)
	default:
		return m
	}
	m.refilter()
	m.back = 0
	m.scrollTable() // the log's share of the body follows what it holds
	m.scrollEvents(0)
	return m
}

// scroll moves whatever has the focus.
func (m *Model) scroll(d int) {
	switch m.focus {
	case focusEvents:
		m.scrollEvents(-d) // up goes back in time
	case focusPositions:
		m.movePosition(d)
	default:
		m.moveCursor(d)
	}
}

func (m Model) helpKey(a keys.Action) Model {
	switch a {
	case keys.Help, keys.Cancel:
		m.mode = modeNormal
	case keys.Up:
		m.modalOff = max(0, m.modalOff-1)
	case keys.Down:
		m.modalOff++
	}
	return m
}

func (m Model) confirmKey(a keys.Action) (Model, tea.Cmd) {
	switch a {
	case keys.Confirm:
		if m.plan.Empty() {
			m, _ = m.refuse(keys.Confirm)
			return m, nil
		}
		plan := m.plan
		m.mode, m.plan, m.killing = modeNormal, engine.KillPlan{}, true
		m.setStatus(statusWarn, "signalling "+plural(len(plan.Targets), "process", "processes")+"…")
		return m, kill(m.b, plan)
	case keys.Cancel:
		if !m.plan.Empty() {
			m.setStatus(statusInfo, "kill cancelled: nothing was signalled")
		}
		m.mode, m.plan = modeNormal, engine.KillPlan{}
	case keys.GatewayMenu: // the cure for gateway-side zombies
		if _, ok := m.gateway(); ok {
			m.plan = engine.KillPlan{}
			m = m.openGateway()
		}
	case keys.Up:
		m.modalOff = max(0, m.modalOff-1)
	case keys.Down:
		m.modalOff++
	}
	return m, nil
}

func (m Model) faultKey(a keys.Action, msg tea.KeyMsg) Model {
	s := msg.String()
	switch {
	case a == keys.Cancel, a == keys.Faults:
		m.mode = modeNormal
	case a == keys.Up:
		m.faultCur = max(0, m.faultCur-1)
	case a == keys.Down:
		m.faultCur = min(len(m.faults)-1, m.faultCur+1)
	case a == keys.Open, a == keys.Confirm:
		m = m.inject(m.faultCur)
	case a == "" && len(s) == 1 && s[0] >= '1' && s[0] <= '9':
		if i := int(s[0] - '1'); i < len(m.faults) {
			m = m.inject(i)
		}
	}
	return m
}

func (m Model) inject(i int) Model {
	name := m.faults[i]
	m.mode = modeNormal
	done, err := m.b.InjectFault(name)
	if err != nil {
		m.setStatus(statusBad, "fault "+name+" failed: "+err.Error())
		return m
	}
	m.setStatus(statusWarn, done)
	return m
}

// killStatus sums up a kill: "kill: pid 4242 python3 killed · pid 4243
// node gone · 1 left alone". The engine also reports the plan's refusals as
// results; they were announced in the dialog, so they are only counted.
func killStatus(plan engine.KillPlan, results []engine.KillResult) (statusKind, string) {
	targets := make(map[int]bool, len(plan.Targets))
	for _, t := range plan.Targets {
		targets[t.PID] = true
	}
	kind := statusGood
	var parts []string
	left := 0
	for _, r := range results {
		if !targets[r.PID] {
			left++
			continue
		}
		p := "pid " + strconv.Itoa(r.PID) + " " + r.Command + " " + r.Result
		if r.Result != "killed" && r.Result != "gone" {
			kind = statusWarn
			if r.Reason != "" {
				p += " (" + r.Reason + ")"
			}
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return statusWarn, "kill: nothing was signalled"
	}
	if left > 0 {
		parts = append(parts, strconv.Itoa(left)+" left alone")
	}
	return kind, "kill: " + strings.Join(parts, " · ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// startClose closes the session in a command; closedMsg then quits.
func (m Model) startClose() (tea.Model, tea.Cmd) {
	m.closing, m.mode = true, modeNormal
	m.setStatus(statusWarn, "closing session… ("+m.keys.Binding(keys.Quit).Help().Key+" again to quit without waiting)")
	m.sticky = true
	return m.changed(), closeSession(m.b)
}
