package conn

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/conn/wire"
)

// readyWithBars starts a sim and a session subscribed to AAPL bars, and
// waits for ready and the first backfill.
func readyWithBars(t *testing.T, simCfg ibsim.Config, tune func(*Config)) (*ibsim.Server, *Session, *recorder, *barCollector) {
	t.Helper()
	sim := startSim(t, simCfg)
	rec := newRecorder()
	cfg := fastConfig(sim.Addr(), rec)
	if tune != nil {
		tune(&cfg)
	}
	s := startSession(t, cfg)
	bars := newBarCollector()
	s.SubscribeBars(aaplBars(), bars.handle)
	rec.waitFor(t, 0, 5*time.Second, "ready", isState(Ready))
	bars.waitCount(t, BarBackfill, 1, 5*time.Second)
	// The account round asked at ready is answered in full (the last
	// requests, one P&L per position, too): no traffic is in flight when a
	// test injects its fault.
	if simCfg.Positions == nil {
		r, next := waitRound(t, rec, 0)
		for range len(ibsim.DefaultPositions) {
			_, next = rec.waitFor(t, next, 5*time.Second, "PNL_SINGLE", isMsg[*wire.PnLSingle](r.Round))
		}
	}
	return sim, s, rec, bars
}

func TestSessionRecoversFromEveryFault(t *testing.T) {
	tests := []struct {
		name   string
		fault  ibsim.Fault
		clear  bool          // the fault lasts until cleared: clear it once the session has left ready
		within time.Duration // how long leaving ready may take (generous; the benchmarks measure it)
		cause  Cause         // what the loss is put down to
	}{
		{name: "drop fin", fault: ibsim.Fault{Kind: "drop", Mode: "fin"}, within: 2 * time.Second, cause: CauseEOF},
		{name: "drop rst", fault: ibsim.Fault{Kind: "drop", Mode: "rst"}, within: 2 * time.Second, cause: CauseReset},
		{name: "stall", fault: ibsim.Fault{Kind: "stall", All: true}, clear: true, within: 3 * time.Second, cause: CauseKeepalive},
		{name: "listener down", fault: ibsim.Fault{Kind: "down", For: ibsim.Duration(300 * time.Millisecond)}, within: 2 * time.Second, cause: CauseEOF},
		{name: "1300", fault: ibsim.Fault{Kind: "codes", Codes: []int{1300}}, within: 2 * time.Second, cause: Cause1300},
		{name: "oversized frame", fault: ibsim.Fault{Kind: "oversized"}, within: 2 * time.Second, cause: CauseProtocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, s, rec, bars := readyWithBars(t, ibsim.Config{}, nil)
			held := s.Stats().LocalAddr
			mark := rec.len()
			if err := sim.Inject(tt.fault); err != nil {
				t.Fatalf("inject: %v", err)
			}
			ev, mark := rec.waitFor(t, mark, tt.within, "leaving ready", leftReady)
			if sc := ev.(StateChange); sc.Cause != tt.cause || sc.Err == nil {
				t.Errorf("left ready for %s (%v), want %s and its error", sc.Cause, sc.Err, tt.cause)
			}
			if n := s.Stats().ByCause[tt.cause]; n != 1 {
				t.Errorf("%s counted %d times, want 1", tt.cause, n)
			}
			assertSocketGone(t, held)
			if tt.clear {
				sim.ClearFaults()
			}
			rec.waitFor(t, mark, 5*time.Second, "ready again", isState(Ready))
			bars.waitCount(t, BarResubscribed, 1, 5*time.Second)
			bars.waitCount(t, BarBackfill, 2, 5*time.Second)
			assertNoCloseWaitOfOurs(t, sim.Port())
			if n := established(t, sim.Port()); n != 1 {
				t.Errorf("%d established sockets to the gateway, want 1: %+v session %s", n, clientSideSockets(t, sim.Port()), s.Stats().LocalAddr)
			}
		})
	}
}

