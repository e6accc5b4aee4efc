package engine

import (
	"slices"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibsim"
)

// TestOutagesChangeNothing runs two engines on two simulators with the same
// seed and one sim clock, advanced in identical steps. One simulator drops
// its client, stalls it, and goes down for a while between steps. Each bar
// is closed and each signal emitted exactly once, identically in both runs.
func TestOutagesChangeNothing(t *testing.T) {
	t.Parallel()
	const seed = 21
	clock := ibsim.NewManualClock(simStart)
	plainSim := startSim(t, ibsim.Config{Seed: seed, Clock: clock})
	faultySim := startSim(t, ibsim.Config{Seed: seed, Clock: clock})
	symbols := ibsim.DefaultSymbols()[:3]
	plain := startEngine(t, testOptions(plainSim.Addr(), symbols, newRecorder()))
	rec := newRecorder()
	opts := testOptions(faultySim.Addr(), symbols, rec)
	opts.Session.Keepalive = conn.KeepaliveConfig{Interval: 50 * time.Millisecond, Timeout: 50 * time.Millisecond, MaxMisses: 2}
	faulty := startEngine(t, opts)
	t.Cleanup(func() {
		if t.Failed() {
			for _, r := range rec.all("") {
				if r.name != EventKeepalive || r.attrs["ok"] == false {
					t.Logf("%s %v", r.name, r.attrs)
				}
			}
		}
	})

	cur := simStart.Truncate(barSize)
	waitSnapshot(t, plain, "the first backfills", allLive(cur.Add(-barSize)))
	waitSnapshot(t, faulty, "the first backfills", allLive(cur.Add(-barSize)))
	waitSubscribed(t, plainSim, len(symbols))
	waitSubscribed(t, faultySim, len(symbols))
	advance := func(n int) {
		for range n {
			clock.Advance(barSize)
			cur = cur.Add(barSize)
			waitSnapshot(t, plain, "the uninterrupted run's bar", allLive(cur.Add(-barSize)))
		}
	}
	// Each fault strikes between steps and the clock moves on before the
	// interrupted engine is back, so it misses live bars.
	outage := func(f ibsim.Fault, steps int) {
		t.Helper()
		n := rec.count(EventConnState, isState("ready"))
		if err := faultySim.Inject(f); err != nil {
			t.Fatal(err)
		}
		advance(steps)
		rec.waitCount(t, "a new session after "+f.Kind, EventConnState, n+1, isState("ready"))
		faultySim.ClearFaults()
	}
	advance(2)
	waitSnapshot(t, faulty, "the live bars before the faults", allLive(cur.Add(-barSize)))
	outage(ibsim.Fault{Kind: ibsim.FaultDrop, Mode: "fin"}, 1)
	outage(ibsim.Fault{Kind: ibsim.FaultStall}, 2)
	outage(ibsim.Fault{Kind: ibsim.FaultDown, For: ibsim.Duration(300 * time.Millisecond)}, 2)
	// A backfill requested just before a step may be registered for live
	// updates just after it: one more step once all is streaming again.
	waitSnapshot(t, faulty, "the backfills after the last outage", allLive(time.Time{}))
	waitSubscribed(t, faultySim, len(symbols))
	advance(1)
	waitSnapshot(t, faulty, "the interrupted run to catch up", allLive(cur.Add(-barSize)))

	for _, sym := range symbols {
		pb, pv := plain.ClosedBars(sym)
		fb, fv := faulty.ClosedBars(sym)
		if !slices.Equal(pb, fb) || !slices.Equal(pv, fv) {
			t.Fatalf("%s: closed bars or verdicts differ: %d bars uninterrupted, %d interrupted", sym, len(pb), len(fb))
		}
		ph, fh := plain.SignalHistory(sym), faulty.SignalHistory(sym)
		if !slices.Equal(ph, fh) {
			t.Fatalf("%s: emitted signals differ:\n%v\n%v", sym, ph, fh)
		}
		if want := pv[len(pv)-9:]; !slices.Equal(ph, want) {
			t.Fatalf("%s: emitted %d signals, want the first backfill's newest and each of 8 bars closed since, once: %v", sym, len(ph), ph)
		}
	}
	if n := rec.count(EventConnState, isState("ready")); n < 4 {
		t.Fatalf("the interrupted engine had %d sessions, want at least 4", n)
	}
}
