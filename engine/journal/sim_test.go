package journal_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/journal"
)

// states is a slog.Handler that hands every conn.state to a channel.
type states chan slog.Record

func (s states) Enabled(context.Context, slog.Level) bool { return true }
func (s states) WithAttrs([]slog.Attr) slog.Handler       { return s }
func (s states) WithGroup(string) slog.Handler            { return s }
func (s states) Handle(_ context.Context, r slog.Record) error {
	if r.Message == engine.EventConnState {
		select {
		case s <- r:
		default:
		}
	}
	return nil
}

func stateOf(r slog.Record) string {
	st := ""
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "state" {
			st = a.Value.String()
		}
		return a.Key != "state"
	})
	return st
}

// waitReady waits for the next conn.state ready and returns when it came.
func waitReady(t *testing.T, ch states) time.Time {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case r := <-ch:
			if stateOf(r) == "ready" {
				return r.Time
			}
		case <-deadline:
			t.Fatal("no ready within 30s")
		}
	}
}

// Timings of the scripted run, scaled down from the 20 s stall and
// 10 s down so that the test takes seconds: the keepalive pings every
// 200 ms (2 misses, 200 ms timeout), the handshake times out after 500 ms
// and backoff is capped at 200 ms.
const (
	kaInterval     = 200 * time.Millisecond
	kaTimeout      = 200 * time.Millisecond
	connectTimeout = 500 * time.Millisecond
	backoffMax     = 200 * time.Millisecond
	stallFor       = 2 * time.Second
	downFor        = time.Second
	// A stall is seen within max_misses pings plus the timeout (and the
	// ping's own tick); the way back after a fault ends takes at most one
	// handshake timeout and one backoff.
	detectBound  = 3*kaInterval + kaTimeout
	recoverBound = connectTimeout + backoffMax + kaInterval
)

// TestReportMatchesInjectedFaults runs the engine with a journal against
// the simulator, injects 3 drops, a stall (of new sessions too) and a
// down, and checks that the report's outages, causes and uptime are what
// was injected, within the bounds above.
func TestReportMatchesInjectedFaults(t *testing.T) {
	sim, err := ibsim.Start(ibsim.Config{Addr: "127.0.0.1:0", Seed: 1, Start: time.Date(2025, 3, 4, 15, 2, 30, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := journal.Open(journal.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	ch := make(states, 256)
	eng, err := engine.New(engine.Options{
		Session: conn.Config{
			Addr: sim.Addr(), ClientID: 1, ConnectTimeout: connectTimeout,
			Keepalive: conn.KeepaliveConfig{Interval: kaInterval, Timeout: kaTimeout, MaxMisses: 2},
			Backoff:   conn.BackoffConfig{Initial: 20 * time.Millisecond, Multiplier: 2, Max: backoffMax, Jitter: 0.01},
		},
		Symbols: []string{"AAPL"}, ScanInterval: -1, Journal: j, Log: slog.New(ch),
	})
	if err != nil {
		t.Fatal(err)
	}
	j.SetNotify(eng.Note)
	start := time.Now()
	eng.Start()
	defer eng.Close()
	waitReady(t, ch)

	type injected struct {
		at     time.Time
		for_   time.Duration
		causes []string // a FIN reaches the client as EOF or, if it was writing (the account requests after ready), as a reset or a write failure
		back   time.Time
	}
	var faults []injected
	inject := func(f ibsim.Fault, d time.Duration, causes ...string) {
		at := time.Now()
		if err := sim.Inject(f); err != nil {
			t.Fatal(err)
		}
		back := waitReady(t, ch)
		faults = append(faults, injected{at, d, causes, back})
	}
	for range 3 {
		inject(ibsim.Fault{Kind: ibsim.FaultDrop, Mode: "fin"}, 0, "eof", "reset", "io")
	}
	inject(ibsim.Fault{Kind: ibsim.FaultStall, For: ibsim.Duration(stallFor), All: true}, stallFor, "keepalive")
	inject(ibsim.Fault{Kind: ibsim.FaultDown, For: ibsim.Duration(downFor)}, downFor, "eof", "reset", "io")
	eng.Close()
	j.Close()
	end := time.Now()

	r, err := journal.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep, err := r.Report(context.Background(), start.Add(-time.Minute), end.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Outages) != len(faults) {
		t.Fatalf("outages = %+v, want %d", rep.Outages, len(faults))
	}
	var down time.Duration
	for i, f := range faults {
		o := rep.Outages[i]
		oEnd := o.Start.Add(time.Duration(o.Seconds * float64(time.Second)))
		if !slices.Contains(f.causes, o.Cause) || o.Reason == "" || o.Expected {
			t.Errorf("outage %d: cause %q reason %q expected %t, want cause in %q", i, o.Cause, o.Reason, o.Expected, f.causes)
		}
		if o.Start.Before(f.at.Add(-5*time.Millisecond)) || o.Start.After(f.at.Add(detectBound)) {
			t.Errorf("outage %d starts %s after the fault, want within %s", i, o.Start.Sub(f.at), detectBound)
		}
		if want := f.at.Add(f.for_); oEnd.Before(want.Add(-kaInterval)) || oEnd.After(want.Add(recoverBound)) {
			t.Errorf("outage %d ends %s after the fault, want %s (+%s)", i, oEnd.Sub(f.at), f.for_, recoverBound)
		}
		if d := oEnd.Sub(f.back).Abs(); d > 5*time.Millisecond {
			t.Errorf("outage %d ends %s from the ready the engine reported", i, d)
		}
		down += time.Duration(o.Seconds * float64(time.Second))
	}
	if rep.ReconnectsBy["eof"]+rep.ReconnectsBy["reset"]+rep.ReconnectsBy["io"] != 4 || rep.ReconnectsBy["keepalive"] != 1 {
		t.Errorf("reconnects by cause = %v, want eof or reset 4, keepalive 1", rep.ReconnectsBy)
	}
	// Injected: the stall and the down, plus at most detection and recovery for each fault.
	minDown := stallFor - detectBound + downFor
	maxDown := stallFor + downFor + time.Duration(len(faults))*(detectBound+recoverBound)
	if down < minDown || down > maxDown {
		t.Errorf("down %s, want within [%s, %s]", down, minDown, maxDown)
	}
	measured := time.Duration(rep.RunningS * float64(time.Second))
	want := 100 * (1 - down.Seconds()/measured.Seconds())
	if d := rep.UptimePct - want; d > 0.01 || d < -0.01 || rep.UptimeAllPct != rep.UptimePct {
		t.Errorf("uptime %.3f%% (all %.3f%%), want %.3f%% (down %s of %s)", rep.UptimePct, rep.UptimeAllPct, want, down, measured)
	}
	if lo, hi := end.Sub(start)-2*time.Second, end.Sub(start); measured < lo || measured > hi {
		t.Errorf("measured %s, want about the run's %s", measured, end.Sub(start))
	}
	if len(rep.Keepalive) == 0 || rep.Keepalive[0].Pings == 0 || rep.Keepalive[0].Misses == 0 {
		t.Errorf("keepalive per hour = %+v: want pings and the stall's misses", rep.Keepalive)
	}
	t.Logf("outages %+v uptime %.2f%% over %s", rep.Outages, rep.UptimePct, measured)
}
