package fanout_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/fanout"
	"github.com/robotui/robotui/conn/ibsim"
)

// TestInteropStoqeyThroughFanout runs the independent npm client
// (@stoqey/ib, conn/ibsim/interop/fanout.js), unchanged, against the
// fan-out while robotui's session holds the simulator: handshake, current
// time, bars with keepUpToDate, market data, positions, account summary,
// and a PLACE_ORDER answered 321 that never reaches the simulator. Like the
// simulator's interop test it needs node and `npm ci` in conn/ibsim/interop,
// so it runs only with ROBOTUI_INTEROP=1 (make interop).
func TestInteropStoqeyThroughFanout(t *testing.T) {
	if os.Getenv("ROBOTUI_INTEROP") != "1" {
		t.Skip("set ROBOTUI_INTEROP=1 (after npm ci in conn/ibsim/interop) to run")
	}
	dir, _ := filepath.Abs("../ibsim/interop")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@stoqey", "ib")); err != nil {
		t.Skipf("no node_modules in %s: run npm ci there", dir)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	logs := &recordHandler{}
	r := startRig(t, ibsim.Config{ServerVersion: 200, Speed: 60, Logger: newLogger(logs)}, fanout.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "fanout.js", "127.0.0.1", strconv.Itoa(portOf(t, r.fo.Addr())))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	// @stoqey/ib asks for v100..193; the session is at 200.
	if err != nil || !strings.Contains(string(out), "fanout interop: ok: server version 193,") {
		t.Fatalf("node fanout.js: %v", err)
	}
	for _, want := range []string{"updates", "ticks", "order refused (321)"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, rec := range logs.all() {
		if id, ok := rec["msg_id"]; ok && id == "3" {
			t.Errorf("the simulator saw a PLACE_ORDER: %v", rec)
		}
	}
	st := r.sim.State()
	if readyClients(st) != 1 || len(st.Clients) != 1 || st.Clients[0].ClientID != 1 {
		t.Errorf("simulator clients: %+v (want robotui's session alone)", st.Clients)
	}
	if fs := r.fo.Stats(); fs.Refused != 1 {
		t.Errorf("refused %d writes, want 1", fs.Refused)
	}
}
