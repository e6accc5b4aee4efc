package engine

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
)

// lockedBuffer is a bytes.Buffer safe for the writer goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) lines(t testing.TB) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not one JSON object per line: %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func keysOf(m map[string]any) []string {
	var ks []string
	for k := range m {
		if k != "time" && k != "level" && k != "msg" {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return ks
}

// TestEventLines checks the headless contract of DESIGN.md: msg is the
// event name, the fields are exactly those named, levels as documented.
func TestEventLines(t *testing.T) {
	var buf lockedBuffer
	e, err := New(Options{
		Session:  conn.Config{Addr: "127.0.0.1:9"},
		Symbols:  []string{"AAA"},
		Strategy: mustSMA(t, 1, 2),
		Log:      slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:      func() time.Time { return time.Date(2025, 3, 4, 15, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	e.observe(conn.StateChange{At: time.Now(), State: conn.Ready, Prev: conn.Handshaking, Cause: conn.CauseHandshakeDone, Addr: "127.0.0.1:9", ClientID: 3, ServerVersion: 178})
	refused := &conn.DialError{Addr: "127.0.0.1:9", Stage: conn.StageTCP, Err: conn.ErrConnectionRefused}
	e.observe(conn.StateChange{At: time.Now(), State: conn.Backoff, Prev: conn.Connecting, Cause: conn.CauseDialRefused, Err: refused, Addr: "127.0.0.1:9", ClientID: 3, Attempt: 2, NextRetry: time.Now().Add(time.Second)})
	e.observe(conn.PingResult{Sample: conn.PingSample{At: time.Now(), RTT: 1500 * time.Microsecond, OK: true}})
	e.observe(conn.PingResult{Sample: conn.PingSample{At: time.Now(), RTT: 2 * time.Second}, Misses: 1})
	for _, code := range []int{2104, 2103, 1100, 162, 2174} {
		e.observe(conn.Notice{At: time.Now(), ReqID: -1, Code: code, Text: "text"})
	}
	e.onBars(e.syms[0], conn.BarEvent{Kind: conn.BarBackfill, Bars: backfill(0, 10*step+5)})
	e.onBars(e.syms[0], conn.BarEvent{Kind: conn.BarError, Code: 200, Text: "No security definition has been found for the request"})
	e.emitSockets(SocketInfo{Port: 4002, Counts: map[string]int{"ESTABLISHED": 2, "CLOSE_WAIT": 1}, Zombies: []Zombie{{}}, ListenerPID: 42})
	e.emitZombie(77, "python3", "client", "127.0.0.1:50000", "127.0.0.1:4002", "found", "")
	e.Latest() // the first look at the calendar is a market event
	e.events.flush()

	fields := map[string][]string{
		EventConnState: {"addr", "attempt", "cause", "client_id", "prev", "reason", "server_version", "state"},
		EventKeepalive: {"misses", "ok", "rtt_ms"},
		EventSockets:   {"close_wait", "established", "fin_wait2", "listener_pid", "port", "time_wait", "zombies"},
		EventZombie:    {"action", "command", "local", "pid", "remote", "side"},
		EventSignal:    {"bar_time", "fast", "price", "signal", "slow", "strategy", "symbol"},
		EventIBError:   {"code", "req_id", "text"},
		EventIBNotice:  {"code", "req_id", "text"},
		EventMarket:    {"next_change", "open"},
		EventZone:      {"known", "location", "zone"},
	}
	var levels []string
	var states []map[string]any
	seen := map[string]int{}
	for _, m := range buf.lines(t) {
		name := m["msg"].(string)
		want, ok := fields[name]
		if !ok {
			t.Errorf("unexpected event %q", name)
			continue
		}
		seen[name]++
		got := keysOf(m)
		if name == EventIBError && m["code"].(float64) == 200 {
			want = append(slices.Clone(want), "symbol")
			slices.Sort(want)
		}
		if name == EventKeepalive && m["ok"] == false {
			want = []string{"misses", "ok", "rtt_ms", "timeout_ms"}
			if m["rtt_ms"] != nil {
				t.Errorf("a missed ping has a round trip: %v", m)
			}
		}
		if name == EventConnState {
			states = append(states, m)
			if _, ok := m["error"]; ok { // only when there is an error: checked below
				want = append(slices.Clone(want), "error")
				slices.Sort(want)
			}
			if m["cause"] == "dial_refused" { // nothing listening: what to do
				want = append(slices.Clone(want), "hint")
				slices.Sort(want)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s fields %v, want %v", name, got, want)
		}
		switch name {
		case EventKeepalive, EventIBError, EventIBNotice:
			levels = append(levels, m["level"].(string))
			// Farm OK is a notice; a failure or a request's warning is an error.
			if code, ok := m["code"].(float64); ok && isNotice(int(code)) != (name == EventIBNotice) {
				t.Errorf("code %v logged as %s", code, name)
			}
		case EventSignal:
			if _, err := time.Parse(time.RFC3339, m["bar_time"].(string)); err != nil {
				t.Errorf("bar_time %q is not RFC 3339", m["bar_time"])
			}
		}
	}
	wantStates := []map[string]any{
		{"state": "ready", "cause": "handshake_complete", "reason": "handshake complete", "error": nil},
		{"state": "backoff", "prev": "connecting", "cause": "dial_refused", "reason": "nothing accepted the connection", "error": refused.Error(),
			"hint": noListenerHint("127.0.0.1:9")},
	}
	if len(states) != len(wantStates) {
		t.Fatalf("%d conn.state lines, want %d", len(states), len(wantStates))
	}
	for i, want := range wantStates {
		for k, v := range want {
			if states[i][k] != v {
				t.Errorf("conn.state %d: %s = %v, want %v", i, k, states[i][k], v)
			}
		}
	}
	for name := range fields {
		if seen[name] == 0 {
			t.Errorf("no %s line", name)
		}
	}
	if seen[EventIBNotice] != 1 {
		t.Errorf("%d ib.notice lines, want 1 (2104)", seen[EventIBNotice])
	}
	if want := []string{"DEBUG", "WARN", "INFO", "WARN", "ERROR", "WARN", "WARN", "WARN"}; !slices.Equal(levels, want) {
		t.Errorf("keepalive and ib.error levels %v, want %v", levels, want)
	}
	if seen[EventSignal] != 1 {
		t.Errorf("%d signal lines for the first backfill, want 1 (the newest closed bar)", seen[EventSignal])
	}
	for _, l := range e.events.lines() {
		if l.Level == slog.LevelDebug || l.Text == "" {
			t.Errorf("ring holds %+v: debug events are not kept and every line has a text", l)
		}
	}
}

func TestEventRingBounded(t *testing.T) {
	l := newEventLog(slog.DiscardHandler, 5, nil)
	for i := range 12 {
		l.add(time.Unix(int64(i), 0), slog.LevelInfo, "x", string(rune('a'+i)))
		l.add(time.Unix(int64(i), 0), slog.LevelDebug, "x", "debug")
	}
	var got []string
	for _, line := range l.lines() {
		got = append(got, line.Text)
	}
	if want := []string{"h", "i", "j", "k", "l"}; !slices.Equal(got, want) {
		t.Fatalf("ring %v, want the last five, oldest first: %v", got, want)
	}
	if recs, _ := l.take(); len(recs) != 0 {
		t.Fatalf("%d records queued for a handler that is not enabled", len(recs))
	}
}
