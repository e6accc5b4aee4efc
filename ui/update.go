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
		m.scrollTable()
		m.scrollEvents(0)
		m.renderAll()
		return m, nil

	case snapshotMsg:
		prev := m.snap.Events
		m.snap, m.have = msg.snap, true
		m.reorder()
		m.followEvents(prev)
		m.expireStatus()
		m.syncKeys()
		m.renderAll()
		return m, waitSnapshot(m.snaps)

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
	k := &m.keys
	if keys.Is(msg, k.Quit) {
		if m.closing {
			return m, tea.Quit // asked twice: stop waiting for Close
		}
		return m.startClose()
	}
	if m.closing {
		return m, nil
	}
	var cmd tea.Cmd
	switch m.mode {
	case modeHelp:
		m = m.helpKey(msg)
	case modePlanning:
		if keys.Is(msg, k.Cancel) {
			m.mode = modeNormal
			m.planSeq++ // the dry run's answer will be ignored
		}
	case modeConfirm:
		m, cmd = m.confirmKey(msg)
	case modeFaults:
		m = m.faultKey(msg)
	default:
		m, cmd = m.normalKey(msg)
	}
	return m.changed(), cmd
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

func (m Model) normalKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := &m.keys
	var off bool
	switch {
	case keys.Is(msg, k.Help):
		m.mode, m.modalOff = modeHelp, 0
	case keys.Is(msg, k.Up):
		m.scroll(-1)
	case keys.Is(msg, k.Down):
		m.scroll(1)
	case keys.Is(msg, k.NextPanel):
		if m.focus == focusTable {
			m.focus = focusEvents
		} else {
			m.focus = focusTable
		}
		m.scrollTable() // the table and the log trade height with the focus
		m.scrollEvents(0)
	case keys.Is(msg, k.Sort):
		if m, off = m.refuse(keys.Sort); !off {
			m.sortBy = (m.sortBy + 1) % sortKeys
			m.reorder()
			m.setStatus(statusInfo, "sorted by "+m.sortBy.String())
		}
	case keys.Is(msg, k.Refresh):
		if m, off = m.refuse(keys.Refresh); !off {
			if sym, ok := m.selectedSymbol(); ok {
				m.b.Refresh(sym)
				m.setStatus(statusInfo, "refreshing "+sym)
			}
		}
	case keys.Is(msg, k.Reconnect):
		if m, off = m.refuse(keys.Reconnect); !off {
			m.b.Reconnect()
			m.setStatus(statusInfo, "reconnect requested")
		}
	case keys.Is(msg, k.KillZombies):
		if m, off = m.refuse(keys.KillZombies); !off {
			m.mode, m.modalOff = modePlanning, 0
			m.planSeq++
			return m, planKill(m.b, m.planSeq)
		}
	case keys.Is(msg, k.Faults):
		if m, off = m.refuse(keys.Faults); !off {
			m.mode, m.faultCur = modeFaults, 0
		}
	case keys.Is(msg, k.Confirm), keys.Is(msg, k.Cancel):
		if m.status != "" && !m.sticky {
			m.status = "" // esc clears a message
		}
	}
	return m, nil
}

// scroll moves whatever has the focus.
func (m *Model) scroll(d int) {
	if m.focus == focusEvents {
		m.scrollEvents(-d) // up goes back in time
		return
	}
	m.moveCursor(d)
}

func (m Model) helpKey(msg tea.KeyMsg) Model {
	k := &m.keys
	switch {
	case keys.Is(msg, k.Help), keys.Is(msg, k.Cancel):
		m.mode = modeNormal
	case keys.Is(msg, k.Up):
		m.modalOff = max(0, m.modalOff-1)
	case keys.Is(msg, k.Down):
		m.modalOff++
	}
	return m
}

func (m Model) confirmKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	k := &m.keys
	switch {
	case keys.Is(msg, k.Confirm):
		if m.plan.Empty() {
			m, _ = m.refuse(keys.Confirm)
			return m, nil
		}
		plan := m.plan
		m.mode, m.plan, m.killing = modeNormal, engine.KillPlan{}, true
		m.setStatus(statusWarn, "signalling "+plural(len(plan.Targets), "process", "processes")+"…")
		return m, kill(m.b, plan)
	case keys.Is(msg, k.Cancel):
		if !m.plan.Empty() {
			m.setStatus(statusInfo, "kill cancelled: nothing was signalled")
		}
		m.mode, m.plan = modeNormal, engine.KillPlan{}
	case keys.Is(msg, k.Up):
		m.modalOff = max(0, m.modalOff-1)
	case keys.Is(msg, k.Down):
		m.modalOff++
	}
	return m, nil
}

func (m Model) faultKey(msg tea.KeyMsg) Model {
	k := &m.keys
	s := msg.String()
	switch {
	case keys.Is(msg, k.Cancel), keys.Is(msg, k.Faults):
		m.mode = modeNormal
	case keys.Is(msg, k.Up):
		m.faultCur = max(0, m.faultCur-1)
	case keys.Is(msg, k.Down):
		m.faultCur = min(len(m.faults)-1, m.faultCur+1)
	case s == "enter" || keys.Is(msg, k.Confirm):
		m = m.inject(m.faultCur)
	case len(s) == 1 && s[0] >= '1' && s[0] <= '9':
		if i := int(s[0] - '1'); i < len(m.faults) {
			m = m.inject(i)
		}
	}
	return m
}

func (m Model) inject(i int) Model {
	name := m.faults[i]
	m.mode = modeNormal
	if err := m.b.InjectFault(name); err != nil {
		m.setStatus(statusBad, "fault "+name+" failed: "+err.Error())
		return m
	}
	m.setStatus(statusWarn, "fault injected: "+name)
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
	m.setStatus(statusWarn, "closing session… ("+m.keys.Quit.Help().Key+" again to quit without waiting)")
	m.sticky = true
	return m.changed(), closeSession(m.b)
}
