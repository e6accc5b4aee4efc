package sockets

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/sockets/sockettest"
)

const settle = 10 * time.Second // upper bound for the kernel to show a state change

// testCommand is the comm of re-executed test binaries (at most 15 bytes).
func testCommand() string {
	name := filepath.Base(os.Args[0])
	if len(name) > 15 {
		name = name[:15]
	}
	return name
}

func scan(t *testing.T, s *Scanner, port int, withOwners bool) Table {
	t.Helper()
	tb, err := s.Scan(port, withOwners)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return tb
}

// waitTable scans until cond holds for the table.
func waitTable(t *testing.T, s *Scanner, port int, withOwners bool, what string, cond func(Table) bool) Table {
	t.Helper()
	var tb Table
	sockettest.Eventually(t, settle, what, func() bool {
		tb = scan(t, s, port, withOwners)
		return cond(tb)
	})
	return tb
}

func TestScanFindsAndKillsClientSideZombies(t *testing.T) {
	srv := sockettest.NewServer(t, sockettest.Drop)
	a := sockettest.StartClients(t, srv.Addr(), 2)
	b := sockettest.StartClients(t, srv.Addr(), 1)
	s := NewScanner()

	counted := waitTable(t, s, srv.Port(), false, "3 client-side CLOSE_WAIT", func(tb Table) bool { return tb.Count(CloseWait) == 3 })
	if len(counted.Zombies) != 3 || counted.Detailed || counted.Conns != nil {
		t.Fatalf("counts-only table: %d zombies, detailed %v, %d conns", len(counted.Zombies), counted.Detailed, len(counted.Conns))
	}
	if !counted.Listening || counted.Listener == nil || counted.Listener.PID != os.Getpid() {
		t.Errorf("listener %+v, want this test process", counted.Listener)
	}

	tb := scan(t, s, srv.Port(), true)
	if tb.Count(CloseWait) != 3 || !tb.Detailed {
		t.Fatalf("detailed table counts %v", tb.Counts)
	}
	owners := map[int]int{}
	for _, z := range tb.Zombies {
		if z.Side != ClientSide || z.State != CloseWait || z.Remote.Port() != uint16(srv.Port()) || z.Own {
			t.Errorf("zombie %+v: want a client-side CLOSE_WAIT to the server, not ours", z)
		}
		if z.Owner == nil {
			t.Fatalf("zombie %v without owner", z.Local)
		}
		if z.Owner.Command != testCommand() || z.Owner.UID != uint32(os.Getuid()) || z.Owner.StartTime == 0 || z.Owner.User == "" {
			t.Errorf("owner %+v, want command %q, uid %d and a start time", z.Owner, testCommand(), os.Getuid())
		}
		owners[z.Owner.PID]++
	}
	if owners[a.PID] != 2 || owners[b.PID] != 1 || len(owners) != 2 {
		t.Fatalf("zombie owners %v, want %d×2 and %d×1", owners, a.PID, b.PID)
	}

	plan := Plan(tb, Self())
	if got, want := pidsOf(plan), []int{min(a.PID, b.PID), max(a.PID, b.PID)}; !slices.Equal(got, want) {
		t.Fatalf("plan targets %v, want exactly the children %v (refused: %+v)", got, want, plan.Refused)
	}
	results := Kill(context.Background(), plan, 3*time.Second)
	for _, r := range results {
		if r.Result != OutcomeKilled {
			t.Errorf("result %+v, want killed", r)
		}
	}
	for _, c := range []*sockettest.Child{a, b} {
		select {
		case <-c.Exited():
		case <-time.After(settle):
			t.Fatalf("child %d still running after Kill", c.PID)
		}
	}
	waitTable(t, s, srv.Port(), false, "CLOSE_WAIT back to zero", func(tb Table) bool {
		return tb.Count(CloseWait) == 0 && len(tb.Zombies) == 0
	})
}

