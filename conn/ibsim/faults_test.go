package ibsim

import (
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// silence is how long a negative check listens: nothing must arrive.
const silence = 250 * time.Millisecond

func inject(t *testing.T, s *Server, f Fault) {
	t.Helper()
	if err := s.Inject(f); err != nil {
		t.Fatalf("Inject(%+v): %v", f, err)
	}
}

// expectSilence checks that nothing arrives on c for a while.
func (c *tclient) expectSilence() {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(silence))
	_, err := c.r.ReadFrame()
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		c.t.Fatalf("want silence, got %v", err)
	}
}

func clientState(s *Server, c *tclient, state string) func(State) bool {
	return func(st State) bool {
		cs, ok := st.Client(c.local())
		return ok && cs.State == state
	}
}

func noFaults(st State) bool { return len(st.Faults) == 0 }

func TestFaultDrop(t *testing.T) {
	for _, mode := range []string{"", "fin", "rst"} {
		t.Run("mode "+mode, func(t *testing.T) {
			s := startSim(t, Config{})
			a, b := connect(t, s, 1), connect(t, s, 2)
			inject(t, s, Fault{Kind: FaultDrop, Mode: mode})
			for _, c := range []*tclient{a, b} {
				_, err := c.read()
				switch {
				case mode == "rst" && !errors.Is(err, syscall.ECONNRESET):
					t.Errorf("rst: read gave %v, want ECONNRESET", err)
				case mode != "rst" && !isEOF(err):
					t.Errorf("fin: read gave %v, want EOF", err)
				}
			}
			waitFor(t, s, "both closed", func(st State) bool { return st.Count(stateClosed) == 2 })
			connect(t, s, 1).fence() // the listener stays up
		})
	}
}

func TestFaultStall(t *testing.T) {
	s := startSim(t, Config{})
	old := connect(t, s, 1)
	inject(t, s, Fault{Kind: FaultStall})
	waitFor(t, s, "stalled", clientState(s, old, stateStalled))
	old.send(&wire.ReqCurrentTime{})
	old.expectSilence()
	connect(t, s, 2).fence() // all=false: new sessions are served

	inject(t, s, Fault{Kind: FaultStall, All: true})
	fresh := dial(t, s.Addr())
	fresh.writeRaw(wire.Hello{Min: 100, Max: 178}.Append(nil))
	fresh.expectSilence()
	waitFor(t, s, "new one stalled", clientState(s, fresh, stateStalled))

	s.ClearFaults()
	old.fence()
	if st := s.State(); len(st.Faults) != 0 || st.Count(stateStalled) != 0 {
		t.Errorf("after ClearFaults: %+v", st)
	}

	inject(t, s, Fault{Kind: FaultStall, For: Duration(50 * time.Millisecond)})
	waitFor(t, s, "stall over", noFaults)
	old.fence()
}

func TestFaultHandshakeStall(t *testing.T) {
	s := startSim(t, Config{})
	old := connect(t, s, 1)
	inject(t, s, Fault{Kind: FaultHandshakeStall, For: Duration(time.Hour)})
	c := dial(t, s.Addr())
	c.writeRaw(wire.Hello{Min: 100, Max: 178}.Append(nil))
	c.expectSilence()
	old.fence() // existing sessions are not affected
	st := waitFor(t, s, "unanswered hello", clientState(s, c, stateHandshake))
	if cs, _ := st.Client(c.local()); cs.Version != 0 {
		t.Errorf("stalled handshake shows version %d", cs.Version)
	}
	s.ClearFaults()
	connect(t, s, 2).fence()
}

func TestFaultDown(t *testing.T) {
	s := startSim(t, Config{})
	c := connect(t, s, 1)
	inject(t, s, Fault{Kind: FaultDown})
	c.expectEOF()
	if conn, err := net.DialTimeout("tcp", s.Addr(), ioTimeout); err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
		if conn != nil {
			conn.Close()
		}
		t.Fatalf("dial while down: %v, want connection refused", err)
	}
	s.ClearFaults()
	connect(t, s, 1).fence()

	inject(t, s, Fault{Kind: FaultDown, For: Duration(50 * time.Millisecond)})
	waitFor(t, s, "back up", noFaults)
	connect(t, s, 2).fence()
}

