package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robotui/robotui/cmd/robotui/internal/config"
	"github.com/robotui/robotui/cmd/robotui/internal/metrics"
	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibc"
	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/engine"
)

// waitSnap waits for a snapshot that ok accepts.
func waitSnap(t *testing.T, eng *engine.Engine, what string, within time.Duration, ok func(engine.Snapshot) bool) engine.Snapshot {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case s := <-eng.Snapshots():
			if ok(s) {
				return s
			}
		case <-deadline:
			t.Fatalf("no snapshot with %s within %s; last: %+v %+v", what, within, eng.Latest().Conn, eng.Latest().Sockets)
		}
	}
}

func gatewayZombies(s engine.Snapshot) int {
	n := 0
	for _, z := range s.Sockets.Zombies {
		if z.Side == "gateway" {
			n++
		}
	}
	return n
}

func allLive(s engine.Snapshot) bool {
	for _, r := range s.Symbols {
		if r.Status != "live" {
			return false
		}
	}
	return len(s.Symbols) > 0
}

// The simulator's IBC command server: hold leaves gateway-side zombies,
// `robotui ibc restart --yes` clears them, and the running console is ready
// and resubscribed again, never with two sockets to the gateway at once.
func TestIBCRestartClearsGatewayZombies(t *testing.T) {
	start, _ := time.Parse(time.RFC3339, "2026-01-06T10:00:00-05:00") // a Tuesday, market open
	sim, err := ibsim.Start(ibsim.Config{Addr: "127.0.0.1:0", Seed: 1, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	cmdSrv, err := ibsim.StartIBC(sim, "127.0.0.1:0", 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmdSrv.Close() })
	_, ibcPort, _ := net.SplitHostPort(cmdSrv.Addr())

	// Never more than one live (not held) client of the simulator.
	var most atomic.Int32
	watch, stopWatch := context.WithCancel(context.Background())
	t.Cleanup(stopWatch)
	go sim.WaitFor(watch, func(st ibsim.State) bool {
		n := int32(0)
		for _, c := range st.Clients {
			if c.State != "held" && c.State != "closed" {
				n++
			}
		}
		if n > most.Load() {
			most.Store(n)
		}
		return false
	})

	path := filepath.Join(t.TempDir(), "config.toml")
	body := fmt.Sprintf("[gateway]\nport = %d\n[zombies]\nscan_interval = \"250ms\"\n[watchlist]\nsymbols = [\"AAPL\", \"MSFT\"]\n[ibc]\ncommand_port = %s\n", sim.Port(), ibcPort)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := config.Load(path, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engineOptions(cfg, nil, slog.New(slog.DiscardHandler), metrics.New()))
	if err != nil {
		t.Fatal(err)
	}
	eng.Start()
	t.Cleanup(eng.Close)
	waitSnap(t, eng, "ready and live", 20*time.Second, func(s engine.Snapshot) bool { return s.Conn.State == conn.Ready && allLive(s) })

	if err := sim.Inject(ibsim.Fault{Kind: ibsim.FaultHold, On: true}); err != nil {
		t.Fatal(err)
	}
	eng.Reconnect() // our side closes; the gateway holds its side: a gateway-side CLOSE_WAIT
	held := waitSnap(t, eng, "a gateway-side zombie", 20*time.Second, func(s engine.Snapshot) bool {
		return gatewayZombies(s) >= 1 && s.Conn.State == conn.Ready
	})
	readyBefore := held.Conn.ReadySince

	var out, errb bytes.Buffer
	if code := run([]string{"ibc", "restart", "--yes", "--config", path}, strings.NewReader(""), &out, &errb, nil); code != 0 {
		t.Fatalf("robotui ibc restart: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "OK RESTART") {
		t.Errorf("reply %q", out.String())
	}
	after := waitSnap(t, eng, "ready, resubscribed, no zombies", 20*time.Second, func(s engine.Snapshot) bool {
		return s.Conn.State == conn.Ready && s.Conn.ReadySince.After(readyBefore) && allLive(s) &&
			gatewayZombies(s) == 0 && s.Sockets.Counts["CLOSE_WAIT"] == 0
	})
	if n := most.Load(); n > 1 {
		t.Errorf("%d live connections to the gateway at once, want 1", n)
	}
	if st := sim.State(); len(st.Faults) != 0 {
		t.Errorf("faults after the restart: %v", st.Faults)
	}
	t.Logf("ready again after the restart: %s", after.Conn.ReadySince.Sub(held.At).Round(time.Millisecond))

	// One command a minute from the console; a RESTART asked for makes the outage after it expected.
	if r, err := eng.GatewayCommand(context.Background(), ibc.Restart); err != nil || !r.OK {
		t.Fatalf("console RESTART: %v %v", r, err)
	}
	waitSnap(t, eng, "an expected outage", 20*time.Second, func(s engine.Snapshot) bool {
		return !s.Conn.State.Up() && s.Conn.Expected && s.Conn.ExpectedWhat == "gateway restart (asked)"
	})
	if _, err := eng.GatewayCommand(context.Background(), "RECONNECTDATA"); err == nil {
		t.Error("a second command within a minute was sent")
	}
}

func TestIBCCommandExitCodes(t *testing.T) {
	sim, err := ibsim.Start(ibsim.Config{Addr: "127.0.0.1:0", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	srv, err := ibsim.StartIBC(sim, "127.0.0.1:0", 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	_, p, _ := net.SplitHostPort(srv.Addr())
	dir := t.TempDir()
	write := func(name string, port string) string {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte("[gateway]\nport = "+strconv.Itoa(sim.Port())+"\n[ibc]\ncommand_port = "+port+"\n"), 0o600)
		return path
	}
	good := write("good.toml", p)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	_, deadPort, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	dead := write("dead.toml", deadPort)
	off := write("off.toml", "0")
	for _, c := range []struct {
		args []string
		want int
		out  string
	}{
		{[]string{"ibc", "bogus"}, 2, ""},
		{[]string{"ibc", "restart", "--yes", "--config", off}, 2, ""},
		{[]string{"ibc", "restart", "--yes", "--config", dead}, 2, ""},
		{[]string{"ibc", "reconnectdata", "--config", good}, 1, "not sent"}, // asked, no y
		{[]string{"ibc", "reconnectaccount", "--yes", "--config", good}, 0, "OK"},
		{[]string{"ibc", "stop", "--yes", "--config", good}, 0, "OK Shutting down"},
		{[]string{"ibc", "stop", "--yes", "--config", good}, 1, "ERROR STOP already in progress"},
	} {
		var out, errb bytes.Buffer
		if got := run(c.args, strings.NewReader("\n"), &out, &errb, nil); got != c.want || !strings.Contains(out.String(), c.out) {
			t.Errorf("%v: exit %d, want %d; out %q err %q", c.args, got, c.want, out.String(), errb.String())
		}
	}
}
