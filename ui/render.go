package ui

import (
	"strconv"
	"strings"

	"github.com/robotui/robotui/ui/keys"
	"github.com/robotui/robotui/ui/panels"
	"github.com/robotui/robotui/ui/theme"
)

// View joins the parts rendered when something changed.
func (m Model) View() string {
	switch {
	case m.width <= 0 || m.height <= 0:
		return ""
	case m.tooSmall():
		return m.small
	}
	return m.head + "\n" + m.top + "\n" + m.body + "\n" + m.foot
}

func (m Model) tooSmall() bool { return m.width < MinWidth || m.height < MinHeight }

// bodyHeight is what the notice, the table and the log share (or a dialog takes).
func (m Model) bodyHeight() int {
	return max(0, m.height-panels.HeaderHeight-panels.TopHeight-1)
}

// panesHeight is what the table and the log share below the notice, the
// account strip, the fan-out's clients and the positions panel.
func (m Model) panesHeight() int {
	return m.bodyHeight() - len(m.notice) - m.stripHeight() - m.positionsHeight() - m.clientsHeight()
}

// layoutNotice renders the notice (on a snapshot or a resize), left out
// when it would leave the table and the log less than a row each.
func (m *Model) layoutNotice() {
	m.notice = nil
	if m.have && m.width > 0 && !m.tooSmall() {
		if n := panels.Notice(m.th, &m.snap.Conn, m.width); len(n) <= m.bodyHeight()-minTable-minEvents {
			m.notice = n
		}
	}
}

// The least the table (header and one row) and the log (one line) get.
const (
	minTable  = 4
	minEvents = 3
)

// eventsHeight gives the log a few lines, or half the body when it has the
// focus; what one of the two panels does not need goes to the other.
func (m Model) eventsHeight() int {
	b := m.panesHeight()
	ev := min(max(b/4, 5), 12, max(0, b-5))
	if m.focus == focusEvents {
		ev = min(max(b/2, 5), max(0, b-5))
	}
	tableNeed := max(minTable, len(m.order)+3)
	logNeed := max(minEvents, len(m.evs)+2)
	switch {
	case b-ev > tableNeed: // no empty table rows: the log takes them, and fills them as events come
		ev = b - tableNeed
	case ev > logNeed: // an empty log: the table takes the rest
		ev = max(logNeed, b-tableNeed)
	}
	return min(max(ev, minEvents), max(0, b-minTable))
}

func (m Model) tableHeight() int { return m.panesHeight() - m.eventsHeight() }
func (m Model) tableRows() int   { return panels.TableRows(m.tableHeight()) }
func (m Model) eventRows() int   { return panels.EventRows(m.eventsHeight()) }

// renderAll rebuilds every part: on a snapshot or a resize.
func (m *Model) renderAll() {
	if m.width <= 0 || m.height <= 0 {
		return
	}
	if m.tooSmall() {
		m.small = strings.Join(panels.Small(m.th, m.title, m.width, m.height, MinWidth, MinHeight), "\n")
		return
	}
	m.head = strings.Join(m.header(), "\n")
	m.renderTop()
	m.renderBody()
	m.renderFooter()
}

func (m *Model) renderTop() {
	w := m.width / 3
	a := panels.Connection(m.th, &m.snap, m.have, w)
	b := panels.Keepalive(m.th, &m.snap, m.have, w)
	c := panels.Sockets(m.th, &m.snap, m.have, m.width-2*w)
	var sb strings.Builder
	for i := range a {
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(a[i])
		sb.WriteString(b[i])
		sb.WriteString(c[i])
	}
	m.top = sb.String()
}