// assertSocketGone checks that the socket we held is no longer open on our
// side: closed at once, never left in CLOSE_WAIT or ESTABLISHED.
func assertSocketGone(t *testing.T, local string) {
	t.Helper()
	ap, err := netip.ParseAddrPort(local)
	if err != nil {
		t.Fatalf("local address %q: %v", local, err)
	}
	for _, r := range kernelSockets(t) {
		if r.local == ap && (r.state == "CLOSE_WAIT" || r.state == "ESTABLISHED") {
			t.Errorf("the dead socket %v is still %s", ap, r.state)
		}
	}
}

func TestFarmWarningsKeepTheSocket(t *testing.T) {
	sim, s, rec, _ := readyWithBars(t, ibsim.Config{}, nil)
	held := s.Stats().LocalAddr
	mark := rec.len()
	sim.Inject(ibsim.Fault{Kind: "codes", Codes: []int{2103, 2105, 2157, 2110}})
	rec.waitFor(t, mark, 2*time.Second, "notice 2110", func(ev Event) bool { n, ok := ev.(Notice); return ok && n.Code == 2110 })
	if st := s.Stats(); st.State != Ready || st.LocalAddr != held {
		t.Fatalf("after farm warnings: state %s, socket %s (was %s)", st.State, st.LocalAddr, held)
	}
}

func TestConnectivityCodes(t *testing.T) {
	for _, code := range []int{1101, 1102} {
		t.Run(fmtCode(code), func(t *testing.T) {
			sim, s, rec, bars := readyWithBars(t, ibsim.Config{}, nil)
			held := s.Stats().LocalAddr
			mark := rec.len()
			sim.Inject(ibsim.Fault{Kind: "codes", Codes: []int{1100, code}, Gap: ibsim.Duration(50 * time.Millisecond)})
			ev, mark := rec.waitFor(t, mark, 2*time.Second, "degraded", isState(Degraded))
			if c := ev.(StateChange).Cause; c != Cause1100 {
				t.Errorf("degraded for %s, want 1100", c)
			}
			ev, _ = rec.waitFor(t, mark, 2*time.Second, "ready after "+fmtCode(code), isState(Ready))
			if c := ev.(StateChange).Cause; c.String() != strconv.Itoa(code) {
				t.Errorf("ready again for %s, want %d", c, code)
			}
			bars.waitCount(t, BarResubscribed, 1, 2*time.Second)
			bars.waitCount(t, BarBackfill, 2, 2*time.Second)
			if got := s.Stats().LocalAddr; got != held {
				t.Errorf("socket changed from %s to %s: %d must keep the connection", held, got, code)
			}
		})
	}
}

func fmtCode(c int) string { return "code " + strconv.Itoa(c) }

func TestClientIDInUseRotates(t *testing.T) {
	sim := startSim(t, ibsim.Config{})
	other, err := Dial(context.Background(), Options{Addr: sim.Addr(), ClientID: 7})
	if err != nil {
		t.Fatalf("first client: %v", err)
	}
	defer other.Close()
	rec := newRecorder()
	s := startSession(t, fastConfig(sim.Addr(), rec))
	rec.waitFor(t, 0, 5*time.Second, "ready", isState(Ready))
	if id := s.Stats().ClientID; id != 8 {
		t.Fatalf("client id in use = %d, want 8 (7 is taken)", id)
	}
	if n := s.Stats().ByCause[CauseClientIDInUse]; n != 1 {
		t.Errorf("client_id_in_use count = %d, want 1", n)
	}
}

