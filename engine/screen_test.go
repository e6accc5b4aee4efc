package engine

import (
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibsim"
)

// After 1100 nothing updates until 1101/1102: the rows say "stale", not
// "live", and come back with 1102.
func TestDegradedRowsAreStale(t *testing.T) {
	t.Parallel()
	sim := startSim(t, ibsim.Config{Seed: 5})
	symbols := ibsim.DefaultSymbols()[:2]
	e := startEngine(t, testOptions(sim.Addr(), symbols, newRecorder()))
	waitSnapshot(t, e, "the first backfills", allLive(time.Time{}))
	if err := sim.Inject(ibsim.Fault{Kind: ibsim.FaultCodes, Codes: []int{1100}}); err != nil {
		t.Fatal(err)
	}
	waitSnapshot(t, e, "degraded, every row stale", func(s Snapshot) bool {
		if s.Conn.State != conn.Degraded {
			return false
		}
		for _, r := range s.Symbols {
			if r.Status != "stale" {
				return false
			}
		}
		return true
	})
	if err := sim.Inject(ibsim.Fault{Kind: ibsim.FaultCodes, Codes: []int{1102}}); err != nil {
		t.Fatal(err)
	}
	waitSnapshot(t, e, "ready and live again after 1102", func(s Snapshot) bool {
		return s.Conn.State == conn.Ready && allLive(time.Time{})(s)
	})
}
