package engine

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibsim"
)

// After 1100 nothing updates until 1101/1102: the rows say "stale", not
// "live", and come back with 1102.
func TestDegradedRowsAreStale(t *testing.T) {
	t.Parallel()
	sim := startSim(t, ibsim.Config{Seed: 5})
	symbols := ibsim.DefaultSymbols()[:2]
	e := startEngine(t, testOptions(sim.Addr(), symbols, newRecorder()))
	waitSnapshot(t, e, "the first backfills", allLive(time.Time{}))
	if err := sim.Inject(ibsim.Fault{Kind: ibsim.FaultCodes, Codes: []int{1100}}); err != nil {
		t.Fatal(err)
	}
	waitSnapshot(t, e, "degraded, every row stale", func(s Snapshot) bool {
		if s.Conn.State != conn.Degraded {
			return false
		}
		for _, r := range s.Symbols {
			if r.Status != "stale" {
				return false
			}
		}
		return true
	})
	if err := sim.Inject(ibsim.Fault{Kind: ibsim.FaultCodes, Codes: []int{1102}}); err != nil {
		t.Fatal(err)
	}
	waitSnapshot(t, e, "ready and live again after 1102", func(s Snapshot) bool {
		return s.Conn.State == conn.Ready && allLive(time.Time{})(s)
	})
}

func TestNoticeCodes(t *testing.T) {
	for _, code := range []int{2100, 2104, 2106, 2107, 2108, 2119, 2158} {
		if !isNotice(code) {
			t.Errorf("%d is a status report, not a failure", code)
		}
	}
	for _, code := range []int{2103, 2105, 2110, 2157, 2109, 2137, 2174, 2176, 10167, 354, 162, 200, 1100, 1102, 1300} {
		if isNotice(code) {
			t.Errorf("%d is a failure or a request's warning: an ib.error", code)
		}
	}
}

// Headless lines: prices without float noise, times in UTC; the screen's
// text in New York time, as the header.
func TestSignalLineDigitsAndZones(t *testing.T) {
	var buf lockedBuffer
	e, err := New(Options{
		Session:  conn.Config{Addr: "127.0.0.1:9"},
		Symbols:  []string{"AAA"},
		Strategy: mustSMA(t, 1, 2),
		Log:      slog.New(slog.NewJSONHandler(&buf, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	bar := time.Date(2025, 3, 4, 15, 30, 0, 0, time.UTC)
	e.emitSignal("AAA", SignalRecord{BarTime: bar, Signal: "BUY", Price: 193.47500000000002, Fast: 0.1 + 0.2, Slow: 193.47333333333336, Relation: "above"})
	e.emitMarket(MarketInfo{Open: true, Reason: "open", NextChange: bar.Add(30 * time.Minute)})
	e.events.flush()
	raw := buf.b.String()
	for _, want := range []string{`"price":193.475,`, `"fast":0.3,`, `"slow":193.4733333,`, `"bar_time":"2025-03-04T15:30:00Z"`, `"next_change":"2025-03-04T16:00:00Z"`} {
		if !strings.Contains(raw, want) {
			t.Errorf("no %s in\n%s", want, raw)
		}
	}
	for _, l := range e.events.lines() {
		if strings.Contains(l.Text, "Z") || strings.Contains(l.Text, "UTC") {
			t.Errorf("a UTC time on screen: %q", l.Text)
		}
	}
	lines := e.events.lines()
	if len(lines) != 2 || !strings.Contains(lines[0].Text, "10:30") || !strings.Contains(lines[1].Text, "11:00") {
		t.Errorf("the texts are not in New York time: %+v", lines)
	}
}

// A garbage frame is skipped and counted where the screen can show it.
func TestGarbageFrameCounted(t *testing.T) {
	t.Parallel()
	sim := startSim(t, ibsim.Config{Seed: 6})
	e := startEngine(t, testOptions(sim.Addr(), ibsim.DefaultSymbols()[:1], newRecorder()))
	waitSnapshot(t, e, "ready", func(s Snapshot) bool { return s.Conn.State == conn.Ready })
	if err := sim.Inject(ibsim.Fault{Kind: ibsim.FaultGarbage}); err != nil {
		t.Fatal(err)
	}
	waitSnapshot(t, e, "the bad frame counted", func(s Snapshot) bool { return s.Conn.BadFrames > 0 })
}

// With nothing listening, the trader is told what to do: on the conn.state
// line (which keeps its fields), in the snapshot and from RunOnce.
func TestNoListenerHint(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	rec := newRecorder()
	e := startEngine(t, testOptions(addr, []string{"AAPL"}, rec))
	want := "Nothing is listening on " + addr + ". Start IB Gateway or TWS, enable the API on that port (Configure → Settings → API), or try `robotui --sim`."
	rec.waitCount(t, "a refused dial", EventConnState, 1, func(r record) bool { return r.attrs["state"] == "backoff" })
	for _, r := range rec.all(EventConnState) {
		if r.attrs["state"] != "backoff" {
			continue
		}
		if r.attrs["hint"] != want || r.attrs["cause"] != "dial_refused" || r.attrs["reason"] == nil || r.attrs["error"] == nil {
			t.Errorf("backoff line %v: want the hint beside reason, cause and error", r.attrs)
		}
		break
	}
	s := waitSnapshot(t, e, "the hint in the snapshot", func(s Snapshot) bool { return s.Conn.Hint != "" })
	if s.Conn.Hint != want {
		t.Errorf("snapshot hint %q", s.Conn.Hint)
	}
	// A listener in the socket table means the refusal is something else.
	e.mu.Lock()
	e.sock.Listening = true
	e.mu.Unlock()
	if h := e.hint(conn.Backoff, conn.CauseDialRefused, addr); h != "" {
		t.Errorf("hint %q while the table shows a listener", h)
	}
	if h := e.hint(conn.Ready, conn.CauseHandshakeDone, addr); h != "" {
		t.Errorf("hint %q for a ready session", h)
	}
}

func TestRunOnceReportsTheHint(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	rec := newRecorder()
	opts := testOptions(addr, []string{"AAPL"}, rec)
	opts.Session.ConnectTimeout = 300 * time.Millisecond
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	rep := e.RunOnceReport(t.Context())
	if rep.Code != ExitNoSession || !strings.HasPrefix(rep.Hint, "Nothing is listening on "+addr) || len(rep.Rows) != 0 {
		t.Fatalf("report %+v", rep)
	}
	if l := rec.all("once"); len(l) != 1 || l[0].attrs["hint"] != rep.Hint || l[0].attrs["error"] == nil {
		t.Errorf("once lines %v: want one with the error and the hint", l)
	}
}