func TestDialErrors(t *testing.T) {
	t.Run("client id in use", func(t *testing.T) {
		sim := startSim(t, ibsim.Config{})
		c, err := Dial(context.Background(), Options{Addr: sim.Addr(), ClientID: 3})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, err = Dial(context.Background(), Options{Addr: sim.Addr(), ClientID: 3})
		var de *DialError
		if !errors.Is(err, ErrClientIDInUse) || !errors.As(err, &de) || de.Stage != StageReady {
			t.Fatalf("err = %v, want ErrClientIDInUse at the ready stage", err)
		}
	})
	t.Run("handshake stall", func(t *testing.T) {
		sim := startSim(t, ibsim.Config{})
		sim.Inject(ibsim.Fault{Kind: "handshake_stall"})
		_, err := Dial(context.Background(), Options{Addr: sim.Addr(), ConnectTimeout: 200 * time.Millisecond})
		var de *DialError
		if !errors.Is(err, ErrHandshakeTimeout) || !errors.As(err, &de) || de.Stage != StageVersion {
			t.Fatalf("err = %v, want ErrHandshakeTimeout at the version stage", err)
		}
	})
	t.Run("listener that accepts nothing", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0") // the kernel completes TCP; nobody ever answers
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		start := time.Now()
		_, err = Dial(context.Background(), Options{Addr: ln.Addr().String(), ConnectTimeout: 200 * time.Millisecond})
		if !errors.Is(err, ErrHandshakeTimeout) {
			t.Fatalf("err = %v, want ErrHandshakeTimeout", err)
		}
		if elapsed := time.Since(start); elapsed > 2*time.Second {
			t.Errorf("dial took %v, past its 200ms deadline", elapsed)
		}
	})
	t.Run("refused", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		_, err := Dial(context.Background(), Options{Addr: addr})
		var de *DialError
		if !errors.Is(err, ErrConnectionRefused) || !errors.As(err, &de) || de.Stage != StageTCP {
			t.Fatalf("err = %v, want ErrConnectionRefused at the tcp stage", err)
		}
	})
	t.Run("unsupported version", func(t *testing.T) {
		sim := startSim(t, ibsim.Config{ServerVersion: 150})
		_, err := Dial(context.Background(), Options{Addr: sim.Addr(), MinVersion: 160, MaxVersion: 170, ConnectTimeout: 300 * time.Millisecond})
		if err == nil {
			t.Fatal("dial succeeded with no common version")
		}
	})
}

func TestHandshakeStallThenRetry(t *testing.T) {
	sim := startSim(t, ibsim.Config{})
	sim.Inject(ibsim.Fault{Kind: "handshake_stall"})
	rec := newRecorder()
	cfg := fastConfig(sim.Addr(), rec)
	cfg.ConnectTimeout = 150 * time.Millisecond
	startSession(t, cfg)
	ev, mark := rec.waitFor(t, 0, 3*time.Second, "backoff after a stalled handshake", isState(Backoff))
	if sc := ev.(StateChange); sc.Cause != CauseHandshakeTimeout || sc.Err == nil ||
		!strings.Contains(sc.Err.Error(), "version stage") || !strings.Contains(sc.Err.Error(), "handshake timeout") {
		t.Errorf("backoff %s (%v) does not name the stalled stage", sc.Cause, sc.Err)
	}
	sim.ClearFaults()
	rec.waitFor(t, mark, 3*time.Second, "ready once the handshake answers", isState(Ready))
	assertNoCloseWaitOfOurs(t, sim.Port())
}

func TestManualReconnectWithHoldLeavesNoZombieOfOurs(t *testing.T) {
	sim, s, rec, bars := readyWithBars(t, ibsim.Config{}, nil)
	sim.Inject(ibsim.Fault{Kind: "hold", On: true})
	mark := rec.len()
	s.Reconnect()
	_, mark = rec.waitFor(t, mark, 2*time.Second, "leaving ready", leftReady)
	rec.waitFor(t, mark, 2*time.Second, "ready again", isState(Ready))
	bars.waitCount(t, BarBackfill, 2, 2*time.Second)
	assertNoCloseWaitOfOurs(t, sim.Port())
	if n := s.Stats().ByCause[CauseManual]; n != 1 {
		t.Errorf("manual reconnects = %d, want 1", n)
	}
}

