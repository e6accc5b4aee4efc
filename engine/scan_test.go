package engine

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/conn/sockets"
)

// zombieHelperEnv makes the test binary a client that connects to the
// address it names, says so, and holds the socket until stdin closes.
const zombieHelperEnv = "ENGINE_TEST_ZOMBIE_CLIENT"

func runZombieHelper(addr string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		os.Exit(3)
	}
	defer c.Close()
	os.Stdout.WriteString("connected\n")
	buf := make([]byte, 1)
	os.Stdin.Read(buf) // never reads the socket: the peer's FIN leaves it in CLOSE_WAIT
}

func needProcNet(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("socket-table tests read /proc")
	}
	if _, err := os.Stat("/proc/net/tcp"); err != nil {
		t.Skip("no /proc/net/tcp")
	}
}

// spawnZombie starts a child process holding a client-side CLOSE_WAIT
// socket to a listener of ours; it returns the listener's port and the child.
func spawnZombie(t *testing.T) (int, *exec.Cmd) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), zombieHelperEnv+"="+ln.Addr().String())
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan struct{})
	t.Cleanup(func() {
		stdin.Close() // the helper exits by itself if it was not killed
		<-waited
	})
	go func() {
		defer close(waited)
		bufio.NewReader(stdout).ReadString('\n')
		cmd.Wait()
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	c.Close() // our FIN: the child's socket goes to CLOSE_WAIT
	return ln.Addr().(*net.TCPAddr).Port, cmd
}

