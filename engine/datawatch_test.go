package engine

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibsim"
)

// driveClock moves a shared sim clock a second every tick (50 times real
// time) until the test ends or stop is called, so that live updates flow as
// they do from a real gateway.
func driveClock(t *testing.T, clock *ibsim.ManualClock) (stop func()) {
	t.Helper()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				clock.Advance(time.Second)
			}
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { close(done); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

func named(key, value string) func(record) bool {
	return func(r record) bool { return r.attrs[key] == value }
}

func rowStatus(symbol, status string) func(Snapshot) bool {
	return func(s Snapshot) bool {
		for _, r := range s.Symbols {
			if r.Symbol == symbol {
				return r.Status == status
			}
		}
		return false
	}
}

// TestDataFaultsChangeNothing: against the simulator, a farm flap, a silence
// and a nightly reset are noticed and healed without touching the socket;
// afterwards every symbol's bars and verdicts equal those of a clean run on
// the same seed and clock, and the silence was reported within
// silent_after plus one check interval of the last update.
func TestDataFaultsChangeNothing(t *testing.T) {
	t.Parallel()
	const seed = 23
	const silentAfter, check = 300 * time.Millisecond, 50 * time.Millisecond
	clock := ibsim.NewManualClock(simStart)
	plainSim := startSim(t, ibsim.Config{Seed: seed, Clock: clock})
	faultySim := startSim(t, ibsim.Config{Seed: seed, Clock: clock})
	symbols := ibsim.DefaultSymbols()[:3]
	regular := BarSettings{Duration: "2 D", BarSize: "5 mins", WhatToShow: "TRADES", UseRTH: true}
	plainOpts := testOptions(plainSim.Addr(), symbols, newRecorder())
	plainOpts.Bars, plainOpts.SilentAfter = regular, -1
	plain := startEngine(t, plainOpts)
	rec := newRecorder()
	opts := testOptions(faultySim.Addr(), symbols, rec)
	opts.Bars, opts.SilentAfter, opts.SilentCheck = regular, silentAfter, check
	opts.Session.RetryDelay = 200 * time.Millisecond
	opts.Session.Keepalive = conn.KeepaliveConfig{Interval: 50 * time.Millisecond, Timeout: time.Second, MaxMisses: 3}
	faulty := startEngine(t, opts)
	t.Cleanup(func() {
		if t.Failed() {
			for _, r := range rec.all("") {
				if r.name != EventKeepalive {
					t.Logf("%s %v", r.name, r.attrs)
				}
			}
		}
	})
	waitSnapshot(t, plain, "the first backfills", allLive(time.Time{}))
	waitSnapshot(t, faulty, "the first backfills", allLive(time.Time{}))
	waitSubscribed(t, plainSim, len(symbols))
	waitSubscribed(t, faultySim, len(symbols))
	socket := faulty.Stats().LocalAddr
	stopClock := driveClock(t, clock)

	// A market data farm flaps: its requests are asked again once it is back.
	n := rec.count(EventFarm, named("state", "ok"))
	if err := faultySim.Inject(ibsim.Fault{Kind: ibsim.FaultFarmFlap, Farm: "usfarm", For: ibsim.Duration(150 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	rec.waitCount(t, "usfarm broken", EventFarm, 1, named("state", "broken"))
	rec.waitCount(t, "usfarm back", EventFarm, n+1, named("state", "ok"))
	waitSnapshot(t, faulty, "live again after the flap", allLive(time.Time{}))

	// A silence: noticed by the watch alone, reported in time, healed.
	if err := faultySim.Inject(ibsim.Fault{Kind: ibsim.FaultSilence, Symbols: symbols[:1], For: ibsim.Duration(time.Second)}); err != nil {
		t.Fatal(err)
	}
	waitSnapshot(t, faulty, "the silent row", rowStatus(symbols[0], StatusSilent))
	rec.waitCount(t, "data.silent", EventDataSilent, 1, nil)
	silent := rec.all(EventDataSilent)[0]
	since, err1 := time.Parse(time.RFC3339Nano, silent.attrs["since"].(string))
	last, err2 := time.Parse(time.RFC3339Nano, silent.attrs["last_update"].(string))
	if err1 != nil || err2 != nil || silent.attrs["symbol"] != symbols[0] {
		t.Fatalf("data.silent %v", silent.attrs)
	}
	// One check interval of slack on top for the scheduler of a loaded (race) run.
	if d := since.Sub(last); d < silentAfter || d > silentAfter+check+check {
		t.Errorf("data.silent %v after the last update, want within %v + one check (%v)", d, silentAfter, check)
	}
	rec.waitCount(t, "data.resumed", EventDataResumed, 1, nil)
	if n := rec.count(EventDataSilent, nil); n != 1 {
		t.Errorf("%d data.silent events, want 1 (only %s was silenced)", n, symbols[0])
	}
	waitSnapshot(t, faulty, "live again after the silence", allLive(time.Time{}))

	// The nightly reset: 1100, 10182 on every request, 1102.
	if err := faultySim.Inject(ibsim.Fault{Kind: ibsim.FaultReset, Gap: ibsim.Duration(300 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	rec.waitCount(t, "1100", EventConnState, 1, named("cause", "1100"))
	rec.waitCount(t, "1102", EventConnState, 1, named("cause", "1102"))
	rec.waitCount(t, "10182 on the requests", EventIBError, len(symbols), isCode(10182))
	waitSnapshot(t, faulty, "live again after the reset", allLive(time.Time{}))
	waitSubscribed(t, faultySim, len(symbols))

	stopClock()
	clock.Advance(barSize) // one bar closes after everything streams again
	cur := clock.Now().Truncate(barSize)
	waitSnapshot(t, plain, "the clean run's last bar", allLive(cur.Add(-barSize)))
	waitSnapshot(t, faulty, "the faulty run's last bar", allLive(cur.Add(-barSize)))
	for _, sym := range symbols {
		pb, pv := plain.ClosedBars(sym)
		fb, fv := faulty.ClosedBars(sym)
		if !slices.Equal(pb, fb) || !slices.Equal(pv, fv) {
			t.Errorf("%s: closed bars or verdicts differ: %d bars clean, %d after the faults", sym, len(pb), len(fb))
		}
		if len(pb) < 78 {
			t.Errorf("%s: %d closed bars, want at least the last session's 78", sym, len(pb))
		}
		for i := 1; i < len(fb); i++ {
			if gap := fb[i].Time.Sub(fb[i-1].Time); gap != barSize && !fb[i].Time.Equal(simStart.Truncate(24*time.Hour).Add(14*time.Hour+30*time.Minute)) {
				t.Errorf("%s: %v between bars %d and %d", sym, gap, i-1, i)
				break
			}
		}
	}
	st := faulty.Stats()
	if st.LocalAddr != socket || st.Reconnects != 0 || st.ClientID != 1 {
		t.Errorf("socket %s (was %s), %d reconnects, client id %d: want the one session throughout", st.LocalAddr, socket, st.Reconnects, st.ClientID)
	}
	if n := rec.count(EventConnState, named("cause", "handshake_complete")); n != 1 {
		t.Errorf("%d handshakes, want 1", n)
	}
}