func TestScanReportsGatewaySideZombiesAndSignalsNothing(t *testing.T) {
	gateway := sockettest.StartServer(t, sockettest.Hold)
	_, port, err := net.SplitHostPort(gateway.Addr)
	if err != nil {
		t.Fatal(err)
	}
	p := mustAtoi(t, port)
	for _, c := range sockettest.Dial(t, gateway.Addr, 2) {
		c.Close()
	}
	s := NewScanner()
	tb := waitTable(t, s, p, true, "2 gateway-side CLOSE_WAIT", func(tb Table) bool { return tb.Count(CloseWait) == 2 })
	if tb.Listener == nil || tb.Listener.PID != gateway.PID {
		t.Errorf("listener %+v, want the child %d", tb.Listener, gateway.PID)
	}
	for _, z := range tb.Zombies {
		if z.Side != GatewaySide || z.Local.Port() != uint16(p) || z.Owner == nil || z.Owner.PID != gateway.PID {
			t.Errorf("zombie %+v (owner %+v), want gateway side owned by %d", z, z.Owner, gateway.PID)
		}
	}
	if !tb.GatewayZombies() {
		t.Error("GatewayZombies() = false")
	}
	plan := Plan(tb, Self())
	if len(plan.Targets) != 0 || len(plan.Refused) != 2 {
		t.Fatalf("plan %+v, want nothing targeted and both refused", plan)
	}
	rec := &recordingControl{real: osControl()}
	results := Killer{Control: rec}.Kill(context.Background(), plan, time.Second)
	if len(rec.opened) != 0 {
		t.Fatalf("opened %v: the gateway side must never be signalled", rec.opened)
	}
	if len(results) != 1 || results[0].Result != OutcomeRefused || results[0].PID != gateway.PID || results[0].Reason != string(ReasonGatewaySide) {
		t.Errorf("results %+v, want one refusal for the gateway", results)
	}
	select {
	case <-gateway.Exited():
		t.Fatal("the gateway child exited")
	default:
	}
}

type recordingControl struct {
	real   ProcessControl
	opened []int
}

func (r *recordingControl) Open(pid int, start uint64) (ProcessHandle, error) {
	r.opened = append(r.opened, pid)
	return r.real.Open(pid, start)
}

func TestKillEscalatesToSIGKILL(t *testing.T) {
	srv := sockettest.NewServer(t, sockettest.Drop)
	child := sockettest.StartClients(t, srv.Addr(), 1, sockettest.IgnoreTERM())
	s := NewScanner()
	tb := waitTable(t, s, srv.Port(), true, "1 CLOSE_WAIT", func(tb Table) bool { return tb.Count(CloseWait) == 1 })
	plan := Plan(tb, Self())
	if got := pidsOf(plan); !slices.Equal(got, []int{child.PID}) {
		t.Fatalf("targets %v, want [%d]", got, child.PID)
	}
	results := Kill(context.Background(), plan, 100*time.Millisecond)
	if len(results) != 1 || results[0].Result != OutcomeKilled || results[0].Reason != "SIGKILL after 100ms" {
		t.Fatalf("results %+v, want killed by SIGKILL", results)
	}
	<-child.Exited()
}

func TestProcControlGuardsAgainstPIDReuse(t *testing.T) {
	srv := sockettest.NewServer(t, sockettest.Hold)
	child := sockettest.StartClients(t, srv.Addr(), 1)
	real := startTimeOf(t, child.PID)
	c := osControl()

	if _, err := c.Open(child.PID, real+1); !errors.Is(err, ErrReused) {
		t.Fatalf("Open with a stale start time: %v, want ErrReused", err)
	}
	plan := KillPlan{Targets: []Target{{PID: child.PID, Command: "x", StartTime: real + 1}}}
	res := Kill(context.Background(), plan, time.Second)
	if len(res) != 1 || res[0].Result != OutcomeRefused || res[0].Reason != string(ReasonPIDReused) {
		t.Fatalf("results %+v, want refused: pid reused", res)
	}
	if _, err := c.Open(child.PID, real); err != nil {
		t.Fatalf("child %d not alive after a refused kill: %v", child.PID, err)
	}
	select {
	case <-child.Exited():
		t.Fatal("child exited although its start time did not match")
	default:
	}
}

