package engine

import (
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
)

// An answered ping changes only numbers that move every interval: it waits
// for the next refresh (at most a second) instead of a snapshot of its own.
// A miss is news and goes out at once.
func TestAnsweredPingWaitsForTheRefresh(t *testing.T) {
	e, err := New(testOptions(closedPort(t), []string{"AAA"}, newRecorder()))
	if err != nil {
		t.Fatal(err)
	}
	e.observe(conn.PingResult{Sample: conn.PingSample{At: time.Now(), RTT: time.Millisecond, OK: true}})
	if len(e.dirty) != 0 || !e.quiet.Load() {
		t.Errorf("answered ping: dirty %d quiet %v, want it left for the refresh", len(e.dirty), e.quiet.Load())
	}
	e.observe(conn.PingResult{Sample: conn.PingSample{At: time.Now(), RTT: 2 * time.Second}, Misses: 1})
	if len(e.dirty) != 1 {
		t.Errorf("missed ping did not wake the publisher")
	}
}

func TestSameSockets(t *testing.T) {
	base := func() SocketInfo {
		return SocketInfo{Port: 4002, Listening: true, ListenerPID: 7, ListenerCommand: "java",
			Counts: map[string]int{"ESTABLISHED": 2, "LISTEN": 1}, ScannedAt: time.Unix(100, 0),
			Zombies: []Zombie{{PID: 9, Side: "client", Local: "127.0.0.1:5000", Remote: "127.0.0.1:4002", State: "CLOSE_WAIT"}}}
	}
	later := base()
	later.ScannedAt = later.ScannedAt.Add(2 * time.Second)
	if !sameSockets(base(), later) {
		t.Errorf("the same table scanned later counts as a change")
	}
	for name, change := range map[string]func(*SocketInfo){
		"a count":          func(s *SocketInfo) { s.Counts["CLOSE_WAIT"] = 1 },
		"a zombie's owner": func(s *SocketInfo) { s.Zombies[0].PID = 10 },
		"zombies gone":     func(s *SocketInfo) { s.Zombies = nil },
		"the listener":     func(s *SocketInfo) { s.ListenerPID = 8 },
		"an own leak":      func(s *SocketInfo) { s.OwnLeaks = 1 },
		"an error":         func(s *SocketInfo) { s.Err = "denied" },
		"listening":        func(s *SocketInfo) { s.Listening = false },
	} {
		s := base()
		change(&s)
		if sameSockets(base(), s) {
			t.Errorf("%s changed, but the tables count as the same", name)
		}
	}
}
