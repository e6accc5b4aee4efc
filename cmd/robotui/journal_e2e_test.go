package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestJournalBesideARunningConsole: `robotui report` reads the journal of a
// running robotui, and a second robotui on the same journal says who holds
// it and runs without one.
func TestJournalBesideARunningConsole(t *testing.T) {
	env := testEnv(t)
	first := startBin(t, env, "--sim", "--no-tui", "--log-format", "json", "--symbols", "AAPL")
	first.waitLine(t, 20*time.Second, "ready", stateIs("ready"))

	// The writer commits every 200 ms: ask until the ready is in (each ask is a process start).
	deadline := time.Now().Add(20 * time.Second)
	for {
		cmd := exec.Command(robotuiBin, "report", "--sim", "--json", "--since", "1h")
		cmd.Env = env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("report beside a running robotui: %v: %s", err, errb.String())
		}
		var rep struct {
			Runs   int            `json:"runs"`
			Events map[string]int `json:"events_by_name"`
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("report JSON: %v: %s", err, out.String())
		}
		if rep.Runs == 1 && rep.Events["conn.state"] >= 3 { // connecting, handshaking, ready
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the journal never showed the run: %s", out.String())
		}
	}

	second := startBin(t, env, "--sim", "--no-tui", "--log-format", "json", "--symbols", "AAPL")
	m := second.waitLine(t, 20*time.Second, "the journal's refusal", func(m map[string]any) bool { return m["msg"] == "journal" })
	if e, _ := m["error"].(string); !strings.Contains(e, "held by another robotui") || !strings.Contains(e, "in use by pid") {
		t.Errorf("second robotui's journal line: %v", m)
	}
	second.waitLine(t, 20*time.Second, "ready without a journal", stateIs("ready"))
	for _, p := range []*process{second, first} {
		p.cmd.Process.Signal(syscall.SIGTERM)
		if err := p.cmd.Wait(); err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	}
}