func TestProcControlGone(t *testing.T) {
	srv := sockettest.NewServer(t, sockettest.Hold)
	child := sockettest.StartClients(t, srv.Addr(), 1)
	start := startTimeOf(t, child.PID)
	h, err := osControl().Open(child.PID, start)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Kill(); err != nil {
		t.Fatalf("kill: %v", err)
	}
	<-child.Exited()
	if !h.Exited() {
		t.Error("Exited() = false after the child was reaped")
	}
	if err := h.Terminate(); !errors.Is(err, ErrGone) {
		t.Errorf("Terminate after exit: %v, want ErrGone", err)
	}
	if _, err := osControl().Open(child.PID, start); !errors.Is(err, ErrGone) && !errors.Is(err, ErrReused) {
		t.Errorf("Open after exit: %v, want ErrGone", err)
	}
	res := Kill(context.Background(), KillPlan{Targets: []Target{{PID: child.PID, StartTime: start}}}, time.Second)
	if len(res) != 1 || (res[0].Result != OutcomeGone && res[0].Reason != string(ReasonPIDReused)) {
		t.Errorf("results %+v, want gone", res)
	}
}

func TestOwnLeaksOnARealSocket(t *testing.T) {
	srv := sockettest.NewServer(t, sockettest.Drop)
	held := sockettest.Dial(t, srv.Addr(), 1)[0]
	leaked := sockettest.Dial(t, srv.Addr(), 1)[0]
	s := NewScanner()
	tb := waitTable(t, s, srv.Port(), true, "2 CLOSE_WAIT of ours", func(tb Table) bool { return tb.Count(CloseWait) == 2 })
	heldAddr := held.LocalAddr().(*net.TCPAddr).AddrPort()
	leaks := OwnLeaks(tb, []netip.AddrPort{heldAddr})
	if len(leaks) != 1 || leaks[0].Local != leaked.LocalAddr().(*net.TCPAddr).AddrPort() || !leaks[0].Own {
		t.Fatalf("leaks %+v, want only %v", leaks, leaked.LocalAddr())
	}
	plan := Plan(tb, Self())
	if len(plan.Targets) != 0 || len(plan.Refused) != 2 || plan.Refused[0].Reason != ReasonSelf {
		t.Errorf("plan %+v, want our own sockets refused", plan)
	}
}

func TestScanCountsAgreeWithSS(t *testing.T) {
	ssPath := lookSS(t)
	srv := sockettest.NewServer(t, sockettest.Drop)
	sockettest.StartClients(t, srv.Addr(), 3)
	hold := sockettest.NewServer(t, sockettest.Hold)
	sockettest.Dial(t, hold.Addr(), 2)
	s := NewScanner()
	for _, port := range []int{srv.Port(), hold.Port()} {
		waitTable(t, s, port, false, "stable table", func(tb Table) bool { return tb.Count(SynSent)+tb.Count(SynRecv) == 0 && tb.Counts.Total() >= 3 })
		var ours, theirs Counts
		sockettest.Eventually(t, settle, "scan and ss agree", func() bool {
			before := scan(t, s, port, false).Counts
			theirs = ssCounts(t, ssPath, port)
			ours = scan(t, s, port, false).Counts
			return before == ours && ours == theirs
		})
		if ours.Total() == 0 {
			t.Errorf("port %d: nothing counted", port)
		}
		t.Logf("port %d: %v", port, ours.Map())
	}
}

func TestScanOwnListenerAndConns(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	s := NewScanner()
	tb := scan(t, s, port, true)
	if !tb.Listening || tb.Listener == nil || tb.Listener.PID != os.Getpid() || tb.Count(Listen) != 1 {
		t.Fatalf("table %+v, want our IPv6 listener", tb)
	}
	var listeners []Conn // the port number may have been used before: TIME_WAIT rows can linger
	for _, c := range tb.Conns {
		if c.State == Listen {
			listeners = append(listeners, c)
		}
	}
	if len(listeners) != 1 || listeners[0].Side != GatewaySide || !listeners[0].Own || listeners[0].Inode == 0 || listeners[0].Local.Addr() != netip.IPv6Loopback() {
		t.Errorf("conns %+v, want one listener row, ours", tb.Conns)
	}
	if tb.ScannedAt.IsZero() || tb.Port != port {
		t.Errorf("port %d scanned at %v", tb.Port, tb.ScannedAt)
	}
}

func TestScanRejectsBadPorts(t *testing.T) {
	s := NewScanner()
	for _, port := range []int{0, -1, 65536} {
		if _, err := s.Scan(port, false); !errors.Is(err, ErrBadPort) {
			t.Errorf("Scan(%d): %v, want ErrBadPort", port, err)
		}
	}
}

func TestScanReportsUnreadableTable(t *testing.T) {
	s := newScanner(t.TempDir(), os.Getpid(), true)
	if _, err := s.Scan(4002, false); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("scan of an empty procfs: %v, want a not-exist error", err)
	}
}

