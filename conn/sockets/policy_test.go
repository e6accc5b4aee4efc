package sockets

import (
	"slices"
	"strconv"
	"testing"
)

var me = Identity{PID: 500, UID: 1000, User: "trader"}

func proc(pid int, command string) *Process {
	return &Process{PID: pid, Command: command, Cmdline: command, User: "trader", UID: 1000, StartTime: uint64(pid) * 10}
}

func clientZombie(owner *Process, localPort uint16) Conn {
	return Conn{
		Local: ap("127.0.0.1:" + itoa(localPort)), Remote: ap("127.0.0.1:4002"),
		State: CloseWait, Side: ClientSide, Owner: owner, Own: owner != nil && owner.PID == me.PID,
	}
}

func gatewayConn(owner *Process, state State, peerPort uint16) Conn {
	return Conn{Local: ap("127.0.0.1:4002"), Remote: ap("127.0.0.1:" + itoa(peerPort)), State: state, Side: GatewaySide, Owner: owner}
}

// table builds a detailed table whose Zombies are the CLOSE_WAIT conns.
func table(listener *Process, conns ...Conn) Table {
	t := Table{Port: 4002, Detailed: true, Conns: conns, Listening: listener != nil, Listener: listener}
	for _, c := range conns {
		if c.State == CloseWait {
			t.Zombies = append(t.Zombies, c)
		}
	}
	return t
}

func itoa(p uint16) string { return strconv.Itoa(int(p)) }

func TestPlanRefusesEveryNever(t *testing.T) {
	gw := proc(100, "java")
	otherUser := proc(201, "python3")
	otherUser.UID, otherUser.User = 1001, "someone"
	sameNameOtherUID := proc(202, "python3")
	sameNameOtherUID.UID = 0
	noStart := proc(203, "python3")
	noStart.StartTime = 0
	unknownUser := proc(204, "python3")
	unknownUser.User = ""
	holdsGatewaySide := proc(205, "sim")
	byCmdline := proc(206, "main")
	byCmdline.Cmdline = "/opt/x/main -cp jars ibgateway.GWClient /home/t/Jts/ibgateway/1030"

	tests := []struct {
		name  string
		table Table
		want  Reason
	}{
		{"gateway-side zombie", table(gw, gatewayConn(gw, CloseWait, 50000)), ReasonGatewaySide},
		{"gateway-side zombie of an unknown owner", table(nil, gatewayConn(nil, CloseWait, 50000)), ReasonGatewaySide},
		{"table without owners", func() Table {
			tb := table(nil, clientZombie(proc(300, "python3"), 50001))
			tb.Detailed = false
			return tb
		}(), ReasonNoOwners},
		{"owner unknown", table(gw, clientZombie(nil, 50001)), ReasonOwnerUnknown},
		{"pid 1", table(gw, clientZombie(proc(1, "systemd"), 50001)), ReasonPID1},
		{"this process", table(gw, clientZombie(proc(me.PID, "robotui"), 50001)), ReasonSelf},
		{"the listener's process", table(proc(300, "sim"), clientZombie(proc(300, "sim"), 50001)), ReasonListener},
		{"owner of a gateway-side socket", table(nil,
			gatewayConn(holdsGatewaySide, Established, 50002), clientZombie(holdsGatewaySide, 50001)), ReasonGatewayOwner},
		{"sharer of a gateway-side socket", table(nil, func() Conn {
			c := gatewayConn(proc(101, "launcher"), Established, 50002)
			c.Sharers = []*Process{holdsGatewaySide}
			return c
		}(), clientZombie(holdsGatewaySide, 50001)), ReasonGatewayOwner},
		{"command java", table(gw, clientZombie(proc(301, "java"), 50001)), ReasonLooksGateway},
		{"command ibgateway", table(gw, clientZombie(proc(302, "ibgateway"), 50001)), ReasonLooksGateway},
		{"command tws", table(gw, clientZombie(proc(303, "tws"), 50001)), ReasonLooksGateway},
		{"command line of the gateway", table(gw, clientZombie(byCmdline, 50001)), ReasonLooksGateway},
		{"another user's process", table(gw, clientZombie(otherUser, 50001)), ReasonOtherUser},
		{"same user name, other uid", table(gw, clientZombie(sameNameOtherUID, 50001)), ReasonOtherUser},
		{"user unknown", table(gw, clientZombie(unknownUser, 50001)), ReasonOtherUser},
		{"start time unknown", table(gw, clientZombie(noStart, 50001)), ReasonNoStartTime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := Plan(tt.table, me)
			if len(plan.Targets) != 0 {
				t.Fatalf("targets %+v, want none", plan.Targets)
			}
			if len(plan.Refused) != 1 || plan.Refused[0].Reason != tt.want {
				t.Fatalf("refused %+v, want one with %q", plan.Refused, tt.want)
			}
			z := tt.table.Zombies[0]
			if z.Owner != nil && plan.Refused[0].PID != z.Owner.PID {
				t.Errorf("refusal names pid %d, want %d", plan.Refused[0].PID, z.Owner.PID)
			}
		})
	}
}

