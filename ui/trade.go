package ui

import (
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/account"
	"github.com/robotui/robotui/engine/signal"
	"github.com/robotui/robotui/ui/keys"
	"github.com/robotui/robotui/ui/panels"
)

// detailState is the open detail view's symbol and the bars read for it.
type detailState struct {
	symbol  string
	seq     int // the newest read asked for; older answers are ignored
	bars    []engine.Bar
	recs    []engine.SignalRecord
	perf    []signal.Performance
	barTime time.Time // the symbol's newest closed bar when the bars were asked for
	count   int       // and how many it held
}

// barsMsg is a symbol's bars, read off Update.
type barsMsg struct {
	symbol string
	seq    int
	bars   []engine.Bar
	recs   []engine.SignalRecord
	perf   []signal.Performance
}

// readBars reads the symbol's bars and how its strategies have done on them.
func readBars(b Backend, symbol string, seq int) tea.Cmd {
	return func() tea.Msg {
		bars, recs := b.ClosedBars(symbol)
		return barsMsg{symbol: symbol, seq: seq, bars: bars, recs: recs, perf: b.Performance(symbol)}
	}
}

// stripHeight is the account strip's: one line once there is a snapshot.
func (m Model) stripHeight() int {
	if m.have {
		return 1
	}
	return 0
}

// book is the account shown; nil without account data.
func (m Model) book() *account.Book {
	if len(m.snap.Accounts) == 0 {
		return nil
	}
	return &m.snap.Accounts[min(max(0, m.acct), len(m.snap.Accounts)-1)]
}

func (m Model) acctIndex() int { return min(max(0, m.acct), max(0, len(m.snap.Accounts)-1)) }

// positionsHeight is the positions panel's: what its rows need, at most half
// of what the table and the log leave; none when even one row does not fit.
func (m Model) positionsHeight() int {
	b := m.book()
	if b == nil {
		return 0
	}
	want := panels.PositionsHeight(max(1, len(b.Positions)))
	room := (m.bodyHeight() - len(m.notice) - m.stripHeight() - m.clientsHeight() - minTable - minEvents) / 2
	if h := min(want, room); h >= panels.PositionsHeight(1) {
		return h
	}
	return 0
}

func (m *Model) renderPositions(w int) []string {
	h := m.positionsHeight()
	if h == 0 {
		return nil
	}
	b := m.book()
	by := panels.PositionSorts[m.posSort%len(panels.PositionSorts)]
	m.posOrder = panels.SortPositions(b.Positions, by, m.posOrder)
	m.movePosition(0)
	return panels.Positions(m.th, b, panels.PositionTable{Order: m.posOrder, SortBy: by, Cursor: m.posCur, Offset: m.posOff,
		Focused: m.focus == focusPositions}, w, h)
}

// movePosition moves the positions panel's selection by d and keeps it in view.
func (m *Model) movePosition(d int) {
	n := len(m.posOrder)
	rows := max(1, m.positionsHeight()-4)
	m.posCur = min(max(0, m.posCur+d), max(0, n-1))
	if m.posCur < m.posOff {
		m.posOff = m.posCur
	}
	if m.posCur >= m.posOff+rows {
		m.posOff = m.posCur - rows + 1
	}
	m.posOff = max(0, min(m.posOff, n-rows))
}

// openPositionDetail opens the detail of the selected position's symbol.
func (m Model) openPositionDetail() (Model, tea.Cmd) {
	b := m.book()
	if b == nil || m.posCur >= len(m.posOrder) || m.posOrder[m.posCur] >= len(b.Positions) {
		return m, nil
	}
	return m.openSymbol(b.Positions[m.posOrder[m.posCur]].Symbol)
}

// openDetail opens the selected symbol's detail and asks for its bars.
func (m Model) openDetail() (Model, tea.Cmd) {
	sym, ok := m.selectedSymbol()
	if !ok {
		return m, nil
	}
	return m.openSymbol(sym)
}

