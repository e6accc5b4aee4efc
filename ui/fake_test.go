package ui

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata" // New York on hosts without a zone database

	tea "github.com/charmbracelet/bubbletea"
	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/signal"
)

// fakeBackend records every call. Kill, Close and PlanKill may block in the
// real engine, so calling them while Update runs fails the test: they belong
// in the commands Update returns.
type fakeBackend struct {
	t     testing.TB
	snaps chan engine.Snapshot

	inUpdate atomic.Bool

	mu         sync.Mutex
	reconnects int
	refreshed  []string
	planCalls  int
	killed     []engine.KillPlan
	closes     int
	injected   []string
	barsAsked  []string

	plan       engine.KillPlan
	results    []engine.KillResult
	faults     []string
	injectErr  error
	closeGate  chan struct{} // when set, Close waits for it
	closedOnce sync.Once
}

func newFake(t testing.TB) *fakeBackend {
	return &fakeBackend{
		t:      t,
		snaps:  make(chan engine.Snapshot, 8),
		plan:   samplePlan(),
		faults: []string{"drop", "rst", "stall", "handshake stall", "restart", "1100", "1101", "1102", "hold"},
		// Like the engine: one result per target, then one per refusal.
		results: []engine.KillResult{
			{PID: 4242, Command: "python3", Result: "killed"},
			{PID: 4243, Command: "node", Result: "gone"},
			{PID: 812, Command: "java", Result: "refused", Reason: "gateway side: restart the gateway to clear it"},
		},
	}
}

func (f *fakeBackend) Snapshots() <-chan engine.Snapshot { return f.snaps }

func (f *fakeBackend) Reconnect() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reconnects++
}

func (f *fakeBackend) blocking(name string) {
	if f.inUpdate.Load() {
		f.t.Errorf("%s called inside Update: it may block and must run in a tea.Cmd", name)
	}
}

func (f *fakeBackend) PlanKill() engine.KillPlan {
	f.blocking("PlanKill")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.planCalls++
	return f.plan
}

func (f *fakeBackend) Kill(p engine.KillPlan) []engine.KillResult {
	f.blocking("Kill")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.killed = append(f.killed, p)
	return f.results
}

func (f *fakeBackend) Refresh(symbol string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refreshed = append(f.refreshed, symbol)
}

func (f *fakeBackend) FaultNames() []string { return f.faults }

func (f *fakeBackend) ClosedBars(symbol string) ([]engine.Bar, []engine.SignalRecord) {
	f.blocking("ClosedBars")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.barsAsked = append(f.barsAsked, symbol)
	return sampleBars(symbol, 120)
}

// Performance judges three strategies on the sample bars, as the engine
// judges its own on the bars it holds.
func (f *fakeBackend) Performance(symbol string) []signal.Performance {
	f.blocking("Performance")
	bars, _ := sampleBars(symbol, 120)
	closes, times := make([]float64, len(bars)), make([]int64, len(bars))
	for i, b := range bars {
		closes[i], times[i] = b.Close, b.Time.Unix()
	}
	var out []signal.Performance
	for _, spec := range []signal.Spec{{Kind: signal.KindSMA, Fast: 10, Slow: 20}, {Kind: signal.KindRSI, Period: 14, Low: 30, High: 70},
		{Kind: signal.KindDonchian, Period: 20}} {
		st, err := spec.New()
		if err != nil {
			f.t.Error(err) // maybe off the test's goroutine: no Fatal
			continue
		}
		p, err := signal.Perform(st, closes, times, 10)
		if err != nil {
			f.t.Error(err)
			continue
		}
		p.Strategy, p.Kind = st.Name(), signal.KindOf(st)
		out = append(out, p)
	}
	return out
}

func (f *fakeBackend) InjectFault(name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.injected = append(f.injected, name)
	return "fault injected: " + name, f.injectErr
}

func (f *fakeBackend) Close() {
	f.blocking("Close")
	if f.closeGate != nil {
		<-f.closeGate
	}
	f.mu.Lock()
	f.closes++
	f.mu.Unlock()
	f.closedOnce.Do(func() { close(f.snaps) }) // the engine stops after a close
}

func (f *fakeBackend) counts() (reconnects, plans, kills, closes int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reconnects, f.planCalls, len(f.killed), f.closes
}

var errInject = errors.New("simulator not running")

// --- snapshot builder -------------------------------------------------------

var (
	newYork, _ = time.LoadLocation("America/New_York")
	// Wednesday 26 November 2025, 10:31:05 in New York.
	baseAt = time.Date(2025, 11, 26, 10, 31, 5, 0, newYork)
)

// snapshotOpt changes a snapshot being built.
type snapshotOpt func(*engine.Snapshot)

