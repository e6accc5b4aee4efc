package engine

import (
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
)

// stuckWriter blocks every Write until released, as stdout does when it is a
// full pipe nobody reads.
type stuckWriter struct{ release chan struct{} }

func (w stuckWriter) Write(p []byte) (int, error) {
	<-w.release
	return len(p), nil
}

func TestCloseIsBoundedWhenTheLogSinkBlocks(t *testing.T) {
	w := stuckWriter{release: make(chan struct{})}
	t.Cleanup(func() { close(w.release) }) // lets the abandoned writer end before goleak looks
	e, err := New(Options{
		Session:      conn.Config{Addr: "127.0.0.1:1"},
		Symbols:      []string{"AAPL"},
		ScanInterval: -1,
		Log:          slog.New(slog.NewJSONHandler(w, nil)),
		FlushTimeout: 300 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Start()
	for range 100 {
		e.ibError(162, 7, "pacing", "")
		e.ibError(2104, -1, "farm ok", "") // distinct keys: not coalesced away
	}
	closed := make(chan struct{})
	start := time.Now()
	go func() {
		e.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not return within 2 s with the log sink blocked")
	}
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("Close returned after %v: it did not wait for the flush at all", took)
	}
}

func recordsOf(t *testing.T, e *Engine, buf *lockedBuffer, name string) []map[string]any {
	t.Helper()
	e.events.flush()
	var out []map[string]any
	for _, m := range buf.lines(t) {
		if m["msg"] == name {
			out = append(out, m)
		}
	}
	return out
}

func newLoggedEngine(t *testing.T, buf *lockedBuffer) *Engine {
	t.Helper()
	e, err := New(Options{
		Session:      conn.Config{Addr: "127.0.0.1:1"},
		Symbols:      []string{"AAPL"},
		ScanInterval: -1,
		Log:          slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

func TestRepeatedGatewayMessagesAreCoalesced(t *testing.T) {
	var buf lockedBuffer
	e := newLoggedEngine(t, &buf)
	const n = 50_000
	for range n {
		e.observe(conn.Notice{At: time.Now(), ReqID: 9, Code: 10182, Text: "Failed to request live updates"})
	}
	e.observe(conn.Notice{At: time.Now(), ReqID: 10, Code: 10182, Text: "another request"})
	lines := recordsOf(t, e, &buf, EventIBError)
	if len(lines) != 2 {
		t.Fatalf("%d ib.error lines for %d repeats of one message and one other, want 2 (each first)", len(lines), n)
	}
	e.flushRepeats(true)
	lines = recordsOf(t, e, &buf, EventIBError)
	if len(lines) != 3 {
		t.Fatalf("%d ib.error lines after the window, want one summary more", len(lines))
	}
	sum := lines[2]
	if sum["code"] != float64(10182) || sum["req_id"] != float64(9) || sum["count"] != float64(n-1) {
		t.Errorf("summary %v, want code 10182, req_id 9, count %d", sum, n-1)
	}
	c := e.Latest().Counters
	if c.GatewayMessages[10182] != n+1 {
		t.Errorf("metrics count %d messages with code 10182, want every one: %d", c.GatewayMessages[10182], n+1)
	}
	if c.LogSuppressed != n-1 {
		t.Errorf("%d lines counted as suppressed, want %d", c.LogSuppressed, n-1)
	}
	// A new window logs the message again at once.
	e.observe(conn.Notice{At: time.Now(), ReqID: 9, Code: 10182, Text: "Failed to request live updates"})
	if got := len(recordsOf(t, e, &buf, EventIBError)); got != 4 {
		t.Errorf("%d lines, want the first of a new window logged", got)
	}
}

func TestDistinctGatewayMessagesAreBounded(t *testing.T) {
	var buf lockedBuffer
	e := newLoggedEngine(t, &buf)
	for id := range 10_000 {
		e.observe(conn.Notice{At: time.Now(), ReqID: id, Code: 200, Text: "No security definition"})
	}
	e.flushRepeats(true)
	if got := len(recordsOf(t, e, &buf, EventIBError)); got != maxRepeatKeys {
		t.Errorf("%d lines for 10,000 request ids, want %d", got, maxRepeatKeys)
	}
	over := recordsOf(t, e, &buf, EventSuppressed)
	if len(over) != 1 || over[0]["count"] != float64(10_000-maxRepeatKeys) {
		t.Errorf("overflow lines %v, want one counting %d", over, 10_000-maxRepeatKeys)
	}
}

func TestStateLinesAreRateLimited(t *testing.T) {
	var buf lockedBuffer
	e := newLoggedEngine(t, &buf)
	for i := range 1000 {
		state := conn.Connecting
		if i%2 == 1 {
			state = conn.Backoff
		}
		e.observe(conn.StateChange{At: time.Now(), State: state, Prev: conn.Backoff, Cause: conn.CauseEOF, Attempt: i})
	}
	e.observe(conn.StateChange{At: time.Now(), State: conn.Ready, Prev: conn.Handshaking, Cause: conn.CauseHandshakeDone})
	lines := recordsOf(t, e, &buf, EventConnState)
	if len(lines) > stateBurst+5 {
		t.Fatalf("%d conn.state lines for 1000 transitions in a burst, want at most about %d", len(lines), stateBurst)
	}
	last := lines[len(lines)-1]
	if last["state"] != "ready" {
		t.Fatalf("last line %v: ready is always logged", last)
	}
	held, _ := last["suppressed"].(float64)
	if int(held)+len(lines) != 1001 {
		t.Errorf("ready says %v lines were suppressed; with the %d logged that is not 1001", last["suppressed"], len(lines))
	}
	if c := e.Latest().Counters; c.LogSuppressed != uint64(held) {
		t.Errorf("metrics say %d suppressed, the log %v", c.LogSuppressed, held)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestLogSinkFailureIsReportedOnce(t *testing.T) {
	var reported atomic.Int32
	var first atomic.Value
	e, err := New(Options{
		Session:      conn.Config{Addr: "127.0.0.1:1"},
		Symbols:      []string{"AAPL"},
		ScanInterval: -1,
		Log:          slog.New(slog.NewTextHandler(failingWriter{}, nil)),
		OnLogError: func(err error) {
			reported.Add(1)
			first.Store(err.Error())
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	for i := range 20 {
		e.ibError(200+i, i, "x", "")
		e.events.flush()
	}
	if n := reported.Load(); n != 1 {
		t.Errorf("OnLogError called %d times, want once", n)
	}
	if s, _ := first.Load().(string); !strings.Contains(s, "no space left") {
		t.Errorf("reported %q, want the sink's error", s)
	}
	snap := e.Latest()
	if snap.Counters.LogWriteErrors != 20 {
		t.Errorf("%d write errors counted, want 20", snap.Counters.LogWriteErrors)
	}
	onScreen := 0
	for _, l := range snap.Events {
		if l.Name == EventLogError {
			onScreen++
		}
	}
	if onScreen != 1 {
		t.Errorf("%d log.error lines on screen, want 1", onScreen)
	}
}