// openSymbol opens sym's detail and asks for its bars (none when it is not
// on the watchlist: the detail then shows its position and quote alone).
func (m Model) openSymbol(sym string) (Model, tea.Cmd) {
	m.mode = modeDetail
	m.detail = detailState{symbol: sym, seq: m.detail.seq + 1}
	if r := m.detailRow(); r != nil {
		m.detail.barTime, m.detail.count = r.BarTime, r.Bars
	}
	return m, readBars(m.b, sym, m.detail.seq)
}

// detailRow is the detail's symbol in the snapshot; nil when it left.
func (m Model) detailRow() *engine.SymbolRow {
	i := slices.IndexFunc(m.snap.Symbols, func(r engine.SymbolRow) bool { return r.Symbol == m.detail.symbol })
	if i < 0 {
		return nil
	}
	return &m.snap.Symbols[i]
}

// refreshDetail asks for the bars again when a snapshot says they changed.
func (m *Model) refreshDetail() tea.Cmd {
	if m.mode != modeDetail {
		return nil
	}
	r := m.detailRow()
	if r == nil || r.BarTime.Equal(m.detail.barTime) && r.Bars == m.detail.count {
		return nil
	}
	m.detail.seq++
	m.detail.barTime, m.detail.count = r.BarTime, r.Bars
	return readBars(m.b, m.detail.symbol, m.detail.seq)
}

func (m Model) onBars(msg barsMsg) Model {
	if m.mode != modeDetail || msg.symbol != m.detail.symbol || msg.seq != m.detail.seq {
		return m // closed or asked again meanwhile
	}
	m.detail.bars, m.detail.recs, m.detail.perf = msg.bars, msg.recs, msg.perf
	return m.changed()
}

// viewKey handles the keys of the detail, executions and orders views.
func (m Model) viewKey(a keys.Action) Model {
	switch a {
	case keys.Cancel, keys.Open:
		m.mode, m.modalOff = modeNormal, 0
		m.detail.seq++ // a read still under way is ignored
	case keys.Up:
		m.modalOff = max(0, m.modalOff-1)
	case keys.Down:
		m.modalOff++
	}
	return m
}

func (m Model) nextAccount() Model {
	if n := len(m.snap.Accounts); n > 1 {
		m.acct = (m.acctIndex() + 1) % n
		m.posCur, m.posOff = 0, 0
		m.setStatus(statusInfo, "account "+m.snap.Accounts[m.acct].Account)
	}
	return m
}

func (m Model) sortPositions() Model {
	m.posSort = (m.posSort + 1) % len(panels.PositionSorts)
	m.setStatus(statusInfo, "positions sorted by "+panels.PositionSorts[m.posSort])
	return m
}

// tradeBody renders the detail, executions and orders views; false in
// any other mode.
func (m *Model) tradeBody(w, h int) ([]string, bool) {
	b := m.book()
	acct := ""
	if b != nil {
		acct = " · " + b.Account
	}
	back := m.hint(hintPart{keys.Cancel, "back"}) + " · " + m.keyLabel(keys.Up) + " " + m.keyLabel(keys.Down) + " scroll"
	var lines []string
	switch m.mode {
	case modeDetail:
		d := panels.Detail{Row: m.detailRow(), Symbol: m.detail.symbol, Bars: m.detail.bars, Recs: m.detail.recs, Perf: m.detail.perf, Book: b,
			NoQuote: slices.Contains(m.snap.NoQuotes, m.detail.symbol), Hint: m.hint(hintPart{keys.Cancel, "back"})}
		return panels.DetailView(m.th, &m.snap, d, w, h), true
	case modeExecutions:
		lines, m.modalOff = panels.Page(m.th, "Executions today"+acct, panels.ExecutionLines(m.th, &m.snap, b, panels.Inner(w)), back, m.modalOff, w, h)
	case modeOrders:
		lines, m.modalOff = panels.Page(m.th, "Open orders"+acct, panels.OrderLines(m.th, b, panels.Inner(w)), back, m.modalOff, w, h)
	default:
		return nil, false
	}
	return lines, true
}