// waitPlan scans until the plan targets pid; socket states are kernel
// state, so this polls with a deadline.
func waitPlan(t *testing.T, e *Engine, pid int) KillPlan {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		plan := e.PlanKill()
		if len(plan.Targets) == 1 && plan.Targets[0].PID == pid {
			return plan
		}
		if time.Now().After(deadline) {
			t.Fatalf("no plan to kill pid %d: %+v", pid, plan)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestKillPlanAndKill(t *testing.T) {
	needProcNet(t)
	port, child := spawnZombie(t)
	rec := newRecorder()
	opts := testOptions(closedPort(t), []string{"AAPL"}, rec)
	opts.GatewayPort = port
	opts.KillGrace = 2 * time.Second
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	plan := waitPlan(t, e, child.Process.Pid)
	if plan.Port != port || plan.Error != "" || len(plan.Targets[0].Sockets) != 1 || plan.Targets[0].Start == 0 {
		t.Fatalf("plan %+v", plan)
	}
	results := e.Kill(plan)
	if len(results) != 1 || results[0].PID != child.Process.Pid || results[0].Result != "killed" {
		t.Fatalf("results %+v", results)
	}
	e.events.flush()
	if n := rec.count(EventZombie, func(r record) bool {
		return r.attrs["action"] == "killed" && r.attrs["pid"] == int64(child.Process.Pid) && r.attrs["side"] == "client"
	}); n != 1 {
		t.Fatalf("%d zombie events with action killed, want 1", n)
	}
	// The same plan again: the pid is gone (or reused), nothing is signalled.
	again := e.Kill(plan)
	if len(again) != 1 || again[0].Result == "killed" {
		t.Fatalf("a second kill of the same plan: %+v", again)
	}
}

func TestAutoKill(t *testing.T) {
	needProcNet(t)
	port, child := spawnZombie(t)
	rec := newRecorder()
	opts := testOptions(closedPort(t), []string{"AAPL"}, rec)
	opts.GatewayPort, opts.AutoKill, opts.ScanInterval = port, true, 20*time.Millisecond
	startEngine(t, opts)
	killed := func(r record) bool {
		return r.attrs["action"] == "killed" && r.attrs["pid"] == int64(child.Process.Pid)
	}
	rec.waitCount(t, "the auto-kill", EventZombie, 1, killed)
	found := rec.all(EventZombie)
	if found[0].attrs["action"] != "found" || found[0].attrs["side"] != "client" {
		t.Fatalf("first zombie event %v, want the client-side zombie found before it is killed", found[0].attrs)
	}
}

// TestScanPort: counts, the listener and the zombies of the gateway port go
// into snapshots and `sockets` events; a gateway-side zombie is reported and
// never planned for a kill.
func TestScanPort(t *testing.T) {
	needProcNet(t)
	t.Parallel()
	sim := startSim(t, ibsim.Config{Seed: 1, Clock: ibsim.NewManualClock(simStart)})
	rec := newRecorder()
	opts := testOptions(sim.Addr(), []string{"AAPL"}, rec)
	opts.ScanInterval = 20 * time.Millisecond
	opts.Session.Keepalive.Interval = time.Hour // nothing in flight when we leave: a close with unread data would send RST
	e := startEngine(t, opts)
	t.Cleanup(func() {
		if t.Failed() {
			for _, r := range rec.all("") {
				if r.name != EventKeepalive {
					t.Logf("%s %v", r.name, r.attrs)
				}
			}
			t.Logf("%+v", e.Latest().Sockets)
		}
	})
	pid := int64(os.Getpid())
	rec.waitCount(t, "our session and the listener in a sockets event", EventSockets, 1, func(r record) bool {
		return r.attrs["established"] == int64(2) && r.attrs["listener_pid"] == pid && r.attrs["zombies"] == int64(0)
	})
	s := waitSnapshot(t, e, "the socket table", func(s Snapshot) bool { return s.Sockets.Counts["ESTABLISHED"] == 2 })
	if !s.Sockets.Listening || s.Sockets.ListenerPID != os.Getpid() || s.Sockets.OwnLeaks != 0 || s.Sockets.Port != sim.Port() {
		t.Fatalf("sockets %+v", s.Sockets)
	}
	waitSnapshot(t, e, "the backfill", allLive(time.Time{}))
	// The simulator keeps its side open after we leave: a gateway-side zombie.
	if err := sim.Inject(ibsim.Fault{Kind: ibsim.FaultHold, On: true}); err != nil {
		t.Fatal(err)
	}
	e.Reconnect()
	rec.waitCount(t, "the gateway-side zombie", EventZombie, 1, func(r record) bool {
		return r.attrs["side"] == "gateway" && r.attrs["action"] == "found" && r.attrs["local"] == sim.Addr()
	})
	s = waitSnapshot(t, e, "the zombie in a snapshot", func(s Snapshot) bool { return len(s.Sockets.Zombies) == 1 })
	if z := s.Sockets.Zombies[0]; z.Side != "gateway" || z.State != "CLOSE_WAIT" || s.Sockets.OwnLeaks != 0 {
		t.Fatalf("zombie %+v, own leaks %d", z, s.Sockets.OwnLeaks)
	}
	plan := e.PlanKill()
	if !plan.Empty() || len(plan.Refused) != 1 || plan.Refused[0].Side != "gateway" || plan.Refused[0].Reason != string(sockets.ReasonGatewaySide) {
		t.Fatalf("plan %+v: a gateway-side zombie is never a target", plan)
	}
	if res := e.Kill(plan); len(res) != 1 || res[0].Result != "refused" {
		t.Fatalf("kill of a plan with only a refusal: %+v", res)
	}
	sim.ClearFaults()
	rec.waitCount(t, "the zombie gone", EventSockets, 1, func(r record) bool { return r.attrs["zombies"] == int64(0) && r.attrs["close_wait"] == int64(0) })
}

func TestKillLeavesAProcessThatNoLongerHoldsAZombie(t *testing.T) {
	needProcNet(t)
	port, _ := spawnZombie(t)
	healthy := exec.Command("sleep", "30") // ours, holding no socket at all
	if err := healthy.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { healthy.Process.Kill(); healthy.Wait() })
	start := procStartTime(t, healthy.Process.Pid)
	opts := testOptions(closedPort(t), []string{"AAPL"}, newRecorder())
	opts.GatewayPort = port
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	// A plan confirmed after its target closed its zombie: same pid, same start time.
	stale := KillPlan{Port: port, Targets: []KillTarget{{PID: healthy.Process.Pid, Command: "sleep", Start: start}}}
	results := e.Kill(stale)
	if len(results) != 1 || results[0].Result != "gone" || results[0].Reason != string(sockets.ReasonGoneQuiet) {
		t.Fatalf("results %+v, want the stale target left alone as gone", results)
	}
	if err := healthy.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("the healthy process was signalled: %v", err)
	}
}

// procStartTime is a process's start time as /proc/PID/stat field 22 gives it.
func procStartTime(t *testing.T, pid int) uint64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Skip("no /proc")
	}
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	v, err := strconv.ParseUint(fields[19], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
