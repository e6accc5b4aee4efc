package sockets

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
)

func reportTable() Table {
	gw := proc(100, "java")
	py := proc(301, "python3")
	tb := table(gw, gatewayConn(gw, CloseWait, 50001), clientZombie(py, 50002), clientZombie(nil, 50003))
	tb.Counts[Listen], tb.Counts[CloseWait], tb.Counts[Established] = 1, 3, 2
	return tb
}

func TestReportJSONMatchesTheContract(t *testing.T) {
	got, err := json.Marshal(NewReport(reportTable()))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"port":4002,"listener":{"pid":100,"command":"java"},` +
		`"counts":{"CLOSE":0,"CLOSE_WAIT":3,"CLOSING":0,"ESTABLISHED":2,"FIN_WAIT1":0,"FIN_WAIT2":0,"LAST_ACK":0,"LISTEN":1,"SYN_RECV":0,"SYN_SENT":0,"TIME_WAIT":0},` +
		`"zombies":[` +
		`{"pid":100,"command":"java","user":"trader","side":"gateway","local":"127.0.0.1:4002","remote":"127.0.0.1:50001","state":"CLOSE_WAIT"},` +
		`{"pid":301,"command":"python3","user":"trader","side":"client","local":"127.0.0.1:50002","remote":"127.0.0.1:4002","state":"CLOSE_WAIT"},` +
		`{"pid":0,"command":"","user":"","side":"client","local":"127.0.0.1:50003","remote":"127.0.0.1:4002","state":"CLOSE_WAIT"}]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestReportJSONEmptyAndWithResults(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"nothing listening, no zombies", NewReport(Table{Port: 4002}),
			`"listener":null,`},
		{"listening, owner not visible", NewReport(Table{Port: 4002, Listening: true}),
			`"listener":{"pid":0,"command":""},`},
		{"no zombies is an empty list", NewReport(Table{Port: 4002}), `"zombies":[]`},
		{"kill without targets still has results", NewKillReport(Table{Port: 4002}, nil), `"zombies":[],"results":[]}`},
		{"kill results", NewKillReport(Table{Port: 4002}, []Result{{PID: 7, Command: "x", Result: OutcomeKilled, Reason: "exited after SIGTERM"}}),
			`"results":[{"pid":7,"command":"x","result":"killed","reason":"exited after SIGTERM"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(got), tt.want) {
				t.Errorf("%s does not contain %s", got, tt.want)
			}
			var generic map[string]any
			if err := json.Unmarshal(got, &generic); err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{"port", "listener", "counts", "zombies"} {
				if _, ok := generic[key]; !ok {
					t.Errorf("key %q missing from %s", key, got)
				}
			}
		})
	}
}

func TestReportText(t *testing.T) {
	var b bytes.Buffer
	if err := NewReport(reportTable()).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"port 4002: listening, pid 100 (java)",
		"sockets: LISTEN 1, ESTABLISHED 2, CLOSE_WAIT 3\n",
		"zombies: 3",
		"PID  COMMAND  USER    SIDE     LOCAL            REMOTE           STATE",
		"301  python3  trader  client   127.0.0.1:50002  127.0.0.1:4002   CLOSE_WAIT",
		"?    ?        ?       client",
		"advice: " + GatewayAdvice,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	NewReport(Table{Port: 4002}).WriteText(&b)
	if got := b.String(); got != "port 4002: nothing listening\nsockets: none\nzombies: 0\n" {
		t.Errorf("empty report:\n%s", got)
	}
}

func TestPlanAndResultsText(t *testing.T) {
	var b bytes.Buffer
	plan := Plan(reportTable(), me)
	plan.WriteText(&b)
	out := b.String()
	for _, want := range []string{
		"to signal (SIGTERM, then SIGKILL after the grace period):\n  pid 301 python3 (trader): 1 client-side CLOSE_WAIT socket(s)\n",
		"not signalled:\n  pid 100 java: " + string(ReasonGatewaySide),
		"  pid ? ?: " + string(ReasonOwnerUnknown),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan text lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	(KillPlan{}).WriteText(&b)
	if b.String() != "nothing to signal\n" {
		t.Errorf("empty plan text %q", b.String())
	}
	b.Reset()
	WriteResults(&b, []Result{{PID: 301, Command: "python3", Result: OutcomeKilled, Reason: "exited after SIGTERM"}})
	if !strings.Contains(b.String(), "301  python3  killed  exited after SIGTERM") {
		t.Errorf("results text:\n%s", b.String())
	}
}

func TestOwnLeaks(t *testing.T) {
	self := proc(me.PID, "robotui")
	mine := func(local string, state State, side Side) Conn {
		return Conn{Local: ap(local), Remote: ap("127.0.0.1:4002"), State: state, Side: side, Owner: self, Own: true}
	}
	held := ap("127.0.0.1:50001")
	tests := []struct {
		name  string
		table Table
		held  []netip.AddrPort
		want  []string
	}{
		{"the held connection is no leak", table(nil, mine("127.0.0.1:50001", Established, ClientSide)), []netip.AddrPort{held}, nil},
		{"a CLOSE_WAIT of ours is", table(nil, mine("127.0.0.1:50001", Established, ClientSide), mine("127.0.0.1:50002", CloseWait, ClientSide)),
			[]netip.AddrPort{held}, []string{"127.0.0.1:50002"}},
		{"nothing held", table(nil, mine("127.0.0.1:50001", Established, ClientSide)), nil, []string{"127.0.0.1:50001"}},
		{"held given as a mapped address", table(nil, mine("127.0.0.1:50001", Established, ClientSide)),
			[]netip.AddrPort{ap("[::ffff:127.0.0.1]:50001")}, nil},
		{"others' sockets are not ours", table(nil, clientZombie(proc(301, "x"), 50002)), nil, nil},
		{"gateway side (in-process simulator) is not a leak", table(nil, mine("127.0.0.1:4002", CloseWait, GatewaySide)), nil, nil},
		{"listener is not a leak", table(nil, mine("127.0.0.1:4002", Listen, GatewaySide)), nil, nil},
		{"without owners only zombies", func() Table {
			tb := table(nil, mine("127.0.0.1:50001", Established, ClientSide), mine("127.0.0.1:50002", CloseWait, ClientSide))
			tb.Detailed, tb.Conns = false, nil
			return tb
		}(), nil, []string{"127.0.0.1:50002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range OwnLeaks(tt.table, tt.held) {
				got = append(got, c.Local.String())
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("leaks %v, want %v", got, tt.want)
			}
		})
	}
}