func TestGarbageFrameKeepsTheSession(t *testing.T) {
	sim, s, rec, _ := readyWithBars(t, ibsim.Config{}, nil)
	held := s.Stats().LocalAddr
	sim.Inject(ibsim.Fault{Kind: "garbage"})
	// A keepalive answered after the garbage proves the session read past it.
	mark := rec.len()
	rec.waitFor(t, mark, 2*time.Second, "a ping after the garbage", func(ev Event) bool { p, ok := ev.(PingResult); return ok && p.Sample.OK })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for s.Stats().BadFrames == 0 {
		select {
		case <-ctx.Done():
			t.Fatal("the garbage frame was never counted")
		case <-rec.wake:
		}
	}
	if st := s.Stats(); st.State != Ready || st.LocalAddr != held {
		t.Errorf("after a garbage frame: state %s, socket %s (was %s)", st.State, st.LocalAddr, held)
	}
}

func TestCloseIsCleanAndIdempotent(t *testing.T) {
	sim := startSim(t, ibsim.Config{})
	rec := newRecorder()
	s := NewSession(fastConfig(sim.Addr(), rec))
	s.Start()
	rec.waitFor(t, 0, 3*time.Second, "ready", isState(Ready))
	s.Close()
	s.Close()
	if st := s.Stats().State; st != Closed {
		t.Fatalf("state after Close = %s", st)
	}
	err := sim.WaitFor(ctxTimeout(t, 2*time.Second), func(st ibsim.State) bool {
		for _, c := range st.Clients {
			if c.State != "closed" {
				return false
			}
		}
		return true
	})
	if err != nil {
		t.Fatalf("the simulator still sees an open client: %v", err)
	}
	assertNoCloseWaitOfOurs(t, sim.Port())
}

func ctxTimeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// TestThousandReconnectCycles: no goroutine or fd growth, and never more
// than one socket to the gateway.
func TestThousandReconnectCycles(t *testing.T) {
	cycles := 1000
	if testing.Short() {
		cycles = 100
	}
	sim := startSim(t, ibsim.Config{})
	rec := newRecorder()
	cfg := fastConfig(sim.Addr(), rec)
	cfg.Keepalive.Interval = time.Hour // pings are not what this measures
	s := startSession(t, cfg)
	_, mark := rec.waitFor(t, 0, 3*time.Second, "ready", isState(Ready))
	baseG, baseFD := runtime.NumGoroutine(), openFDs(t)
	for i := 0; i < cycles; i++ {
		s.Reconnect()
		_, mark = rec.waitFor(t, mark, 3*time.Second, "ready after reconnect", isState(Ready))
		if i%50 == 0 {
			if n := established(t, sim.Port()); n > 1 {
				t.Fatalf("cycle %d: %d sockets to the gateway: %+v session %s", i, n, clientSideSockets(t, sim.Port()), s.Stats().LocalAddr)
			}
		}
	}
	ctx := ctxTimeout(t, 3*time.Second)
	for runtime.NumGoroutine() > baseG || openFDs(t) > baseFD {
		select {
		case <-ctx.Done():
			t.Fatalf("after %d cycles: goroutines %d (was %d), fds %d (was %d)", cycles, runtime.NumGoroutine(), baseG, openFDs(t), baseFD)
		case <-time.After(10 * time.Millisecond): // poll: goroutine exit has no event to wait on
		}
	}
	if n := s.Stats().ByCause[CauseManual]; n != cycles {
		t.Errorf("manual reconnects = %d, want %d", n, cycles)
	}
}

func openFDs(t testing.TB) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(entries)
}

func TestSmallBarPacing(t *testing.T) {
	sub := &Subscription{req: BarRequest{BarSize: "5 secs"}}
	big := &Subscription{req: BarRequest{BarSize: "5 mins"}}
	var p smallBarPacer
	now := time.Now()
	if d := p.wait(sub, now); d != 0 {
		t.Fatalf("first request waits %v", d)
	}
	p.sent(sub, now)
	if d := p.wait(sub, now.Add(5*time.Second)); d != 10*time.Second {
		t.Errorf("identical request after 5s waits %v, want 10s", d)
	}
	if d := p.wait(big, now); d != 0 {
		t.Errorf("a 5-min bar request waits %v: large bars are not paced strictly", d)
	}
	for i := 0; i < smallInWindow; i++ {
		p.sent(&Subscription{req: BarRequest{BarSize: "30 secs"}}, now.Add(time.Duration(i)*time.Second))
	}
	other := &Subscription{req: BarRequest{BarSize: "10 secs"}}
	if d := p.wait(other, now.Add(time.Minute)); d != 9*time.Minute {
		t.Errorf("61st small request within 10 minutes waits %v, want 9m", d)
	}
	for _, tt := range []struct {
		size  string
		small bool
	}{{"1 secs", true}, {"30 secs", true}, {"1 min", false}, {"5 mins", false}, {"1 day", false}, {"", false}} {
		if got := isSmallBar(tt.size); got != tt.small {
			t.Errorf("isSmallBar(%q) = %v", tt.size, got)
		}
	}
}

