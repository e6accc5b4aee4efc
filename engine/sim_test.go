package engine

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibsim"
)

// simStart is the simulated market's time at the start of every test:
// mid-bar, so that the backfill ends with a partial bar.
var simStart = time.Date(2025, 3, 4, 15, 2, 30, 0, time.UTC)

const waitLimit = 30 * time.Second

// startSim starts a simulator that holds nothing unless cfg says what
// (cfg.Positions = ibsim.DefaultPositions for its usual holdings): held
// contracts take quote lines, which the subscription counts here leave out.
func startSim(t testing.TB, cfg ibsim.Config) *ibsim.Server {
	t.Helper()
	if cfg.Positions == nil {
		cfg.Positions = []ibsim.PositionSpec{}
	}
	s, err := ibsim.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// record is one event as a handler saw it.
type record struct {
	at    time.Time
	name  string
	level slog.Level
	attrs map[string]any
}

// recorder is a slog.Handler that keeps every record and wakes waiters.
type recorder struct {
	mu      sync.Mutex
	recs    []record
	changed chan struct{}
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{})} }

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recorder) WithGroup(string) slog.Handler            { return r }

func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	m := map[string]any{}
	rec.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value.Any()
		return true
	})
	r.mu.Lock()
	r.recs = append(r.recs, record{at: rec.Time, name: rec.Message, level: rec.Level, attrs: m})
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
	return nil
}

// all returns the records named name (every record when name is "").
func (r *recorder) all(name string) []record {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []record
	for _, rec := range r.recs {
		if name == "" || rec.name == name {
			out = append(out, rec)
		}
	}
	return out
}

// count is how many records named name satisfy match.
func (r *recorder) count(name string, match func(record) bool) int {
	n := 0
	for _, rec := range r.all(name) {
		if match == nil || match(rec) {
			n++
		}
	}
	return n
}

// waitCount waits until at least n records named name satisfy match.
func (r *recorder) waitCount(t testing.TB, what, name string, n int, match func(record) bool) {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		changed := r.changed
		r.mu.Unlock()
		if r.count(name, match) >= n {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func isState(state string) func(record) bool {
	return func(r record) bool { return r.attrs["state"] == state }
}

func isCode(code int) func(record) bool {
	return func(r record) bool { return r.attrs["code"] == int64(code) }
}

// testOptions are quick settings for an engine against a simulator.
func testOptions(addr string, symbols []string, rec *recorder) Options {
	return Options{
		Session: conn.Config{
			Addr: addr, ClientID: 1, ConnectTimeout: 2 * time.Second, DrainTimeout: 50 * time.Millisecond,
			Backoff: conn.BackoffConfig{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond},
		},
		Symbols: symbols,
		// Every hour's bars: these tests compare with the simulator's whole
		// series (it honours useRTH).
		Bars:         BarSettings{Duration: "2 D", BarSize: "5 mins", WhatToShow: "TRADES", UseRTH: false},
		ScanInterval: -1,
		PublishEvery: 10 * time.Millisecond,
		MaxBars:      2000, // every bar of the simulator's two-day backfill: tests compare them all
		Log:          slog.New(rec),
	}
}

func startEngine(t testing.TB, opts Options) *Engine {
	t.Helper()
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.Start()
	t.Cleanup(e.Close)
	return e
}

// waitSnapshot reads published snapshots until cond holds.
func waitSnapshot(t testing.TB, e *Engine, what string, cond func(Snapshot) bool) Snapshot {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	var last Snapshot
	for {
		select {
		case s, ok := <-e.Snapshots():
			if !ok {
				t.Fatalf("snapshots closed while waiting for %s", what)
			}
			if cond(s) {
				return s
			}
			last = s
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; last snapshot: conn %s, symbols %s", what, last.Conn.State, rowsSummary(last.Symbols))
		}
	}
}

func rowsSummary(rows []SymbolRow) string {
	s := ""
	for i, r := range rows {
		if i == 8 {
			return s + fmt.Sprintf(" … (%d)", len(rows))
		}
		s += fmt.Sprintf(" %s:%s:%d:%s:%s", r.Symbol, r.Status, r.Bars, r.BarTime.Format("15:04"), r.Detail)
	}
	return s
}

// allLive holds when every symbol has merged its backfill and, when at is
// set, its newest closed bar starts at at.
func allLive(at time.Time) func(Snapshot) bool {
	return func(s Snapshot) bool {
		for _, r := range s.Symbols {
			if r.Status != "live" || r.Bars == 0 || !at.IsZero() && !r.BarTime.Equal(at) {
				return false
			}
		}
		return len(s.Symbols) > 0
	}
}

// closedPort is a loopback port nothing listens on.
func closedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// waitSubscribed waits until the simulator streams n bar subscriptions to
// one ready client, so that the next Advance pushes to every one of them.
// Each watched symbol also holds a market-data line: n quotes on top.
func waitSubscribed(t testing.TB, sim *ibsim.Server, n int) {
	t.Helper()
	n *= 2
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	err := sim.WaitFor(ctx, func(st ibsim.State) bool {
		for _, c := range st.Clients {
			if c.State == "ready" && c.Subscriptions == n {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("waiting for %d subscriptions: %v; state %+v", n, err, sim.State())
	}
}
