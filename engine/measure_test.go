package engine

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/ibsim"
)

// TestMeasureDataFaults measures, with the default settings (silent_after
// 30 s, checks every second, retries after 15 s, keepalive every 2 s) on a
// real-time simulator clock inside regular hours, how long robotui takes to
// notice each data fault and to have every symbol's live updates back.
// It takes a few minutes: ROBOTUI_MEASURE=20 (the runs per fault) turns it on.
func TestMeasureDataFaults(t *testing.T) {
	runs := 0
	fmt.Sscan(os.Getenv("ROBOTUI_MEASURE"), &runs)
	if runs <= 0 {
		t.Skip("ROBOTUI_MEASURE=<runs per fault> measures detection and recovery times")
	}
	start := time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC) // a Monday, 10:00 in New York
	faults := []struct {
		name  string
		fault ibsim.Fault
		// measure returns the detection and recovery times of one run,
		// given the injection instant.
		measure func(t *testing.T, e *Engine, rec *recorder, at time.Time) (detect, recover time.Duration)
	}{
		{"farm_flap usfarm 5s", ibsim.Fault{Kind: ibsim.FaultFarmFlap, Farm: "usfarm", For: ibsim.Duration(5 * time.Second)},
			func(t *testing.T, e *Engine, rec *recorder, at time.Time) (time.Duration, time.Duration) {
				detect := waitAt(t, rec, "broken", EventFarm, named("state", "broken")).Sub(at)
				back := waitAt(t, rec, "back", EventFarm, func(r record) bool { return r.attrs["state"] == "ok" && r.at.After(at) })
				return detect, allUpdatedAfter(t, e, back).Sub(back)
			}},
		{"silence 60s", ibsim.Fault{Kind: ibsim.FaultSilence, Symbols: []string{"AAPL"}, For: ibsim.Duration(60 * time.Second)},
			func(t *testing.T, e *Engine, rec *recorder, at time.Time) (time.Duration, time.Duration) {
				silent := waitAt(t, rec, "silent", EventDataSilent, nil)
				resumed := waitAt(t, rec, "resumed", EventDataResumed, nil)
				return silent.Sub(at), resumed.Sub(at.Add(60 * time.Second))
			}},
		{"reset gap 15s", ibsim.Fault{Kind: ibsim.FaultReset, Gap: ibsim.Duration(15 * time.Second)},
			func(t *testing.T, e *Engine, rec *recorder, at time.Time) (time.Duration, time.Duration) {
				lost := waitAt(t, rec, "1100", EventConnState, named("cause", "1100"))
				back := waitAt(t, rec, "1102", EventConnState, named("cause", "1102"))
				return lost.Sub(at), allUpdatedAfter(t, e, back).Sub(back)
			}},
		{"competing_session 10s", ibsim.Fault{Kind: ibsim.FaultCompeting, For: ibsim.Duration(10 * time.Second)},
			func(t *testing.T, e *Engine, rec *recorder, at time.Time) (time.Duration, time.Duration) {
				degraded := waitAt(t, rec, "degraded", EventConnState, named("cause", "competing_session"))
				end := at.Add(10 * time.Second)
				return degraded.Sub(at), allUpdatedAfter(t, e, end).Sub(end)
			}},
	}
	symbols := []string{"AAPL", "MSFT", "SPY"}
	for _, fc := range faults {
		var mu sync.Mutex
		var detect, recover []time.Duration
		t.Run(fc.name, func(t *testing.T) {
			for i := range runs {
				t.Run(fmt.Sprint(i), func(t *testing.T) {
					t.Parallel()
					sim := startSim(t, ibsim.Config{Seed: int64(100 + i), Start: start})
					rec := newRecorder()
					opts := testOptions(sim.Addr(), symbols, rec)
					opts.Bars, opts.Session.RetryDelay = DefaultBarSettings(), 0
					e := startEngine(t, opts)
					waitSnapshot(t, e, "the backfills", allLive(time.Time{}))
					// A fault right after the first requests would also wait out IB's
					// 15 s for an identical request: measure the steady state.
					<-time.After(16 * time.Second)
					at := time.Now()
					if err := sim.Inject(fc.fault); err != nil {
						t.Fatal(err)
					}
					d, r := fc.measure(t, e, rec, at)
					if st := e.Stats(); st.Reconnects != 0 {
						t.Errorf("%d reconnects", st.Reconnects)
					}
					mu.Lock()
					detect, recover = append(detect, d), append(recover, r)
					mu.Unlock()
				})
			}
		})
		line := fmt.Sprintf("%-22s runs %d  detection p50 %v max %v  recovery p50 %v max %v", fc.name, len(detect),
			pct(detect, 50), pct(detect, 100), pct(recover, 50), pct(recover, 100))
		t.Log(line)
		fmt.Fprintln(os.Stderr, "MEASURE", line)
	}
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s) - 1) * p / 100
	return s[i].Round(10 * time.Microsecond)
}

func firstAt(recs []record, match func(record) bool) time.Time {
	for _, r := range recs {
		if match(r) {
			return r.at
		}
	}
	return time.Time{}
}

// waitAt waits (up to two minutes: a silence lasts one) for a record named
// name matching match and returns its time.
func waitAt(t *testing.T, rec *recorder, what, name string, match func(record) bool) time.Time {
	t.Helper()
	if match == nil {
		match = func(record) bool { return true }
	}
	deadline := time.NewTimer(2 * time.Minute)
	defer deadline.Stop()
	for {
		rec.mu.Lock()
		changed := rec.changed
		rec.mu.Unlock()
		if at := firstAt(rec.all(name), match); !at.IsZero() {
			return at
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// allUpdatedAfter polls until every symbol has had a live update after
// from, and returns when the last of them had its first.
func allUpdatedAfter(t *testing.T, e *Engine, from time.Time) time.Time {
	t.Helper()
	first := make([]time.Time, len(e.syms))
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(2 * time.Minute)
	defer deadline.Stop()
	for {
		done := true
		for i, sym := range e.syms {
			sym.mu.Lock()
			if first[i].IsZero() && sym.lastUpdate.After(from) {
				first[i] = sym.lastUpdate
			}
			sym.mu.Unlock()
			done = done && !first[i].IsZero()
		}
		if done {
			return slices.MaxFunc(first, func(a, b time.Time) int { return a.Compare(b) })
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("not every symbol updated after %v", from)
		}
	}
}