// buildSnapshot is a realistic, deterministic snapshot: a ready paper
// session, 300 pings with a few misses, nsym symbols, a socket table and
// events.
func buildSnapshot(nsym int, opts ...snapshotOpt) engine.Snapshot {
	at := baseAt
	s := engine.Snapshot{
		At: at,
		Conn: engine.ConnInfo{
			State: conn.Ready, Since: at.Add(-62 * time.Minute), ReadySince: at.Add(-62 * time.Minute),
			Cause: conn.CauseHandshakeDone, Addr: "127.0.0.1:4002", ClientID: 7, ServerVersion: 176,
			Accounts: []string{"DU1234567"}, Mode: "paper", Reconnects: 2,
			ByCause: map[conn.Cause]int{conn.CauseEOF: 1, conn.CauseKeepalive: 1},
			MsgsIn:  48213, MsgsOut: 2211, BytesIn: 4_100_000, BytesOut: 120_000,
		},
		Keepalive: engine.KeepaliveInfo{
			Interval: 2 * time.Second, Timeout: 2 * time.Second, MaxMisses: 2,
			Last: 840 * time.Microsecond, P50: 910 * time.Microsecond, P99: 3100 * time.Microsecond,
			Sent: 1860, Missed: 3,
		},
		Sockets: engine.SocketInfo{
			Port: 4002, Listening: true, ListenerPID: 812, ListenerCommand: "java",
			Counts:    map[string]int{"ESTABLISHED": 1, "LISTEN": 1, "TIME_WAIT": 2},
			ScannedAt: at.Add(-1500 * time.Millisecond),
		},
		Market: engine.MarketInfo{Open: true, Reason: "open", NextChange: time.Date(2025, 11, 26, 16, 0, 0, 0, newYork), Now: at},
		Sim:    true,
	}
	for i := range 300 {
		rtt := time.Duration(600+(i*37)%900) * time.Microsecond
		if i%50 == 17 {
			rtt += 2 * time.Millisecond
		}
		s.Pings = append(s.Pings, engine.PingSample{At: at.Add(time.Duration(i-300) * 2 * time.Second), RTT: rtt, OK: i != 120 && i != 121 && i != 250 && i != 293})
	}
	statuses := []string{"live", "live", "live", "backfilling", "live", "stale", "live", "queued", "live", "error"}
	for i := range nsym {
		last := 50 + float64((i*7919)%45000)/100
		r := engine.SymbolRow{
			Symbol: fmt.Sprintf("SYM%03d", i), Last: last,
			Fast: last * (1 + float64(i%7-3)/1000), Slow: last,
			Signal: "HOLD", Bars: 120 + i%60, Status: statuses[i%len(statuses)],
			BarTime: at.Add(-time.Minute),
		}
		if i < 8 {
			r.Symbol = []string{"AAPL", "MSFT", "NVDA", "SPY", "QQQ", "TSLA", "AMZN", "EURUSD"}[i]
		}
		switch {
		case r.Fast > r.Slow:
			r.Relation, r.LastCross = "above", "BUY"
		case r.Fast < r.Slow:
			r.Relation, r.LastCross = "below", "SELL"
		default:
			r.Relation = "equal"
		}
		if r.LastCross != "" {
			r.Since = at.Add(-time.Duration(3+i*11%300) * time.Minute)
		}
		if i%13 == 4 {
			r.Signal = r.LastCross
			r.Since = at.Add(-time.Minute)
		}
		if r.Status == "error" {
			r.Detail = "no security definition"
		}
		s.Symbols = append(s.Symbols, r)
	}
	texts := []struct {
		lvl  slog.Level
		name string
		text string
	}{
		{slog.LevelInfo, "conn.state", "connecting → handshaking"},
		{slog.LevelInfo, "conn.state", "handshaking → ready (client 7, server v176)"},
		{slog.LevelInfo, "market", "market open until 16:00"},
		{slog.LevelWarn, "keepalive", "ping missed after 2s (1/2)"},
		{slog.LevelInfo, "signal", "AAPL BUY at 227.41 (fast 227.52 > slow 227.30)"},
		{slog.LevelInfo, "sockets", "ESTABLISHED 1, CLOSE_WAIT 0"},
		{slog.LevelError, "ib.error", "2103 market data farm connection is broken: usfarm"},
		{slog.LevelInfo, "ib.error", "2104 market data farm connection is OK: usfarm"},
	}
	for i := range 40 {
		e := texts[i%len(texts)]
		s.Events = append(s.Events, engine.EventLine{At: at.Add(time.Duration(i-40) * 7 * time.Second), Level: e.lvl, Name: e.name, Text: e.text})
	}
	for _, o := range opts {
		o(&s)
	}
	return s
}

