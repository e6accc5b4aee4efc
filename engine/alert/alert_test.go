package alert

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/account"
	"github.com/robotui/robotui/engine/calendar"
)

// receiver is a webhook endpoint on an ephemeral loopback port.
type receiver struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  []map[string]any
	raw  []Notification
	wake chan struct{}
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{wake: make(chan struct{}, 100)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		var m map[string]any
		var n Notification
		if json.Unmarshal(b, &m) != nil || json.Unmarshal(b, &n) != nil || req.Method != http.MethodPost {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.got, r.raw = append(r.got, m), append(r.raw, n)
		r.mu.Unlock()
		r.wake <- struct{}{}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// wait returns once n messages have arrived, or fails.
func (r *receiver) wait(t *testing.T, n int) []Notification {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		r.mu.Lock()
		if len(r.raw) >= n {
			out := append([]Notification(nil), r.raw...)
			r.mu.Unlock()
			return out
		}
		r.mu.Unlock()
		select {
		case <-r.wake:
		case <-deadline:
			t.Fatalf("%d webhook messages arrived, want %d", len(r.raw), n)
		}
	}
}

// bodyKeys are the documented fields of the webhook body (DESIGN.md).
var bodyKeys = []string{"alert", "state", "severity", "summary", "details", "since", "host", "account"}

func newManager(t *testing.T, th Thresholds, w *calendar.RestartWindows, sinks ...Sink) *Manager {
	specs := make([]SinkSpec, len(sinks))
	for i, s := range sinks {
		specs[i] = SinkSpec{Sink: s}
	}
	m := New(Config{Thresholds: th, Sinks: specs, Windows: w, Host: "testhost", Account: "DU123",
		Backoff: Backoff{Initial: 10 * time.Millisecond, Max: 50 * time.Millisecond, Attempts: 5}})
	t.Cleanup(m.Close)
	return m
}

var t0 = time.Date(2026, 1, 6, 11, 0, 0, 0, time.UTC) // a Tuesday, 06:00 New York: no window

func ready(at time.Time) engine.Snapshot {
	return engine.Snapshot{At: at, Conn: engine.ConnInfo{State: conn.Ready, ReadySince: t0.Add(-time.Hour)}}
}

func TestEachRuleFiresOnceAndResolvesOnce(t *testing.T) {
	th := DefaultThresholds()
	th.Signals, th.Repeat = true, 0
	cases := []struct {
		key  string
		hold func(s *engine.Snapshot, at time.Time)
		last time.Duration // how long the condition is held
	}{
		{"session_down", func(s *engine.Snapshot, at time.Time) {
			s.Conn = engine.ConnInfo{State: conn.Backoff, Cause: conn.CauseDialRefused}
		}, 40 * time.Second},
		{"client_zombies", func(s *engine.Snapshot, at time.Time) {
			s.Sockets.Zombies = []engine.Zombie{{PID: 9, Command: "python", Side: "client"}}
			s.Sockets.Counts = map[string]int{"CLOSE_WAIT": 1}
		}, 5 * time.Second},
		{"gateway_zombies", func(s *engine.Snapshot, at time.Time) {
			s.Sockets.Counts = map[string]int{"CLOSE_WAIT": 2}
		}, 5 * time.Second},
		{"symbol_silent:AAPL", func(s *engine.Snapshot, at time.Time) {
			s.Symbols = []engine.SymbolRow{{Symbol: "AAPL", Status: engine.StatusSilent}}
		}, 5 * time.Second},
		{"farm_broken:usfarm", func(s *engine.Snapshot, at time.Time) {
			s.Farms = []conn.Farm{{Name: "usfarm", State: conn.FarmBroken, Code: 2103, Since: t0}}
		}, 90 * time.Second},
		{"competing_session", func(s *engine.Snapshot, at time.Time) {
			s.Conn.State, s.Conn.Cause, s.Conn.Since = conn.Degraded, conn.CauseCompetingSession, t0
		}, 5 * time.Second},
		{"keepalive_p99", func(s *engine.Snapshot, at time.Time) { s.Keepalive.P99 = 800 * time.Millisecond }, 5 * time.Second},
		{"daily_pnl:DU123", func(s *engine.Snapshot, at time.Time) {
			s.Accounts = []account.Book{{Account: "DU123", UpdatedAt: at, Summary: account.Summary{DailyPnL: -1500}},
				{Account: "DU9", UpdatedAt: at, Stale: true, Summary: account.Summary{DailyPnL: -9000}}} // stale: no alert
		}, 5 * time.Second},
	}
	th.DailyPnL = true
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			r := newReceiver(t)
			m := newManager(t, th, nil, &Webhook{Label: "webhook[0]", URL: r.srv.URL})
			m.Observe(ready(t0))
			for d := time.Duration(0); d <= tc.last; d += time.Second {
				s := ready(t0.Add(d))
				tc.hold(&s, s.At)
				m.Observe(s)
			}
			for d := time.Duration(0); d < 5*time.Second; d += time.Second {
				m.Observe(ready(t0.Add(tc.last + time.Second + d)))
			}
			got := r.wait(t, 2)
			if len(got) != 2 || got[0].State != Firing || got[1].State != Resolved || got[0].Alert != tc.key || got[1].Alert != tc.key {
				t.Fatalf("messages %+v, want one firing and one resolved %s", got, tc.key)
			}
			r.mu.Lock()
			body := r.got[0]
			r.mu.Unlock()
			for _, k := range bodyKeys {
				if _, ok := body[k]; !ok {
					t.Errorf("the body lacks %q: %v", k, body)
				}
			}
			if body["host"] != "testhost" || body["account"] != "DU123" || body["summary"] == "" {
				t.Errorf("body %v", body)
			}
		})
	}
}

