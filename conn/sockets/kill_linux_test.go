package sockets

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"
)

// TestZombiesKillRechecksAgainstAFreshScan: of a confirmed plan, only the
// targets a fresh scan still finds holding a zombie are signalled; one that
// closed its socket since the dry run is gone, one the policy refuses (the
// gateway, slipped into the confirmation) is refused, and a zombie nobody
// confirmed is not touched.
func TestZombiesKillRechecksAgainstAFreshScan(t *testing.T) {
	littleEndian(t)
	const gw = "127.0.0.1:4002"
	listen := procLine(0, gw, "0.0.0.0:0", Listen, 1000, 1000)
	gatewaySide := procLine(1, gw, "127.0.0.1:50009", CloseWait, 1000, 1009)
	stays := procLine(2, "127.0.0.1:50001", gw, CloseWait, 1000, 1001)
	closes := procLine(3, "127.0.0.1:50002", gw, CloseWait, 1000, 1002)
	fs := newFakeProcfs(t, listen+gatewaySide+stays+closes)
	fs.process(100, "java", 1000, 11, "java -jar ibgateway.jar")
	fs.fd(100, 3, 1000)
	fs.fd(100, 4, 1009)
	fs.process(200, "python3", 1000, 22, "python3 bot.py")
	fs.fd(200, 5, 1001)
	fs.process(201, "node", 1000, 23, "node x.js")
	fs.fd(201, 5, 1002)
	fs.process(202, "python3", 1000, 24, "python3 other.py")
	s := newScanner(fs.root, 300, true)
	s.SetGateway([]netip.Addr{netip.MustParseAddr("127.0.0.1")})
	c := &fakeControl{procs: map[int]*fakeProc{100: {start: 11}, 200: {start: 22}, 201: {start: 23}, 202: {start: 24}}}
	z := Zombies{Scanner: s, Port: 4002, Grace: time.Second, killer: Killer{Control: c, Poll: time.Millisecond},
		self: Identity{PID: 300, UID: 1000, User: userName(1000)}}

	_, plan, err := z.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := pidsOf(plan); !slices.Equal(got, []int{200, 201}) || len(plan.Refused) != 1 || plan.Refused[0].Reason != ReasonGatewaySide {
		t.Fatalf("plan %+v, want 200 and 201 targeted, the gateway side refused", plan)
	}

	// Before the confirmation: 201 closes its socket, 202 gets a zombie of its own.
	fs.closeFD(201, 5)
	fs.write("net/tcp", tcpHeader+listen+gatewaySide+stays+procLine(4, "127.0.0.1:50003", gw, CloseWait, 1000, 1003))
	fs.fd(202, 5, 1003)
	confirmed := plan
	confirmed.Targets = append(slices.Clone(plan.Targets), Target{PID: 100, Command: "java", StartTime: 11})
	results, err := z.Kill(context.Background(), confirmed)
	if err != nil {
		t.Fatal(err)
	}
	want := []Result{
		{PID: 200, Command: "python3", Result: OutcomeKilled, Reason: "exited after SIGTERM"},
		{PID: 201, Command: "node", Result: OutcomeGone, Reason: string(ReasonGoneQuiet)},
		{PID: 100, Command: "java", Result: OutcomeRefused, Reason: string(ReasonGatewaySide)},
	}
	if !slices.Equal(results, want) {
		t.Errorf("results\n%+v\nwant\n%+v", results, want)
	}
	if !slices.Equal(c.opens, []int{200}) {
		t.Errorf("opened %v, want only the confirmed target that still holds a zombie", c.opens)
	}
}

func TestZombiesPlanNothingWithoutTheGatewayFilter(t *testing.T) {
	littleEndian(t)
	fs := newFakeProcfs(t, procLine(0, "127.0.0.1:50001", "127.0.0.1:4002", CloseWait, 1000, 1001))
	fs.process(200, "python3", 1000, 22, "python3 bot.py")
	fs.fd(200, 5, 1001)
	c := &fakeControl{procs: map[int]*fakeProc{200: {start: 22}}}
	z := Zombies{Scanner: newScanner(fs.root, 300, true), Port: 4002, killer: Killer{Control: c},
		self: Identity{PID: 300, UID: 1000, User: userName(1000)}}
	if _, _, err := z.Plan(context.Background()); !errors.Is(err, ErrNoGatewayFilter) {
		t.Fatalf("plan: %v, want ErrNoGatewayFilter", err)
	}
	results, err := z.Kill(context.Background(), KillPlan{Port: 4002, Targets: []Target{{PID: 200, Command: "python3", StartTime: 22}}})
	if !errors.Is(err, ErrNoGatewayFilter) || len(results) != 1 || results[0].Result != OutcomeRefused || len(c.opens) != 0 {
		t.Fatalf("kill: %+v, %v, opened %v; want refused and nothing touched", results, err, c.opens)
	}
}