// inBackoff is the session after the gateway dropped it.
func inBackoff(s *engine.Snapshot) {
	at := s.At
	s.Conn.State, s.Conn.Since, s.Conn.ReadySince = conn.Backoff, at.Add(-3*time.Second), time.Time{}
	s.Conn.Cause, s.Conn.Attempt, s.Conn.NextRetry = conn.CauseEOF, 2, at.Add(2500*time.Millisecond)
	s.Conn.Reconnects, s.Conn.ByCause = 3, map[conn.Cause]int{conn.CauseEOF: 2, conn.CauseKeepalive: 1}
	s.Keepalive.Misses, s.Keepalive.Last = 0, 0
	s.Sockets.Counts = map[string]int{"LISTEN": 1, "TIME_WAIT": 3}
	for i := range s.Symbols {
		s.Symbols[i].Status = "stale"
		s.Symbols[i].Detail = ""
	}
	s.Events = append(s.Events,
		engine.EventLine{At: at.Add(-3 * time.Second), Level: slog.LevelWarn, Name: "conn.state", Text: "ready → backoff: EOF: gateway closed the connection"},
		engine.EventLine{At: at.Add(-3 * time.Second), Level: slog.LevelInfo, Name: "conn.state", Text: "next dial in 5.5s (attempt 2)"},
	)
}

// withZombies puts two client-side zombies and one gateway-side zombie on the port.
func withZombies(s *engine.Snapshot) {
	s.Sockets.Counts["CLOSE_WAIT"] = 4
	s.Sockets.Zombies = []engine.Zombie{
		{PID: 4242, Command: "python3", User: "trader", Side: "client", Local: "127.0.0.1:51234", Remote: "127.0.0.1:4002", State: "CLOSE_WAIT"},
		{PID: 4242, Command: "python3", User: "trader", Side: "client", Local: "127.0.0.1:51240", Remote: "127.0.0.1:4002", State: "CLOSE_WAIT"},
		{PID: 4243, Command: "node", User: "trader", Side: "client", Local: "127.0.0.1:51300", Remote: "127.0.0.1:4002", State: "CLOSE_WAIT"},
		{PID: 812, Command: "java", User: "ibgw", Side: "gateway", Local: "127.0.0.1:4002", Remote: "127.0.0.1:50990", State: "CLOSE_WAIT"},
	}
}

func samplePlan() engine.KillPlan {
	return engine.KillPlan{
		Port: 4002,
		Targets: []engine.KillTarget{
			{PID: 4242, Command: "python3", User: "trader", Start: 1234, Sockets: []string{"127.0.0.1:51234 -> 127.0.0.1:4002", "127.0.0.1:51240 -> 127.0.0.1:4002"}},
			{PID: 4243, Command: "node", User: "trader", Start: 1240, Sockets: []string{"127.0.0.1:51300 -> 127.0.0.1:4002"}},
		},
		Refused: []engine.Refusal{
			{PID: 812, Command: "java", Side: "gateway", Reason: "gateway side: restart the gateway to clear it", Socket: "127.0.0.1:4002 -> 127.0.0.1:50990"},
		},
	}
}

// --- driving the model -------------------------------------------------------

// step runs one Update with the fake watching for blocking calls.
func step(t testing.TB, f *fakeBackend, m Model, msg tea.Msg) (Model, tea.Cmd) {
	t.Helper()
	f.inUpdate.Store(true)
	next, cmd := m.Update(msg)
	f.inUpdate.Store(false)
	nm, ok := next.(Model)
	if !ok {
		t.Fatalf("Update returned %T, want Model", next)
	}
	return nm, cmd
}

// press sends one key by name, as Bubble Tea spells it.
func press(t testing.TB, f *fakeBackend, m Model, name string) (Model, tea.Cmd) {
	t.Helper()
	return step(t, f, m, keyMsg(name))
}

func keyMsg(name string) tea.KeyMsg {
	special := map[string]tea.KeyType{
		"up": tea.KeyUp, "down": tea.KeyDown, "tab": tea.KeyTab, "enter": tea.KeyEnter,
		"esc": tea.KeyEsc, "ctrl+c": tea.KeyCtrlC, "ctrl+r": tea.KeyCtrlR, "f5": tea.KeyF5,
	}
	if kt, ok := special[name]; ok {
		return tea.KeyMsg{Type: kt}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(name)}
}

// ready is a sized model that has drawn one snapshot.
func ready(t testing.TB, f *fakeBackend, w, h int, s engine.Snapshot) Model {
	t.Helper()
	m, err := New(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ = step(t, f, m, tea.WindowSizeMsg{Width: w, Height: h})
	m, _ = step(t, f, m, snapshotMsg{s})
	return m
}

// run executes a command the way Bubble Tea would (off Update) and returns
// its message; batches are not used by this package.
func run(t testing.TB, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("expected a command, got nil")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		return msg
	case <-time.After(5 * time.Second):
		t.Fatal("command did not return within 5s")
		return nil
	}
}

func isQuit(msg tea.Msg) bool {
	_, ok := msg.(tea.QuitMsg)
	return ok
}