func TestLatencyBelowAndAboveTheTimeout(t *testing.T) {
	sim, s, rec, _ := readyWithBars(t, ibsim.Config{}, nil)
	held := s.Stats().LocalAddr
	// 10 ms is well inside the 50 ms timeout: pings keep succeeding on the same socket.
	sim.Inject(ibsim.Fault{Kind: "latency", MS: 10})
	mark := rec.len()
	ok := 0
	for ok < 3 {
		var ev Event
		ev, mark = rec.waitFor(t, mark, 2*time.Second, "answered pings under latency", func(ev Event) bool { _, is := ev.(PingResult); return is })
		if p := ev.(PingResult); p.Sample.OK {
			ok++
		}
	}
	if st := s.Stats(); st.State != Ready || st.LocalAddr != held {
		t.Fatalf("10 ms latency: state %s, socket %s (was %s)", st.State, st.LocalAddr, held)
	}
	// 200 ms is past the timeout: the session misses pings and leaves ready, then recovers once cleared.
	sim.Inject(ibsim.Fault{Kind: "latency", MS: 200})
	_, mark = rec.waitFor(t, mark, 3*time.Second, "leaving ready on late pings", leftReady)
	assertSocketGone(t, held)
	sim.ClearFaults()
	rec.waitFor(t, mark, 5*time.Second, "ready once replies are prompt", isState(Ready))
}

func TestMaxClientsRejectsThenRecovers(t *testing.T) {
	sim := startSim(t, ibsim.Config{})
	other, err := Dial(context.Background(), Options{Addr: sim.Addr(), ClientID: 99})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := sim.Inject(ibsim.Fault{Kind: "max_clients", N: 1}); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	startSession(t, fastConfig(sim.Addr(), rec))
	ev, mark := rec.waitFor(t, 0, 3*time.Second, "backoff when the gateway is full", isState(Backoff))
	if sc := ev.(StateChange); sc.Cause != CauseRejected || sc.Err == nil || !strings.Contains(sc.Err.Error(), "502") {
		t.Errorf("backoff %s (%v) does not carry the gateway's 502", sc.Cause, sc.Err)
	}
	sim.ClearFaults()
	rec.waitFor(t, mark, 5*time.Second, "ready once there is room", isState(Ready))
	assertNoCloseWaitOfOurs(t, sim.Port())
}

func TestErrorsInterruptOrRefuse(t *testing.T) {
	s := NewSession(Config{Addr: "127.0.0.1:1", RetryDelay: time.Hour})
	defer s.Close()
	tests := []struct {
		name   string
		live   bool
		code   int
		text   string
		status SubStatus
	}{
		{"unknown symbol on the first request", false, 200, "No security definition has been found for the request", SubFailed},
		{"no data on the first request", false, 162, "Historical Market Data Service error message:HMDS query returned no data", SubFailed},
		{"pacing on the first request", false, 162, "Historical Market Data Service error message:Historical data request pacing violation", SubQueued},
		{"live updates lost after a nightly reset", true, 10182, "Failed to request live updates (disconnected).", SubQueued},
		{"live query cancelled", true, 162, "Historical Market Data Service error message:API historical data query cancelled: 1001", SubQueued},
		{"spurious 200 during maintenance on a live subscription", true, 200, "No security definition has been found for the request", SubQueued},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := &Subscription{s: s, reqID: 1001, awaiting: !tt.live, live: tt.live, handler: func(BarEvent) {}}
			if sub.awaiting {
				s.open = 1
			}
			s.onReqDone(reqDone{sub: sub, reqID: 1001, code: tt.code, text: tt.text})
			st, detail := sub.Status()
			if st != tt.status {
				t.Errorf("status %s (%s), want %s", st, detail, tt.status)
			}
			if (st == SubQueued) != (sub.retry != nil) {
				t.Errorf("retry scheduled = %v for status %s", sub.retry != nil, st)
			}
			if sub.reqID != 0 || s.open != 0 {
				t.Errorf("request not released: reqID %d, open %d", sub.reqID, s.open)
			}
			sub.stopRetry()
		})
	}
}

