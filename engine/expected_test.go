package engine

import (
	"testing"
	"time"

	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/engine/calendar"
)

// An outage inside a restart window: conn.state carries expected: true and
// the snapshot says until when; outside every window it carries nothing.
func TestOutageInRestartWindowIsExpected(t *testing.T) {
	w, err := calendar.NewRestartWindows(calendar.RegionNA, "")
	if err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	for _, c := range []struct {
		name string
		at   time.Time
		want bool
	}{
		{"in the reset window", time.Date(2026, 1, 6, 0, 30, 0, 0, ny), true},
		{"at noon", time.Date(2026, 1, 6, 12, 0, 0, 0, ny), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			sim := startSim(t, ibsim.Config{Addr: "127.0.0.1:0", Seed: 1, Start: simStart})
			rec := newRecorder()
			opts := testOptions(sim.Addr(), []string{"AAPL"}, rec)
			opts.RestartWindows = w
			opts.ServerTime = func() (time.Time, bool) { return c.at, true } // the gateway's clock, pinned
			e := startEngine(t, opts)
			rec.waitCount(t, "ready", EventConnState, 1, isState("ready"))
			sim.Inject(ibsim.Fault{Kind: ibsim.FaultDown, For: ibsim.Duration(time.Second)})
			rec.waitCount(t, "backoff", EventConnState, 1, isState("backoff"))
			for _, r := range rec.all(EventConnState) {
				got, _ := r.attrs["expected"].(bool)
				if r.attrs["state"] == "ready" && got {
					t.Errorf("a ready line says expected")
				}
				if r.attrs["state"] == "backoff" && got != c.want {
					t.Errorf("backoff line expected=%v, want %v: %v", got, c.want, r.attrs)
				}
			}
			s := waitSnapshot(t, e, "the outage", func(s Snapshot) bool { return !s.Conn.State.Up() })
			if s.Conn.Expected != c.want || (c.want && s.Conn.ExpectedUntil.In(ny).Format("15:04") != "01:45") {
				t.Errorf("snapshot expected %v until %s", s.Conn.Expected, s.Conn.ExpectedUntil)
			}
		})
	}
}