func TestScanHonoursCancelledContext(t *testing.T) {
	srv := sockettest.NewServer(t, sockettest.Drop)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewScanner().ScanContext(ctx, srv.Port(), true); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}

func TestScanGivesQueuedConnectionsToTheListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // never accepts, like a gateway that stopped accepting
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	conns := sockettest.Dial(t, ln.Addr().String(), 2)
	conns[0].Close()
	s := NewScanner()
	tb := waitTable(t, s, port, true, "1 queued CLOSE_WAIT", func(tb Table) bool { return tb.Count(CloseWait) == 1 })
	queued := 0
	for _, c := range tb.Conns {
		if c.Side != GatewaySide || c.State == Listen {
			continue
		}
		if !c.Queued || c.Inode != 0 || c.Owner == nil || c.Owner.PID != os.Getpid() || !c.Own {
			t.Errorf("gateway-side %v %v: queued %v, owner %+v; want queued, owned by the listener", c.Local, c.State, c.Queued, c.Owner)
		}
		queued++
	}
	if queued != 2 {
		t.Errorf("%d gateway-side connections, want 2 queued", queued)
	}
	if z := tb.Zombies; len(z) != 1 || z[0].Side != GatewaySide || !z[0].Queued {
		t.Errorf("zombies %+v, want the queued gateway-side one", z)
	}
}

func TestNetlinkAndProcAgree(t *testing.T) {
	srv := sockettest.NewServer(t, sockettest.Drop)
	sockettest.StartClients(t, srv.Addr(), 2)
	sockettest.Dial(t, srv.Addr(), 1)
	diag, proc := NewScanner(), newScanner("/proc", os.Getpid(), true)
	waitTable(t, diag, srv.Port(), false, "3 CLOSE_WAIT", func(tb Table) bool { return tb.Count(CloseWait) == 3 })
	var a, b Table
	sockettest.Eventually(t, settle, "netlink and /proc tables agree", func() bool {
		a, b = scan(t, diag, srv.Port(), true), scan(t, proc, srv.Port(), true)
		return a.Counts == b.Counts && fmt.Sprint(conns(a)) == fmt.Sprint(conns(b))
	})
	if diag.procOnly || diag.diag.noFilter {
		t.Errorf("netlink scanner fell back (procOnly %v, noFilter %v)", diag.procOnly, diag.diag.noFilter)
	}
	if len(a.Conns) < 7 {
		t.Errorf("%d conns, want listener + 3 client + 3 server sockets", len(a.Conns))
	}
}

// conns lists a table's rows comparably: addresses, state, inode, owner pid.
func conns(tb Table) []string {
	var out []string
	for _, c := range tb.Conns {
		pid := 0
		if c.Owner != nil {
			pid = c.Owner.PID
		}
		out = append(out, fmt.Sprint(c.Local, c.Remote, c.State, c.Side, c.Inode, c.UID, pid, c.Own, c.Queued))
	}
	return out
}

func TestKillEndsEveryProcessSharingASocket(t *testing.T) {
	srv := sockettest.NewServer(t, sockettest.Drop)
	child := sockettest.StartClients(t, srv.Addr(), 1, sockettest.Share())
	s := NewScanner()
	tb := waitTable(t, s, srv.Port(), true, "1 CLOSE_WAIT", func(tb Table) bool { return tb.Count(CloseWait) == 1 })
	z := tb.Zombies[0]
	if z.Owner == nil || len(z.Sharers) != 1 {
		t.Fatalf("zombie owner %+v sharers %v, want the child and its sharer", z.Owner, z.Sharers)
	}
	plan := Plan(tb, Self())
	want := []int{min(child.PID, child.Sharer), max(child.PID, child.Sharer)}
	if got := pidsOf(plan); !slices.Equal(got, want) {
		t.Fatalf("targets %v, want both holders %v", got, want)
	}
	for _, r := range Kill(context.Background(), plan, 3*time.Second) {
		if r.Result != OutcomeKilled {
			t.Errorf("result %+v, want killed", r)
		}
	}
	<-child.Exited()
	waitTable(t, s, srv.Port(), false, "CLOSE_WAIT back to zero", func(tb Table) bool { return tb.Count(CloseWait) == 0 })
}