func TestPlanTargetsClientZombiesGroupedByProcess(t *testing.T) {
	gw := proc(100, "java")
	a, b := proc(301, "python3"), proc(302, "node")
	tb := table(gw,
		gatewayConn(gw, CloseWait, 50001), gatewayConn(gw, Established, 50009),
		clientZombie(a, 50001), clientZombie(b, 50002), clientZombie(a, 50003),
		Conn{Local: ap("127.0.0.1:50009"), Remote: ap("127.0.0.1:4002"), State: Established, Side: ClientSide, Owner: b},
	)
	plan := Plan(tb, me)
	if plan.Port != 4002 || len(plan.Targets) != 2 {
		t.Fatalf("plan %+v, want two targets on 4002", plan)
	}
	if got := plan.Targets[0]; got.PID != 301 || got.Command != "python3" || got.StartTime != 3010 || got.User != "trader" || len(got.Sockets) != 2 {
		t.Errorf("first target %+v", got)
	}
	if got := plan.Targets[1]; got.PID != 302 || len(got.Sockets) != 1 || got.Sockets[0].State != CloseWait {
		t.Errorf("second target %+v", got)
	}
	if len(plan.Refused) != 1 || plan.Refused[0].PID != 100 || plan.Refused[0].Reason != ReasonGatewaySide {
		t.Errorf("refused %+v, want the gateway's own zombie", plan.Refused)
	}
}

func TestPlanOfEmptyTable(t *testing.T) {
	plan := Plan(Table{Port: 4002, Detailed: true}, me)
	if len(plan.Targets)+len(plan.Refused) != 0 {
		t.Fatalf("plan %+v, want empty", plan)
	}
}

func TestLooksLikeGateway(t *testing.T) {
	tests := []struct {
		command, cmdline string
		want             bool
	}{
		{"java", "", true},
		{"javaw.exe", "", true},
		{"ibgateway", "", true},
		{"IBGateway.exe", "", true},
		{"tws", "", true},
		{"launcher", "/usr/lib/jvm/bin/java -jar x.jar", true},
		{"launcher", `C:\Jts\ibgateway\1030\ibgateway.exe`, true},
		{"sh", "sh -c cd /home/t/Jts && run", true},
		{"sh", "/opt/ibc/scripts/ibcstart.sh --mode=paper ibcalpha.ibc.IbcGateway", true},
		{"python3", "python3 bot.py --port 4002", false},
		{"sockets.test", "/tmp/go-build1/b001/sockets.test -test.run=X", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := LooksLikeGateway(Process{Command: tt.command, Cmdline: tt.cmdline}); got != tt.want {
			t.Errorf("LooksLikeGateway(%q, %q) = %v, want %v", tt.command, tt.cmdline, got, tt.want)
		}
	}
}

func TestPlanSharedSockets(t *testing.T) {
	gw := proc(100, "java")
	worker, parent := proc(401, "python3"), proc(400, "python3")
	stranger := proc(402, "python3")
	stranger.UID, stranger.User = 1001, "someone"
	shared := func(owner *Process, sharers ...*Process) Conn {
		c := clientZombie(owner, 50001)
		c.Sharers = sharers
		return c
	}
	tests := []struct {
		name        string
		zombie      Conn
		wantTargets []int
		wantRefused map[int]Reason
	}{
		{"all holders may be signalled", shared(parent, worker), []int{400, 401}, nil},
		{"a holder of another user blocks all", shared(parent, stranger), nil,
			map[int]Reason{402: ReasonOtherUser, 400: ReasonShared}},
		{"shared with this process", shared(parent, proc(me.PID, "robotui")), nil,
			map[int]Reason{me.PID: ReasonSelf, 400: ReasonShared}},
		{"shared with the gateway", shared(parent, gw), nil,
			map[int]Reason{100: ReasonListener, 400: ReasonShared}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := Plan(table(gw, tt.zombie), me)
			if got := pidsOf(plan); !slices.Equal(got, tt.wantTargets) {
				t.Errorf("targets %v, want %v", got, tt.wantTargets)
			}
			got := map[int]Reason{}
			for _, r := range plan.Refused {
				got[r.PID] = r.Reason
			}
			if len(got) != len(tt.wantRefused) {
				t.Errorf("refused %v, want %v", got, tt.wantRefused)
			}
			for pid, reason := range tt.wantRefused {
				if got[pid] != reason {
					t.Errorf("pid %d refused for %q, want %q", pid, got[pid], reason)
				}
			}
		})
	}
}

func pidsOf(plan KillPlan) []int {
	var pids []int
	for _, tg := range plan.Targets {
		pids = append(pids, tg.PID)
	}
	slices.Sort(pids)
	return pids
}

func TestRecheckDropsTargetsNoLongerPlanned(t *testing.T) {
	confirmed := []Target{{PID: 10, StartTime: 100}, {PID: 11, StartTime: 200}, {PID: 12, StartTime: 300}, {PID: 13, StartTime: 400}}
	fresh := KillPlan{Port: 4002, Targets: []Target{{PID: 10, StartTime: 100}, {PID: 12, StartTime: 301}}, // 12 is a new process
		Refused: []Refusal{{PID: 13, Reason: ReasonGatewayOwner}}}
	results := make([]Result, len(confirmed))
	got, at := recheck(confirmed, fresh, results)
	if len(got) != 1 || got[0].PID != 10 || !slices.Equal(at, []int{0}) {
		t.Fatalf("targets %+v at %v, want only pid 10 at 0", got, at)
	}
	for i, want := range []Result{
		{PID: 11, Result: OutcomeGone, Reason: string(ReasonGoneQuiet)},
		{PID: 12, Result: OutcomeGone, Reason: string(ReasonGoneQuiet)},
		{PID: 13, Result: OutcomeRefused, Reason: string(ReasonGatewayOwner)},
	} {
		if results[i+1] != want {
			t.Errorf("result %d = %+v, want %+v", i+1, results[i+1], want)
		}
	}
}
