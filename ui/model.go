package ui

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/keys"
	"github.com/robotui/robotui/ui/theme"
)

// The smallest terminal the full screen fits; below it a "too small" screen.
const (
	MinWidth  = 80
	MinHeight = 24
)

// ErrNoBackend is returned by New and Run without a Backend.
var ErrNoBackend = errors.New("ui: no backend")

type mode int

const (
	modeNormal         mode = iota
	modeHelp                // the full help
	modePlanning            // waiting for the kill dry run
	modeConfirm             // the kill confirmation
	modeFaults              // the simulator's fault menu
	modeEvent               // one log line in full
	modeFilter              // typing the log's filter
	modeGateway             // the gateway (IBC) menu
	modeGatewayConfirm      // one IBC command, asking for y
	modeDetail              // a symbol's detail: chart, quote, position, crosses
	modeExecutions          // today's executions of the account shown
	modeOrders              // the open orders of the account shown
	modeHistory             // the journal's last 24 h (key H)
)

type focus int

const (
	focusTable focus = iota
	focusEvents
	focusPositions // the positions panel: its keys are the table's
)

type statusKind int

const (
	statusInfo statusKind = iota
	statusGood
	statusWarn
	statusBad
)

// statusTTL is how long, in snapshot time, a status message stays.
const statusTTL = 10 * time.Second

// Model is the console's state. Its rendered parts are cached strings built
// when something changes; View only joins them.
type Model struct {
	b      Backend
	snaps  <-chan engine.Snapshot
	keys   keys.KeyMap
	th     *theme.Theme
	title  string
	faults []string

	width, height int
	snap          engine.Snapshot
	have          bool

	order    []int // indexes into snap.Symbols, sorted
	selected string
	cursor   int
	offset   int
	sortBy   sortKey
	back     int // events scrolled back from the newest
	focus    focus
	filter   string             // the log's filter, "" for none
	evs      []engine.EventLine // the log's events after the filter
	opened   engine.EventLine   // the line modeEvent shows
	// The History view: the summary, while it is read, and why it failed.
	hist        engine.History
	histErr     error
	histLoading bool
	histSeq     int
	notice      []string // the box above the table while the session is not up

	mode     mode
	plan     engine.KillPlan
	planSeq  int
	modalOff int
	faultCur int
	gwCur    int // the gateway menu's cursor

	alerts       AlertView
	ring         bool            // ring the bell on a new alert
	firing       map[string]bool // alert keys firing at the last snapshot
	failingSinks []string
	bell         bool      // the next frame rings
	flashUntil   time.Time // snapshot time until which the header flashes

	killing bool
	closing bool // Close is running
	closed  bool // Close returned
	stopped bool // the engine closed the snapshot channel

	status     string
	statusKind statusKind
	statusAt   time.Time // snapshot time when the status was set
	sticky     bool

	why map[keys.Action]string // why an action cannot act now; absent = it can

	acct     int   // the account shown: an index into snap.Accounts (clamped when drawn)
	posSort  int   // the positions panel's order: an index into panels.PositionSorts
	posOrder []int // indexes into the shown book's positions, sorted
	posCur   int   // the selected position: an index into posOrder
	posOff   int   // the first position shown
	detail   detailState

	head, top, body, foot, small string
}

// New builds the console for b. It reads the colour profile and background
// of lipgloss's default renderer, so decide those first (Run does). It fails
// on bad key bindings.
func New(b Backend, opts Options) (Model, error) {
	if b == nil {
		return Model{}, ErrNoBackend
	}
	km, err := keys.New(opts.Keys)
	if err != nil {
		return Model{}, fmt.Errorf("ui: key bindings: %w", err)
	}
	m := Model{
		b:      b,
		snaps:  b.Snapshots(),
		keys:   km,
		th:     theme.New(lipgloss.DefaultRenderer(), theme.DefaultPalette()),
		title:  cmp.Or(opts.Title, "robotui"),
		faults: b.FaultNames(),
		alerts: opts.Alerts,
		ring:   opts.Bell,
	}
	m.syncKeys()
	m.renderAll()
	return m, nil
}

// Init starts waiting for snapshots.
func (m Model) Init() tea.Cmd { return waitSnapshot(m.snaps) }

// Closed reports whether the program ended after Backend.Close returned.
func (m Model) Closed() bool { return m.closed }

func (m *Model) setStatus(kind statusKind, text string) {
	m.status, m.statusKind, m.sticky = text, kind, false
	m.statusAt = m.snap.At
}

// expireStatus drops a status older than statusTTL in snapshot time.
func (m *Model) expireStatus() {
	if m.status != "" && !m.sticky && m.snap.At.Sub(m.statusAt) > statusTTL {
		m.status = ""
	}
}

func (m Model) selectedSymbol() (string, bool) {
	if m.cursor < 0 || m.cursor >= len(m.order) {
		return "", false
	}
	return m.snap.Symbols[m.order[m.cursor]].Symbol, true
}

func (m Model) zombieCount() int { return len(m.snap.Sockets.Zombies) }