func TestFaultCodes(t *testing.T) {
	s, clk := manualSim(t, Config{})
	c := connect(t, s, 1)
	c.send(histReq(1, "AAPL", "5 mins", "1800 S", true, 2))
	c.until(isType[*wire.HistoricalData])
	updates := func() int { clk.Advance(time.Minute); return typeNames(c.fence())["HistoricalDataUpdate"] }

	inject(t, s, Fault{Kind: FaultCodes, Codes: []int{1100}})
	lost := c.until(isCode(1100))[0].(*wire.ErrMsg)
	if lost.ReqID != -1 || lost.Text != systemCodes[1100] {
		t.Errorf("1100: %+v", lost)
	}
	if n := updates(); n != 0 {
		t.Errorf("%d updates after 1100, want none until connectivity is back", n)
	}
	start := time.Now()
	inject(t, s, Fault{Kind: FaultCodes, Codes: []int{1100, 1102}, Gap: Duration(100 * time.Millisecond)})
	c.until(isCode(1102))
	if gap := time.Since(start); gap < 100*time.Millisecond {
		t.Errorf("1102 after %v, want the 100ms gap", gap)
	}
	if n := updates(); n == 0 {
		t.Error("no updates after 1102 (data maintained)")
	}
	inject(t, s, Fault{Kind: FaultCodes, Codes: []int{1100, 1101}})
	cancelled := false
	for _, m := range c.until(isCode(1101)) {
		if e, ok := m.(*wire.ErrMsg); ok && e.Code == 162 && e.ReqID == 1 && strings.Contains(e.Text, "query cancelled") {
			cancelled = true
		}
	}
	if !cancelled {
		t.Error("1101 did not end the live bar request with 162 query cancelled")
	}
	waitFor(t, s, "subscriptions dropped", func(st State) bool { cs, _ := st.Client(c.local()); return cs.Subscriptions == 0 })
	if n := updates(); n != 0 {
		t.Errorf("%d updates after 1101 (data lost): the client must resubscribe", n)
	}
	inject(t, s, Fault{Kind: FaultCodes, Codes: []int{2103, 1300}})
	c.until(isCode(2103))
	msgs := c.until(isCode(1300))
	reset := msgs[len(msgs)-1].(*wire.ErrMsg)
	if !strings.HasSuffix(reset.Text, "reconnect on port "+strconv.Itoa(s.Port())+".") {
		t.Errorf("1300 text %q", reset.Text)
	}
	if _, err := c.read(); !errors.Is(err, io.EOF) {
		t.Errorf("after 1300: %v, want EOF (the gateway drops the connection)", err)
	}
}

func TestFaultBadFrames(t *testing.T) {
	s := startSim(t, Config{})
	c := connect(t, s, 1)
	inject(t, s, Fault{Kind: FaultGarbage})
	var de *decodeError
	if _, err := c.read(); !errors.As(err, &de) {
		t.Fatalf("after garbage: %v, want an undecodable frame", err)
	}
	c.fence() // the stream goes on

	inject(t, s, Fault{Kind: FaultOversized})
	if _, err := c.read(); !errors.Is(err, wire.ErrFrameTooLarge) {
		t.Fatalf("after oversized: %v, want %v", err, wire.ErrFrameTooLarge)
	}
}

func TestFaultLatency(t *testing.T) {
	s := startSim(t, Config{})
	c := connect(t, s, 1)
	inject(t, s, Fault{Kind: FaultLatency, MS: 150})
	start := time.Now()
	c.fence()
	if rtt := time.Since(start); rtt < 150*time.Millisecond {
		t.Errorf("round trip %v with 150ms latency", rtt)
	}
	inject(t, s, Fault{Kind: FaultLatency, MS: 0})
	if st := s.State(); len(st.Faults) != 0 {
		t.Errorf("latency 0 still listed: %+v", st.Faults)
	}
}

func TestFaultHold(t *testing.T) {
	s := startSim(t, Config{})
	plain := connect(t, s, 1)
	plain.conn.(*net.TCPConn).CloseWrite()
	plain.expectEOF() // without hold the gateway closes its side at once

	inject(t, s, Fault{Kind: FaultHold, On: true})
	c := connect(t, s, 2)
	c.conn.(*net.TCPConn).CloseWrite()
	waitFor(t, s, "held", clientState(s, c, stateHeld))
	c.expectSilence() // no FIN from the gateway: its side sits in CLOSE_WAIT
	if gatewaySideCloseWait(t, s.Port(), c.conn.LocalAddr().(*net.TCPAddr).Port) == 0 {
		t.Error("no gateway-side CLOSE_WAIT socket while held")
	}
	startAPIRefused(t, s, 2, 326) // a held session still holds its client id
	inject(t, s, Fault{Kind: FaultHold, On: false})
	c.expectEOF()
	waitFor(t, s, "released", clientState(s, c, stateClosed))
	connect(t, s, 2).fence()
}

func TestFaultMaxClients(t *testing.T) {
	s := startSim(t, Config{})
	connect(t, s, 1)
	inject(t, s, Fault{Kind: FaultMaxClients, N: 1})
	startAPIRefused(t, s, 2, 502)
	s.ClearFaults()
	connect(t, s, 2).fence()
}

func TestInjectValidates(t *testing.T) {
	s := startSim(t, Config{})
	bad := []Fault{
		{Kind: "nope"}, {Kind: ""}, {Kind: FaultDrop, Mode: "fn"}, {Kind: FaultStall, For: Duration(-time.Second)},
		{Kind: FaultDown, For: Duration(48 * time.Hour)}, {Kind: FaultCodes}, {Kind: FaultCodes, Codes: []int{999}},
		{Kind: FaultCodes, Codes: []int{1100}, Gap: Duration(-1)}, {Kind: FaultLatency, MS: -1},
		{Kind: FaultLatency, MS: 700_000}, {Kind: FaultMaxClients}, {Kind: FaultMaxClients, N: -3},
	}
	for _, f := range bad {
		if err := s.Inject(f); !errors.Is(err, ErrBadFault) {
			t.Errorf("Inject(%+v) = %v, want ErrBadFault", f, err)
		}
	}
	s.Close()
	if err := s.Inject(Fault{Kind: FaultGarbage}); !errors.Is(err, ErrClosed) {
		t.Errorf("Inject after Close = %v, want ErrClosed", err)
	}
}
