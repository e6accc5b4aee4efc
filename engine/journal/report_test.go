package journal

import (
	"context"
	"math"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// TestReportFromStates: a known hour of state changes gives known outages and uptimes.
func TestReportFromStates(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	var now atomic.Int64
	now.Store(t0.Add(-time.Minute).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(Options{Path: path, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	evs := []struct {
		d                 time.Duration
		st, cause, reason string
		expected          bool
	}{
		{0, "ready", "handshake_complete", "handshake complete", false},
		{10 * time.Minute, "backoff", "eof", "gateway closed the connection", false},
		{10*time.Minute + time.Second, "connecting", "start", "starting", false},
		{10*time.Minute + 30*time.Second, "ready", "handshake_complete", "", false},
		{20 * time.Minute, "backoff", "keepalive", "keepalive missed", false},
		{20*time.Minute + 20*time.Second, "ready", "handshake_complete", "", false},
		{30 * time.Minute, "backoff", "eof", "gateway closed the connection", false},
		{30*time.Minute + 10*time.Second, "ready", "handshake_complete", "", false},
		{40 * time.Minute, "backoff", "eof", "gateway closed the connection", false},
		{40*time.Minute + time.Second, "backoff", "dial_refused", "nothing accepted the connection", true},
		{41 * time.Minute, "ready", "handshake_complete", "", false},
		{60 * time.Minute, "closed", "quit", "session closed", false},
	}
	for _, e := range evs {
		j.Event(state(at(e.d), e.st, e.cause, e.reason, e.expected))
	}
	now.Store(at(time.Hour).UnixNano())
	j.Close()

	r, err := OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep, err := r.Report(context.Background(), t0.Add(-time.Hour), t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		start    time.Duration
		secs     float64
		cause    string
		expected bool
	}{{10 * time.Minute, 30, "eof", false}, {20 * time.Minute, 20, "keepalive", false}, {30 * time.Minute, 10, "eof", false}, {40 * time.Minute, 60, "eof", true}}
	if len(rep.Outages) != len(want) {
		t.Fatalf("outages = %+v", rep.Outages)
	}
	for i, w := range want {
		o := rep.Outages[i]
		if !o.Start.Equal(at(w.start)) || o.Seconds != w.secs || o.Cause != w.cause || o.Expected != w.expected || o.Reason == "" {
			t.Errorf("outage %d = %+v, want %+v", i, o, w)
		}
	}
	if rep.RunningS != 3600 {
		t.Errorf("running %.1fs, want 3600", rep.RunningS)
	}
	if all := 100 * (3600.0 - 120) / 3600; math.Abs(rep.UptimeAllPct-all) > 1e-9 {
		t.Errorf("uptime with expected = %.4f, want %.4f", rep.UptimeAllPct, all)
	}
	if ex := 100 * (3600.0 - 120) / (3600 - 60); math.Abs(rep.UptimePct-ex) > 1e-9 {
		t.Errorf("uptime without expected = %.4f, want %.4f", rep.UptimePct, ex)
	}
	if rep.ReconnectsBy["eof"] != 3 || rep.ReconnectsBy["keepalive"] != 1 {
		t.Errorf("reconnects = %v", rep.ReconnectsBy)
	}
	// Hours: 14:00 not running, 15:00 measured with 120 s down, 16:00 not running.
	if len(rep.Hourly) != 3 || rep.Hourly[0].Pct != -1 || rep.Hourly[2].Pct != -1 || math.Abs(rep.Hourly[1].Pct-rep.UptimeAllPct) > 1e-9 {
		t.Errorf("hourly = %+v", rep.Hourly)
	}
	// A span that starts inside the second outage clips it.
	rep, err = r.Report(context.Background(), at(20*time.Minute+10*time.Second), at(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Outages) != 3 || rep.RunningS != 3600-(20*60+10) {
		t.Errorf("clipped: %d outages, running %.0f", len(rep.Outages), rep.RunningS)
	}
	h := rep.History()
	if len(h.Incidents) != 3 || len(h.Hourly) != 1 {
		t.Errorf("history = %+v", h)
	}
}

// TestRunKilledEndsAtLastSeen: a run without a clean close ends where it was last seen.
func TestRunKilledEndsAtLastSeen(t *testing.T) {
	run := &runSpan{start: time.Unix(0, 0), end: time.Unix(100, 0), states: []stateEv{
		{at: time.Unix(10, 0), state: "ready"}, {at: time.Unix(50, 0), state: "backoff", cause: "eof"}}}
	m, outs := walk(run, time.Unix(1000, 0))
	if !m.a.Equal(time.Unix(10, 0)) || !m.b.Equal(time.Unix(100, 0)) || len(outs) != 1 || outs[0].Duration != 50*time.Second || outs[0].Open {
		t.Errorf("measured %v, outages %+v", m, outs)
	}
}