func TestStormCountsSessionsNotDials(t *testing.T) {
	th := DefaultThresholds()
	r := newReceiver(t)
	m := newManager(t, th, nil, &Webhook{Label: "w", URL: r.srv.URL})
	at := t0
	// One outage of 20 dial attempts: one session lost, no storm.
	m.Observe(engine.Snapshot{At: at, Conn: engine.ConnInfo{State: conn.Ready, ReadySince: at}})
	for i := range 20 {
		at = at.Add(time.Second)
		st := conn.Connecting
		if i%2 == 1 {
			st = conn.Backoff
		}
		m.Observe(engine.Snapshot{At: at, Conn: engine.ConnInfo{State: st, Attempt: i + 1}})
	}
	for _, k := range m.Firing() {
		if k == string(RuleStorm) {
			t.Fatal("one outage's dials counted as a storm")
		}
	}
	// Six short sessions lost within the window: a storm.
	for i := range 6 {
		at = at.Add(10 * time.Second)
		m.Observe(engine.Snapshot{At: at, Conn: engine.ConnInfo{State: conn.Ready, ReadySince: at}})
		_ = i
		at = at.Add(time.Second)
		m.Observe(engine.Snapshot{At: at, Conn: engine.ConnInfo{State: conn.Backoff}})
	}
	at = at.Add(time.Second)
	m.Observe(engine.Snapshot{At: at, Conn: engine.ConnInfo{State: conn.Ready, ReadySince: at}})
	if !contains(m.Firing(), string(RuleStorm)) {
		t.Fatalf("firing %v, want a reconnect storm", m.Firing())
	}
	// Quiet for the window: resolved.
	m.Observe(engine.Snapshot{At: at.Add(11 * time.Minute), Conn: engine.ConnInfo{State: conn.Ready, ReadySince: at}})
	var storm []State
	for _, n := range r.wait(t, 2) { // session_down never fired: the outage lasted 20 s
		if n.Alert == string(RuleStorm) {
			storm = append(storm, n.State)
		}
	}
	if len(storm) != 2 || storm[0] != Firing || storm[1] != Resolved {
		t.Fatalf("storm messages %v", storm)
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestSignalsFireEachCrossOnce(t *testing.T) {
	th := DefaultThresholds()
	th.Signals = true
	r := newReceiver(t)
	m := newManager(t, th, nil, &Webhook{Label: "w", URL: r.srv.URL})
	row := engine.SymbolRow{Symbol: "AAPL", LastCross: "BUY", Since: t0.Add(-time.Hour), Last: 190}
	m.Observe(engine.Snapshot{At: t0, Conn: engine.ConnInfo{State: conn.Ready}, Symbols: []engine.SymbolRow{row}}) // seen at start: not news
	row.LastCross, row.Since = "SELL", t0
	for i := range 3 {
		m.Observe(engine.Snapshot{At: t0.Add(time.Duration(i) * time.Second), Conn: engine.ConnInfo{State: conn.Ready}, Symbols: []engine.SymbolRow{row}})
	}
	got := r.wait(t, 1)
	if len(got) != 1 || got[0].Alert != "signal:AAPL" || !strings.HasPrefix(got[0].Summary, "SELL AAPL") {
		t.Fatalf("got %+v", got)
	}
}

func TestRepeatWhileItLasts(t *testing.T) {
	th := DefaultThresholds()
	th.Repeat = time.Minute
	r := newReceiver(t)
	m := newManager(t, th, nil, &Webhook{Label: "w", URL: r.srv.URL})
	for d := time.Duration(0); d <= 150*time.Second; d += time.Second {
		m.Observe(engine.Snapshot{At: t0.Add(d), Conn: engine.ConnInfo{State: conn.Ready}, Keepalive: engine.KeepaliveInfo{P99: time.Second}})
	}
	got := r.wait(t, 3)
	if len(got) != 3 {
		t.Fatalf("%d messages in 150 s with repeat 1m, want 3 (at 0, 60, 120 s)", len(got))
	}
}

// A dead sink is retried with backoff, shows as failing, and never delays Observe.
func TestDeadSinkRetriedWithoutBlocking(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/hook?token=s3cr3t"
	ln.Close() // nothing listens: every attempt is refused
	r := newReceiver(t)
	m := newManager(t, DefaultThresholds(), nil, &Webhook{Label: "dead", URL: dead}, &Webhook{Label: "live", URL: r.srv.URL})
	start := time.Now()
	for i := range 60 { // within the queue's bound
		s := ready(t0.Add(time.Duration(i) * time.Second))
		s.Keepalive.P99 = time.Second
		if i%2 == 0 {
			s.Keepalive.P99 = 0
		}
		m.Observe(s)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("60 observations with a dead sink took %s", d)
	}
	r.wait(t, 59) // the live sink got every message meanwhile
	deadline := time.Now().Add(5 * time.Second)
	for {
		st := m.Sinks()[0]
		if st.Failing && st.Failed >= 2 && m.Sinks()[1].Sent == 59 { // Sent counts after the receiver answered
			if strings.Contains(st.LastError, "s3cr3t") {
				t.Errorf("the sink error shows the secret: %s", st.LastError)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dead sink status %+v, want failing after retries", st)
		}
		time.Sleep(10 * time.Millisecond) // polling a counter, not waiting for an event
	}
	if st := m.Sinks()[1]; st.Failing || st.Sent != 59 {
		t.Errorf("live sink %+v", st)
	}
}

func TestRestartWindowOutage(t *testing.T) {
	w, err := calendar.NewRestartWindows(calendar.RegionNA, "")
	if err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	start := time.Date(2026, 1, 6, 0, 20, 0, 0, ny) // Tuesday 00:20 ET: inside 00:15-01:45
	run := func(t *testing.T, back time.Duration) []Notification {
		r := newReceiver(t)
		m := newManager(t, DefaultThresholds(), w, &Webhook{Label: "w", URL: r.srv.URL})
		var step time.Duration
		for ; step < back; step += 10 * time.Second { // a simulated clock: no waiting
			at := start.Add(step)
			m.Observe(engine.Snapshot{At: at, Market: engine.MarketInfo{Now: at}, Conn: engine.ConnInfo{State: conn.Backoff}})
			if step == time.Minute && !m.Outage().Expected {
				t.Fatalf("outage at %s not expected: %+v", at, m.Outage())
			}
		}
		at := start.Add(step)
		m.Observe(engine.Snapshot{At: at, Market: engine.MarketInfo{Now: at}, Conn: engine.ConnInfo{State: conn.Ready, ReadySince: at}})
		m.Close() // drains nothing more; collect what arrived
		r.mu.Lock()
		defer r.mu.Unlock()
		return append([]Notification(nil), r.raw...)
	}
	t.Run("inside the window", func(t *testing.T) {
		// Back at 01:50: after the window, within grace.
		if got := run(t, 90*time.Minute); len(got) != 0 {
			t.Fatalf("an outage inside the reset window sent %+v", got)
		}
	})
	t.Run("outlives window and grace", func(t *testing.T) {
		r := newReceiver(t)
		m := newManager(t, DefaultThresholds(), w, &Webhook{Label: "w", URL: r.srv.URL})
		at := start
		for ; at.Before(start.Add(2 * time.Hour)); at = at.Add(10 * time.Second) {
			m.Observe(engine.Snapshot{At: at, Market: engine.MarketInfo{Now: at}, Conn: engine.ConnInfo{State: conn.Backoff}})
		}
		got := r.wait(t, 1)
		firing := 0
		for _, n := range got {
			if n.Alert == string(RuleDown) && n.State == Firing {
				firing++
				if !n.Since.Equal(start) {
					t.Errorf("since %s, want the outage's start %s", n.Since, start)
				}
			}
		}
		if firing != 1 {
			t.Fatalf("firing messages %+v, want exactly one", got)
		}
	})
}

func TestQuietHours(t *testing.T) {
	q, err := ParseQuietHours("22:00-07:00")
	if err != nil {
		t.Fatal(err)
	}
	q.Loc = time.UTC
	for _, c := range []struct {
		h    int
		want bool
	}{{21, false}, {22, true}, {3, true}, {7, false}} {
		if got := q.In(time.Date(2026, 1, 6, c.h, 0, 0, 0, time.UTC)); got != c.want {
			t.Errorf("%02d:00 quiet %v, want %v", c.h, got, c.want)
		}
	}
	if _, err := ParseQuietHours("22-7"); err == nil {
		t.Error("22-7 accepted")
	}
}

func TestSecretFromEnvAndFile(t *testing.T) {
	t.Setenv("ROBOTUI_TEST_HOOK", "")
	s := Secret{Env: "ROBOTUI_TEST_HOOK"}
	if _, err := s.Value(); err == nil || !strings.Contains(err.Error(), "$ROBOTUI_TEST_HOOK") {
		t.Fatalf("missing secret: %v", err)
	}
	t.Setenv("ROBOTUI_TEST_HOOK", "http://127.0.0.1:1/x")
	if v, err := s.Value(); err != nil || v != "http://127.0.0.1:1/x" {
		t.Fatalf("env secret %q %v", v, err)
	}
	_ = context.Background
}
