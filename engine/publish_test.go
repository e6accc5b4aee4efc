package engine

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/conn/wire"
)

// TestSnapshotsCoalesce: a burst of updates gives at most one snapshot per
// PublishEvery, the last one carries the last update, and Close closes the
// channel after a final snapshot. The burst goes on until a snapshot built
// during it has been received, so that it straddles a publish however the
// goroutines are scheduled.
func TestSnapshotsCoalesce(t *testing.T) {
	const (
		every     = 50 * time.Millisecond
		burstBase = 1000.0 // burst prices; the backfill's are near 100
	)
	opts := testOptions(closedPort(t), []string{"AAA"}, newRecorder())
	opts.PublishEvery = every
	opts.Strategy = mustSMA(t, 2, 5)
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.Start()
	got := make(chan []Snapshot)
	midBurst := make(chan struct{}) // closed on the first snapshot with a burst price
	go func() {
		var all []Snapshot
		for s := range e.Snapshots() {
			if len(s.Symbols) > 0 && s.Symbols[0].Last >= burstBase && !isClosed(midBurst) {
				close(midBurst)
			}
			all = append(all, s)
		}
		got <- all
	}()
	e.onBars(e.syms[0], conn.BarEvent{Kind: conn.BarBackfill, Bars: backfill(0, 10*step+1)})
	began := time.Now()
	deadline := began.Add(20 * time.Second)
	var last float64
	for i := 0; i < 30_000 || !isClosed(midBurst); i++ {
		if i%1000 == 0 && time.Now().After(deadline) {
			t.Fatalf("no snapshot published during a %v burst of %d updates", time.Since(began), i)
		}
		last = burstBase + float64(i%1000)/100
		e.onBars(e.syms[0], conn.BarEvent{Kind: conn.BarUpdate, Bar: wire.Bar{Date: strconv.Itoa(10*step + i/1000*step), Close: last}})
	}
	burst := time.Since(began)
	e.Close()
	snaps := <-got
	if len(snaps) < 2 {
		t.Fatalf("%d snapshots", len(snaps))
	}
	final := snaps[len(snaps)-1]
	if final.Symbols[0].Last != last || final.Conn.State != conn.Closed {
		t.Fatalf("final snapshot: last %v state %s, want %v and closed", final.Symbols[0].Last, final.Conn.State, last)
	}
	published := snaps[:len(snaps)-1] // the last one comes from Close
	if limit := int(burst/every) + 3; len(published) > limit {
		t.Fatalf("%d snapshots during a %v burst, want at most %d", len(published), burst, limit)
	}
	for i := 1; i < len(published); i++ {
		if gap := published[i].At.Sub(published[i-1].At); gap < every*9/10 {
			t.Fatalf("snapshots %d and %d built %v apart, want at least %v", i-1, i, gap, every)
		}
	}
	e.Close() // idempotent
}

// TestSnapshotIsACopy: changing a snapshot's slices and maps changes
// neither the engine nor later snapshots.
func TestSnapshotIsACopy(t *testing.T) {
	e := testEngine(t, "AAA", "BBB")
	e.onBars(e.syms[0], conn.BarEvent{Kind: conn.BarBackfill, Bars: backfill(0, 10*step+1)})
	e.mu.Lock()
	e.sock = SocketInfo{Port: 4002, Counts: map[string]int{"ESTABLISHED": 1}, Zombies: []Zombie{{PID: 1}}}
	e.mu.Unlock()
	a := e.Latest()
	a.Symbols[0].Last = -1
	a.Sockets.Counts["ESTABLISHED"] = 99
	a.Sockets.Zombies[0].PID = 99
	a.Events[0].Text = "changed"
	b := e.Latest()
	if b.Symbols[0].Last == -1 || b.Sockets.Counts["ESTABLISHED"] != 1 || b.Sockets.Zombies[0].PID != 1 || b.Events[0].Text == "changed" {
		t.Fatal("a snapshot shares memory with the engine")
	}
	if b.Symbols[0].Symbol != "AAA" || b.Symbols[1].Symbol != "BBB" || b.Symbols[1].Status != "queued" {
		t.Fatalf("rows %+v, want watchlist order, an unstarted symbol queued", b.Symbols)
	}
}

// TestCommands: Reconnect and Refresh bring fresh backfills that change no
// bar and emit no signal twice.
func TestCommands(t *testing.T) {
	t.Parallel()
	clock := ibsim.NewManualClock(simStart)
	sim := startSim(t, ibsim.Config{Seed: 13, Clock: clock})
	rec := newRecorder()
	symbols := []string{"AAPL", "MSFT"}
	opts := testOptions(sim.Addr(), symbols, rec)
	opts.Session.Keepalive.Interval = time.Hour // the simulator counts only our bar requests
	e := startEngine(t, opts)
	t.Cleanup(func() {
		if t.Failed() {
			for _, r := range rec.all("") {
				t.Logf("%s %v", r.name, r.attrs)
			}
			t.Logf("%+v", sim.State())
		}
	})
	newest := simStart.Truncate(barSize).Add(-barSize)
	waitSnapshot(t, e, "the first backfills", allLive(newest))
	before, _ := e.ClosedBars("AAPL")
	history := e.SignalHistory("AAPL")

	e.Reconnect()
	rec.waitCount(t, "a second session", EventConnState, 2, isState("ready"))
	waitSubscribed(t, sim, len(symbols))
	waitSnapshot(t, e, "the backfills after reconnecting", allLive(newest))

	requests := func(st ibsim.State) int {
		n := 0
		for _, c := range st.Clients {
			n += c.Requests
		}
		return n
	}
	n := requests(sim.State())
	e.Refresh("aapl")
	e.Refresh("NOT-WATCHED")
	ctx := t.Context()
	if err := sim.WaitFor(ctx, func(st ibsim.State) bool { return requests(st) >= n+2 }); err != nil { // cancel, request
		t.Fatal(err)
	}
	waitSnapshot(t, e, "the refreshed backfill", allLive(newest))
	after, _ := e.ClosedBars("AAPL")
	if !slices.Equal(before, after) || !slices.Equal(history, e.SignalHistory("AAPL")) {
		t.Fatalf("a reconnect or refresh changed the bars (%d → %d) or emitted again", len(before), len(after))
	}
	if _, err := e.InjectFault("drop"); e.FaultNames() != nil || err != ErrNoFaults {
		t.Fatal("faults without a simulator")
	}
	if !e.Ready() {
		t.Fatal("not Ready with a live session")
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
