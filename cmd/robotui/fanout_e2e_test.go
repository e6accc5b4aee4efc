package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// TestFanoutBinary: robotui --fanout against a separate simulator. A
// program connects to the fan-out, asks the time and bars, and leaves; the
// fanout.client lines carry the documented fields, and the simulator sees
// robotui alone. With ROBOTUI_INTEROP=1 (make interop) the npm client runs
// through it as well.
func TestFanoutBinary(t *testing.T) {
	env := testEnv(t)
	gwPort, control := startMarketGateway(t, env)
	foAddr := "127.0.0.1:" + freePort(t)
	p := startBin(t, env, "--no-tui", "--log-format", "json", "--port", strconv.Itoa(gwPort), "--fanout", foAddr, "--symbols", "AAPL")
	p.waitLine(t, 20*time.Second, "ready", stateIs("ready"))

	c, err := conn.Dial(context.Background(), conn.Options{Addr: foAddr, ClientID: 55, MaxVersion: 176, ConnectTimeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("dial the fan-out: %v", err)
	}
	if c.ServerVersion() != 176 || len(c.Accounts()) == 0 {
		t.Errorf("fan-out handshake: version %d, accounts %v", c.ServerVersion(), c.Accounts())
	}
	if _, err := c.Ping(context.Background()); err != nil {
		t.Fatalf("current time through the fan-out: %v", err)
	}
	got := make(chan int, 1)
	req := conn.BarRequest{Contract: wire.Stock("MSFT"), Duration: "1 D", BarSize: "5 mins", WhatToShow: "TRADES", FormatDate: 2, KeepUpToDate: true}
	c.RequestBars(1, req, func(ev conn.BarEvent) {
		if ev.Kind == conn.BarBackfill {
			got <- len(ev.Bars)
		}
	})
	select {
	case n := <-got:
		if n == 0 {
			t.Error("an empty backfill")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no backfill through the fan-out")
	}
	fields := func(action string) func(map[string]any) bool {
		return func(m map[string]any) bool {
			return m["msg"] == "fanout.client" && m["action"] == action && m["client_id"] == float64(55)
		}
	}
	line := p.waitLine(t, 10*time.Second, "fanout.client connected", fields("connected"))
	for _, k := range []string{"addr", "client_id", "action", "reason"} {
		if _, ok := line[k]; !ok {
			t.Errorf("fanout.client line without %q: %v", k, line)
		}
	}
	c.Close()
	if line := p.waitLine(t, 10*time.Second, "fanout.client disconnected", fields("disconnected")); line["reason"] != "client closed" {
		t.Errorf("disconnect reason %v", line["reason"])
	}

	if os.Getenv("ROBOTUI_INTEROP") == "1" {
		dir, _ := filepath.Abs("../../conn/ibsim/interop")
		node, err := exec.LookPath("node")
		if _, serr := os.Stat(filepath.Join(dir, "node_modules", "@stoqey", "ib")); err == nil && serr == nil {
			cmd := exec.Command(node, "fanout.js", "127.0.0.1", strings.TrimPrefix(foAddr, "127.0.0.1:"))
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "fanout interop: ok") {
				t.Errorf("node fanout.js against robotui: %v\n%s", err, out)
			}
		}
	}

	resp, err := http.Get("http://" + control + "/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Clients []struct {
			ClientID int    `json:"client_id"`
			State    string `json:"state"`
		} `json:"clients"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	open := 0
	for _, cl := range st.Clients {
		if cl.State != "closed" {
			open++
		}
	}
	if open != 1 {
		t.Errorf("the simulator's open clients: %+v, want robotui alone", st.Clients)
	}
}
