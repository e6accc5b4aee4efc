package ibsim

import (
	"context"
	"errors"
	"math"
	"net"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

func TestConfigValidation(t *testing.T) {
	bad := []Config{
		{ServerVersion: 99}, {ServerVersion: 201}, {Speed: -1}, {Speed: math.NaN()}, {Speed: math.Inf(1)},
		{MaxClients: -1}, {Accounts: []string{"DU1,DU2"}}, {Accounts: []string{""}}, {UpdateInterval: -time.Second},
		{Addr: "127.0.0.1:notaport"},
	}
	for _, cfg := range bad {
		if s, err := Start(cfg); err == nil {
			s.Close()
			t.Errorf("Start(%+v) succeeded", cfg)
		}
	}
	s := startSim(t, Config{})
	if host, _, _ := net.SplitHostPort(s.Addr()); host != "127.0.0.1" || s.Port() == 0 {
		t.Errorf("default address %s", s.Addr())
	}
	if st := s.State(); st.ServerVersionMax != DefaultServerVersion || len(st.Symbols) != len(DefaultSymbols()) || st.Faults == nil {
		t.Errorf("default state %+v", st)
	}
}

func TestSpeedRunsTheClockFaster(t *testing.T) {
	s := startSim(t, Config{Speed: 3600, Start: t0})
	c := connect(t, s, 1)
	c.send(&wire.ReqCurrentTime{})
	first := c.next().(*wire.CurrentTime).Time
	if first < t0.Unix() || first > t0.Add(time.Hour).Unix() {
		t.Fatalf("sim time %d, want shortly after %d", first, t0.Unix())
	}
	for { // an hour of sim time a second: each answer is later than the last
		c.send(&wire.ReqCurrentTime{})
		if c.next().(*wire.CurrentTime).Time > first+10 {
			break
		}
	}
}

func TestCloseEndsEverything(t *testing.T) {
	s := startSim(t, Config{})
	inject(t, s, Fault{Kind: FaultHold, On: true})
	held := connect(t, s, 1)
	held.conn.(*net.TCPConn).CloseWrite()
	waitFor(t, s, "held", clientState(s, held, stateHeld))
	live := connect(t, s, 2)
	stalled := dial(t, s.Addr())
	inject(t, s, Fault{Kind: FaultHandshakeStall})
	inject(t, s, Fault{Kind: FaultCodes, Codes: []int{1100, 1102}, Gap: Duration(time.Hour)})
	live.until(isCode(1100))

	ctx, cancel := context.WithCancel(context.Background())
	waitErr := make(chan error, 1)
	go func() { waitErr <- s.WaitFor(ctx, func(State) bool { return false }) }()

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*tclient{held, live, stalled} {
		c.expectEOF()
	}
	if _, err := net.DialTimeout("tcp", s.Addr(), ioTimeout); err == nil {
		t.Error("listener still accepting after Close")
	}
	s.Close() // idempotent
	cancel()
	if err := <-waitErr; !errors.Is(err, context.Canceled) {
		t.Errorf("WaitFor after cancel: %v", err)
	}
}

func TestManualClockWakesEveryServer(t *testing.T) {
	clk := NewManualClock(t0)
	a := startSim(t, Config{Clock: clk})
	b := startSim(t, Config{Clock: clk})
	ca, cb := connect(t, a, 1), connect(t, b, 1)
	for _, c := range []*tclient{ca, cb} {
		c.send(histReq(1, "SPY", "5 secs", "60 S", true, 2))
		c.until(isType[*wire.HistoricalData])
	}
	clk.Advance(10 * time.Second)
	ua, ub := ca.fence(), cb.fence()
	if len(ua) != 3 || len(ua) != len(ub) {
		t.Fatalf("updates after Advance: %d and %d, want 3 each (two finished bars, one partial)", len(ua), len(ub))
	}
	for i := range ua {
		if ua[i].(*wire.HistoricalDataUpdate).Bar != ub[i].(*wire.HistoricalDataUpdate).Bar {
			t.Errorf("update %d differs between two servers on one clock", i)
		}
	}
	b.Close()
	clk.Advance(time.Second) // a closed server does not block Advance
	if got := clk.Now(); !got.Equal(t0.Add(11 * time.Second)) {
		t.Errorf("clock at %v", got)
	}
}
