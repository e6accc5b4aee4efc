package sockets

import (
	"encoding/json"
	"testing"
)

func TestStateNames(t *testing.T) {
	tests := []struct {
		s    State
		name string
	}{
		{Established, "ESTABLISHED"}, {SynSent, "SYN_SENT"}, {SynRecv, "SYN_RECV"},
		{FinWait1, "FIN_WAIT1"}, {FinWait2, "FIN_WAIT2"}, {TimeWait, "TIME_WAIT"},
		{Close, "CLOSE"}, {CloseWait, "CLOSE_WAIT"}, {LastAck, "LAST_ACK"},
		{Listen, "LISTEN"}, {Closing, "CLOSING"}, {StateUnknown, "UNKNOWN"}, {State(99), "STATE(99)"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.name {
			t.Errorf("State(%d).String() = %q, want %q", tt.s, got, tt.name)
		}
		if tt.s == StateUnknown || tt.s >= stateLimit {
			continue
		}
		if back, ok := ParseState(tt.name); !ok || back != tt.s {
			t.Errorf("ParseState(%q) = %v, %v", tt.name, back, ok)
		}
	}
}

func TestParseStateSpellings(t *testing.T) {
	tests := []struct {
		in   string
		want State
		ok   bool
	}{
		{"ESTAB", Established, true}, {"CLOSE-WAIT", CloseWait, true}, {"(CLOSE_WAIT)", CloseWait, true},
		{"FIN_WAIT_1", FinWait1, true}, {"FIN-WAIT-2", FinWait2, true}, {"SYN_RECEIVED", SynRecv, true},
		{"SYN_RCVD", SynRecv, true}, {"CLOSED", Close, true}, {"UNCONN", Close, true},
		{"LISTENING", Listen, true}, {"time_wait", TimeWait, true},
		{"DELETE", StateUnknown, false}, {"", StateUnknown, false}, {"NONE", StateUnknown, false},
	}
	for _, tt := range tests {
		if got, ok := ParseState(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseState(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestStatesIsACopyInDisplayOrder(t *testing.T) {
	a := States()
	if len(a) != int(stateLimit)-1 || a[0] != Listen || a[1] != Established || a[2] != CloseWait {
		t.Fatalf("States() = %v", a)
	}
	seen := map[State]bool{}
	for _, s := range a {
		if seen[s] || s == StateUnknown {
			t.Fatalf("States() repeats or holds unknown: %v", a)
		}
		seen[s] = true
	}
	a[0] = Closing
	if States()[0] != Listen {
		t.Error("States() shares its backing array")
	}
}

func TestCounts(t *testing.T) {
	var c Counts
	for _, s := range []State{CloseWait, CloseWait, Established, State(42)} {
		c.add(s)
	}
	if c.Get(CloseWait) != 2 || c.Get(Established) != 1 || c.Get(StateUnknown) != 1 || c.Get(State(200)) != 0 || c.Total() != 4 {
		t.Fatalf("counts %v", c)
	}
	m := c.Map()
	if len(m) != int(stateLimit) || m["CLOSE_WAIT"] != 2 || m["TIME_WAIT"] != 0 || m["UNKNOWN"] != 1 {
		t.Errorf("Map() = %v", m)
	}
	if _, ok := (Counts{}).Map()["UNKNOWN"]; ok {
		t.Error("UNKNOWN listed although zero")
	}
	b, err := json.Marshal(CloseWait)
	if err != nil || string(b) != `"CLOSE_WAIT"` {
		t.Errorf("json %s, %v", b, err)
	}
}
