package fanout_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/fanout"
	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/conn/sockets"
	"github.com/robotui/robotui/conn/wire"
)

// childEnv carries "addr,clientID,mode" to a child process that acts as an
// outside program using the fan-out.
const childEnv = "ROBOTUI_FANOUT_CHILD"

// TestFanoutChildClient is the child's body (it skips in a normal run):
// connect, ask the time, shared AAPL bars and market data, say "ready",
// then leave ("exit") or wait to be killed ("hang").
func TestFanoutChildClient(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		t.Skip("run by TestTenClientsChurnOneUpstream")
	}
	parts := strings.Split(spec, ",")
	id, _ := strconv.Atoi(parts[1])
	c, err := conn.Dial(context.Background(), conn.Options{Addr: parts[0], ClientID: id, MaxVersion: 193, ConnectTimeout: 10 * time.Second})
	if err != nil {
		fmt.Println("dial:", err)
		os.Exit(3)
	}
	if _, err := c.Ping(context.Background()); err != nil {
		fmt.Println("ping:", err)
		os.Exit(3)
	}
	got := make(chan struct{}, 2)
	c.RequestBars(1, churnBars(), func(ev conn.BarEvent) {
		if ev.Kind == conn.BarBackfill {
			got <- struct{}{}
		}
	})
	c.RequestMarketData(2, wire.Stock("AAPL"), func(ev conn.TickEvent) {
		select {
		case got <- struct{}{}:
		default:
		}
	})
	for range 2 {
		select {
		case <-got:
		case <-time.After(10 * time.Second):
			fmt.Println("no data")
			os.Exit(3)
		}
	}
	fmt.Println("ready")
	if parts[2] == "hang" {
		select {}
	}
	c.Close()
	os.Exit(0)
}

func churnBars() conn.BarRequest {
	return conn.BarRequest{Contract: wire.Stock("AAPL"), Duration: "1 D", BarSize: "1 min", WhatToShow: "TRADES", FormatDate: 2, KeepUpToDate: true}
}

// Ten outside programs connect and leave in a loop, one killed with SIGKILL
// each round: the simulator sees exactly one client (robotui's session)
// the whole time, no CLOSE_WAIT is left on either port, and robotui's own
// session never changes state or misses a ping. 15 s by default;
// ROBOTUI_FANOUT_LOAD=1m runs it for a minute.
func TestTenClientsChurnOneUpstream(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("child")
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	length := 15 * time.Second
	if v := os.Getenv("ROBOTUI_FANOUT_LOAD"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("ROBOTUI_FANOUT_LOAD: %v", err)
		}
		length = d
	}
	r := startRig(t, ibsim.Config{ServerVersion: 200, Speed: 60}, fanout.Config{})
	var mu sync.Mutex
	var changes []conn.StateChange
	stop := r.sess.Observe(func(ev conn.Event) {
		if sc, ok := ev.(conn.StateChange); ok {
			mu.Lock()
			changes = append(changes, sc)
			mu.Unlock()
		}
	})
	defer stop()
	missed := r.sess.Stats().PingsMissed

	// The whole time: the simulator's open connections are exactly robotui's one.
	ctx, cancel := context.WithCancel(context.Background())
	violation := make(chan ibsim.State, 1)
	var watch sync.WaitGroup
	watch.Add(1)
	go func() {
		defer watch.Done()
		var bad ibsim.State
		if r.sim.WaitFor(ctx, func(st ibsim.State) bool {
			if len(st.Clients)-st.Count("closed") != 1 || readyClients(st) != 1 {
				bad = st
				return true
			}
			return false
		}) == nil {
			violation <- bad
		}
	}()

	end := time.Now().Add(length)
	rounds := 0
	for time.Now().Before(end) {
		rounds++
		var cmds []*exec.Cmd
		for i := range 10 {
			mode := "exit"
			if i == rounds%10 {
				mode = "hang"
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestFanoutChildClient$", "-test.count=1")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d,%s", childEnv, r.fo.Addr(), 1000+rounds*10+i, mode))
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds = append(cmds, cmd)
			go func(cmd *exec.Cmd, mode string) {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					if sc.Text() == "ready" && mode == "hang" {
						cmd.Process.Signal(syscall.SIGKILL)
					}
				}
			}(cmd, mode)
		}
		for i, cmd := range cmds {
			err := cmd.Wait()
			if i == rounds%10 {
				if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
					t.Fatalf("round %d: the hanging child ended %v, not by SIGKILL", rounds, err)
				}
			} else if err != nil {
				t.Fatalf("round %d: child %d: %v", rounds, i, err)
			}
		}
	}
	r.ev.waitUntil(t, "every client gone", func() bool { return len(r.fo.Stats().Clients) == 0 && r.ev.balanced() })
	cancel()
	watch.Wait()
	select {
	case st := <-violation:
		t.Fatalf("the simulator saw other than one client: %+v", st.Clients)
	default:
	}
	sc := sockets.NewScanner()
	for _, port := range []int{r.sim.Port(), portOf(t, r.fo.Addr())} {
		tb, err := sc.Scan(port, false)
		if err != nil {
			t.Fatal(err)
		}
		if n := tb.Count(sockets.CloseWait); n != 0 {
			t.Errorf("port %d: %d sockets in CLOSE_WAIT", port, n)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	st := r.sess.Stats()
	if len(changes) != 0 || st.State != conn.Ready || st.PingsMissed != missed {
		t.Errorf("robotui's session: %d state changes %v, state %s, %d pings missed", len(changes), changes, st.State, st.PingsMissed-missed)
	}
	fs := r.fo.Stats()
	t.Logf("%d rounds in %v: %d connections, %d dropped for a fault", rounds, length, fs.Connected, fs.Dropped)
	if fs.Connected != uint64(rounds*10) {
		t.Errorf("connections %d, want %d", fs.Connected, rounds*10)
	}
}

func portOf(t *testing.T, addr string) int {
	i := strings.LastIndexByte(addr, ':')
	p, err := strconv.Atoi(addr[i+1:])
	if err != nil {
		t.Fatal(err)
	}
	return p
}
