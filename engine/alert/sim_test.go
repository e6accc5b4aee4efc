package alert

import (
	"context"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/engine"
)

var marketOpen = time.Date(2025, 3, 4, 15, 2, 30, 0, time.UTC) // a Tuesday, 10:02 New York

// simRig is the simulator, an engine on it, a manager watching the engine
// and a webhook receiver on a loopback port.
type simRig struct {
	sim *ibsim.Server
	eng *engine.Engine
	m   *Manager
	r   *receiver
}

func newSimRig(t *testing.T, th Thresholds) *simRig {
	sim, err := ibsim.Start(ibsim.Config{Addr: "127.0.0.1:0", Seed: 1, Start: marketOpen})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	eng, err := engine.New(engine.Options{
		Session: conn.Config{Addr: sim.Addr(), ClientID: 1,
			Keepalive: conn.KeepaliveConfig{Interval: 100 * time.Millisecond, Timeout: 500 * time.Millisecond, MaxMisses: 2, History: 10},
			Backoff:   conn.BackoffConfig{Initial: 100 * time.Millisecond, Multiplier: 1.5, Max: 300 * time.Millisecond}},
		Symbols: []string{"AAPL"}, ScanInterval: 100 * time.Millisecond,
		SilentAfter: 400 * time.Millisecond, SilentCheck: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	eng.Start()
	t.Cleanup(eng.Close)
	r := newReceiver(t)
	m := newManager(t, th, nil, &Webhook{Label: "webhook[0]", URL: r.srv.URL})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go m.Run(ctx, eng.Latest, 20*time.Millisecond)
	rig := &simRig{sim: sim, eng: eng, m: m, r: r}
	rig.waitFor(t, "ready and live", func(s engine.Snapshot) bool {
		return s.Conn.State == conn.Ready && len(s.Symbols) == 1 && s.Symbols[0].Status == "live"
	})
	return rig
}

func (g *simRig) waitFor(t *testing.T, what string, ok func(engine.Snapshot) bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case s := <-g.eng.Snapshots():
			if ok(s) {
				return
			}
		case <-deadline:
			t.Fatalf("no snapshot with %s; last %+v", what, g.eng.Latest().Conn)
		}
	}
}

// messages waits for firing then resolved of key and returns key's messages.
func (g *simRig) messages(t *testing.T, key string) []Notification {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		var mine []Notification
		g.r.mu.Lock()
		for _, n := range g.r.raw {
			if n.Alert == key {
				mine = append(mine, n)
			}
		}
		g.r.mu.Unlock()
		if len(mine) >= 2 && mine[len(mine)-1].State == Resolved {
			return mine
		}
		select {
		case <-g.r.wake:
		case <-deadline:
			t.Fatalf("%s: messages %+v, want a firing and a resolved", key, mine)
		}
	}
}

// Each rule against a scripted simulator fault: exactly one firing and one
// resolved webhook, with the documented body.
func TestRulesAgainstTheSimulator(t *testing.T) {
	base := DefaultThresholds()
	base.DownAfter, base.FarmBroken, base.KeepaliveP99, base.Repeat = 300*time.Millisecond, 300*time.Millisecond, 0, 0
	base.StormSessions, base.GatewayZombies = 0, 1
	cases := []struct {
		key    string
		th     func(*Thresholds)
		inject []ibsim.Fault
		extra  func(g *simRig)
	}{
		{"session_down", nil, []ibsim.Fault{{Kind: ibsim.FaultDown, For: ibsim.Duration(1500 * time.Millisecond)}}, nil},
		{"farm_broken:usfarm", nil, []ibsim.Fault{{Kind: ibsim.FaultFarmFlap, Farm: "usfarm", For: ibsim.Duration(1500 * time.Millisecond)}}, nil},
		{"competing_session", nil, []ibsim.Fault{{Kind: ibsim.FaultCompeting, For: ibsim.Duration(1500 * time.Millisecond)}}, nil},
		{"symbol_silent:AAPL", nil, []ibsim.Fault{{Kind: ibsim.FaultSilence, Symbols: []string{"AAPL"}, For: ibsim.Duration(1500 * time.Millisecond)}}, nil},
		{"gateway_zombies", nil, []ibsim.Fault{{Kind: ibsim.FaultHold, On: true}}, func(g *simRig) {
			g.eng.Reconnect() // our side closes, the gateway's is held
			g.waitFor(t, "a held socket", func(s engine.Snapshot) bool { return s.Sockets.Counts["CLOSE_WAIT"] >= 1 })
			g.sim.ClearFaults()
		}},
		{"reconnect_storm", func(th *Thresholds) { th.StormSessions, th.StormWindow = 2, 2*time.Second }, nil, func(g *simRig) {
			for range 3 {
				before := g.eng.Latest().Conn.ReadySince
				g.sim.Inject(ibsim.Fault{Kind: ibsim.FaultDrop})
				g.waitFor(t, "ready again", func(s engine.Snapshot) bool {
					return s.Conn.State == conn.Ready && s.Conn.ReadySince.After(before)
				})
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			t.Parallel() // the data rules wait out the engine's re-request pacing (~15 s)
			th := base
			if tc.th != nil {
				tc.th(&th)
			}
			g := newSimRig(t, th)
			for _, f := range tc.inject {
				if err := g.sim.Inject(f); err != nil {
					t.Fatal(err)
				}
			}
			if tc.extra != nil {
				tc.extra(g)
			}
			got := g.messages(t, tc.key)
			if len(got) != 2 || got[0].State != Firing || got[1].State != Resolved {
				t.Fatalf("%s: %+v, want exactly one firing and one resolved", tc.key, got)
			}
			g.r.mu.Lock()
			defer g.r.mu.Unlock()
			for _, body := range g.r.got {
				if body["alert"] != tc.key {
					continue
				}
				for _, k := range bodyKeys {
					if _, ok := body[k]; !ok {
						t.Errorf("body lacks %q: %v", k, body)
					}
				}
			}
		})
	}
}