func (m *Model) renderBody() {
	if m.width <= 0 || m.tooSmall() {
		return
	}
	if m.focus == focusPositions && m.positionsHeight() == 0 {
		m.focus = focusTable // the panel left for lack of room, or with the account data
	}
	w, h := m.width, m.bodyHeight()
	lines, trade := m.tradeBody(w, h)
	switch {
	case trade:
	case m.mode == modeHelp:
		lines, m.modalOff = panels.Modal(m.th, "Keys", panels.HelpLines(m.th, m.helpGroups(), m.modalInner()),
			m.hint(hintPart{keys.Cancel, "close"})+" · "+m.keyLabel(keys.Up)+" "+m.keyLabel(keys.Down)+" scroll", m.modalOff, w, h)
	case m.mode == modePlanning:
		lines, m.modalOff = panels.Modal(m.th, "Kill zombie sockets", panels.PlanningLines(m.th, m.modalInner()),
			m.hint(hintPart{keys.Cancel, "cancel"}), 0, w, h)
	case m.mode == modeConfirm:
		title, hint := "Kill zombie sockets", m.hint(hintPart{keys.Confirm, "confirm"}, hintPart{keys.Cancel, "cancel"})
		if m.plan.Port > 0 {
			title += " on :" + strconv.Itoa(m.plan.Port)
		}
		if m.plan.Empty() {
			hint = m.hint(hintPart{keys.Cancel, "close"})
		} else {
			title += "?"
		}
		body := panels.KillPlanLines(m.th, m.plan, m.modalInner())
		if _, ok := m.gateway(); ok && gatewaySide(m.plan) {
			body = append(body, "", panels.NewLine(m.modalInner()).Add(m.th.Bold, m.keyLabel(keys.GatewayMenu)+" gateway menu").
				Add(m.th.Warn, ": restarting the gateway clears them").String())
		}
		lines, m.modalOff = panels.Modal(m.th, title, body, hint, m.modalOff, w, h)
	case m.mode == modeFaults:
		view := max(1, h-4)
		off := min(max(0, m.faultCur-view+1), m.faultCur)
		lines, _ = panels.Modal(m.th, "Inject a simulator fault", panels.FaultLines(m.th, m.faults, m.snap.Faults, m.faultCur, m.modalInner()),
			m.keyLabel(keys.Up)+"/"+m.keyLabel(keys.Down)+" move · "+m.keyLabel(keys.Open)+"/"+m.keyLabel(keys.Confirm)+" inject · 1-9 pick · "+
				m.keyLabel(keys.Cancel)+" close", off, w, h)
	case m.mode == modeGateway || m.mode == modeGatewayConfirm:
		title, body, hint := m.gatewayLines(m.mode == modeGatewayConfirm)
		lines, m.modalOff = panels.Modal(m.th, title, body, hint, m.modalOff, w, h)
	case m.mode == modeHistory:
		lines, m.modalOff = panels.Modal(m.th, "History: the last 24 h", m.historyLines(m.modalInner()),
			m.hint(hintPart{keys.Cancel, "close"})+" · "+m.keyLabel(keys.Up)+" "+m.keyLabel(keys.Down)+" scroll", m.modalOff, w, h)
	case m.mode == modeEvent:
		lines, m.modalOff = panels.Modal(m.th, "Event", panels.EventLines(m.th, m.opened, &m.snap, m.modalInner()),
			m.hint(hintPart{keys.Cancel, "close"})+" · "+m.keyLabel(keys.Up)+" "+m.keyLabel(keys.Down)+" scroll", m.modalOff, w, h)
	default:
		st := panels.Table{Order: m.order, Cursor: m.cursor, Offset: m.offset, Focused: m.focus == focusTable, SortBy: m.sortBy.String()}
		lines = append(lines, m.notice...)
		if m.have {
			lines = append(lines, panels.AccountStrip(m.th, m.snap.Accounts, m.acctIndex(), w))
		}
		lines = append(lines, panels.Clients(m.th, &m.snap, w, m.clientsHeight())...)
		lines = append(lines, panels.Signals(m.th, &m.snap, st, w, m.tableHeight())...)
		lines = append(lines, m.renderPositions(w)...)
		lg := panels.Log{Events: m.evs, Total: len(m.snap.Events), Back: m.back, Focused: m.focus == focusEvents,
			Filter: m.filter, Editing: m.mode == modeFilter}
		lines = append(lines, panels.Events(m.th, &m.snap, lg, w, m.eventsHeight())...)
	}
	m.body = strings.Join(lines, "\n")
}

func (m Model) modalInner() int { return panels.Inner(panels.ModalWidth(m.width)) }

// hintPart is one "keys what" of a dialog's hint line.
type hintPart struct {
	action keys.Action
	what   string
}

// hint is "y confirm · n/esc cancel" from the current bindings.
func (m Model) hint(parts ...hintPart) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = m.keyLabel(p.action) + " " + p.what
	}
	return strings.Join(out, " · ")
}

// keyLabel is the help's spelling of an action's keys: "n/esc".
func (m Model) keyLabel(a keys.Action) string { return m.keys.Binding(a).Help().Key }

func (m *Model) renderFooter() {
	if m.width <= 0 || m.tooSmall() {
		return
	}
	items := make([]panels.HelpItem, len(keys.ShortActions))
	for i, a := range keys.ShortActions {
		items[i] = m.helpItem(a)
		items[i].Key = keys.Display(m.keys.Binding(a).Keys()[0]) // the footer shows one key each
		d, _ := keys.Lookup(a)
		items[i].Keep = d.Pinned
	}
	m.foot = panels.Footer(m.th, items, m.status, m.statusPaint(), m.width)
}

func (m Model) helpItem(a keys.Action) panels.HelpItem {
	b := m.keys.Binding(a)
	it := panels.HelpItem{Key: b.Help().Key, Desc: b.Help().Desc, Enabled: b.Enabled(), Why: m.why[a]}
	// Coming everywhere it acts on the main screen: not built at all yet.
	if d, _ := keys.Lookup(a); d.Coming != 0 && d.Coming == d.Scope&keys.Main {
		it.Desc += " (coming)"
		it.Enabled = false
	}
	return it
}

func (m Model) helpGroups() []panels.HelpGroup {
	out := make([]panels.HelpGroup, len(keys.FullGroups))
	for i, g := range keys.FullGroups {
		out[i].Title = g.Title
		for _, a := range g.Actions {
			out[i].Items = append(out[i].Items, m.helpItem(a))
		}
	}
	return out
}

func (m Model) statusPaint() theme.Paint {
	switch m.statusKind {
	case statusGood:
		return m.th.Good
	case statusWarn:
		return m.th.Warn
	case statusBad:
		return m.th.BoldBad
	}
	return m.th.Accent
}