func TestServerTimeIsTheGatewaysClock(t *testing.T) {
	start := time.Date(2024, 1, 2, 15, 0, 0, 0, time.UTC) // far from our clock
	sim := startSim(t, ibsim.Config{Start: start, Speed: 1})
	rec := newRecorder()
	s := startSession(t, fastConfig(sim.Addr(), rec))
	rec.waitFor(t, 0, 3*time.Second, "an answered ping", func(ev Event) bool { p, ok := ev.(PingResult); return ok && p.Sample.OK })
	got, ok := s.ServerTime()
	if !ok || got.Before(start) || got.After(start.Add(time.Minute)) {
		t.Fatalf("server time %v (known %v), want the simulator's clock near %v", got, ok, start)
	}
}

// TestConnectionAttemptsAreCapped: against a gateway that drops every
// session at once, with the most aggressive backoff the config accepts and
// the reconnect key held down, attempts stay under the hard cap.
func TestConnectionAttemptsAreCapped(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var accepts atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepts.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	rec := newRecorder()
	cfg := fastConfig(ln.Addr().String(), rec)
	cfg.Backoff = BackoffConfig{Initial: 100 * time.Millisecond, Multiplier: 1, Max: 100 * time.Millisecond}
	cfg.MaxAttemptsPerMinute = 30 // the default: burst 10, then one every 2 s
	s := startSession(t, cfg)
	stop := time.After(3 * time.Second)
	for spam := time.NewTicker(20 * time.Millisecond); ; {
		select {
		case <-spam.C:
			s.Reconnect()
			continue
		case <-stop:
			spam.Stop()
		}
		break
	}
	// 10 at once, then one per 2 s: at most 12 in 3 s (30 without the cap).
	if n := accepts.Load(); n > 12 || n < 10 {
		t.Errorf("%d connection attempts in 3 s, want the burst of 10 and at most 2 more", n)
	}
}

func TestUnresolvableHostIsRetriedSlowly(t *testing.T) {
	rec := newRecorder()
	s := startSession(t, fastConfig("robotui-test.invalid:4002", rec)) // .invalid never resolves (RFC 6761)
	ev, _ := rec.waitFor(t, 0, 10*time.Second, "backoff", isState(Backoff))
	sc := ev.(StateChange)
	if sc.Cause != CauseNoSuchHost {
		t.Skipf("this machine's resolver said %v (%s), not \"no such host\"", sc.Err, sc.Cause)
	}
	if wait := sc.NextRetry.Sub(sc.At); wait < noSuchHostRetry-100*time.Millisecond {
		t.Errorf("next try in %v after %q, want at least %v", wait, sc.Cause.Phrase(), noSuchHostRetry)
	}
	if st := s.Stats(); st.ByCause[CauseNoSuchHost] != 1 {
		t.Errorf("by cause %v, want one no_such_host", st.ByCause)
	}
}

func TestBackfillPacing(t *testing.T) {
	var c Config
	for _, tt := range []struct {
		n    int
		size string
		want time.Duration
	}{
		{1, "5 mins", 0},
		{500, "5 mins", 499 * time.Second / 40},
		{60, "5 secs", 0},
		{61, "30 secs", 10 * time.Minute},
		{500, "5 secs", 80 * time.Minute},
	} {
		if got := c.BackfillPacing(tt.n, tt.size); got != tt.want {
			t.Errorf("%d × %s: %v, want %v", tt.n, tt.size, got, tt.want)
		}
	}
}
