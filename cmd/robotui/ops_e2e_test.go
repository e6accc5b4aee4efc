package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/sockets"
)

// startMarketGateway runs `robotui gateway` with its clock in regular hours
// (so that the data watch judges freshness) and returns its API port and
// control address.
func startMarketGateway(t *testing.T, env []string) (port int, control string) {
	t.Helper()
	api, control := spawnGateway(t, env, io.Discard, "--speed", "10", "--start", "2026-01-05T10:00:00-05:00")
	_, p, _ := net.SplitHostPort(api)
	port, _ = strconv.Atoi(p)
	return port, control
}

func fault(t *testing.T, control, body string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+control+"/faults", strings.NewReader(body))
	if body == "" {
		req, _ = http.NewRequest(http.MethodDelete, "http://"+control+"/faults", nil)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("fault %s: %v %v", body, err, resp)
	}
	resp.Body.Close()
}

// ownSockets counts pid's sockets to the gateway port in the kernel's table.
func ownSockets(t *testing.T, sc *sockets.Scanner, port, pid int) int {
	t.Helper()
	tab, err := sc.Scan(port, true)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	n := 0
	for _, c := range tab.Conns {
		if c.Remote.Port() == uint16(port) && c.Owner != nil && c.Owner.PID == pid {
			n++
		}
	}
	return n
}

// sseEvent is one event of a stream.
type sseEvent struct {
	id         uint64
	name, data string
}

// readSSE reads events from a stream until it ends, sending each on out.
func readSSE(body io.Reader, out chan<- sseEvent) error {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.name != "" {
				out <- ev
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			ev.id, _ = strconv.ParseUint(line[4:], 10, 64)
		case strings.HasPrefix(line, "event: "):
			ev.name = line[7:]
		case strings.HasPrefix(line, "data: "):
			ev.data = line[6:]
		}
	}
	return sc.Err()
}

// apiLoad is how long the load test runs: ROBOTUI_API_LOAD (e.g. "30s",
// the figure; `make e2e-load`), else 3 s to keep `make test` short.
func apiLoad(t *testing.T) time.Duration {
	if v := os.Getenv("ROBOTUI_API_LOAD"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("ROBOTUI_API_LOAD: %v", err)
		}
		return d
	}
	return 3 * time.Second
}

// TestAPIFiftyClientsOneSocket: 25 pollers of /v1/state and 25 event
// streams against a robotui watching 100 symbols; a drop injected while
// they run. One socket to the gateway throughout; every stream sees the
// drop's conn.state lines as stdout has them, in order, and resumes after
// its own reconnect with Last-Event-ID without a gap in the ids.
func TestAPIFiftyClientsOneSocket(t *testing.T) {
	load := apiLoad(t)
	env := testEnv(t)
	env = append(env, "XDG_RUNTIME_DIR="+t.TempDir())
	gwPort, control := startMarketGateway(t, env)
	syms := make([]string, 100)
	for i := range syms {
		syms[i] = fmt.Sprintf("S%03d", i)
	}
	apiAddr := "127.0.0.1:" + freePort(t)
	p := startBin(t, env, "--no-tui", "--log-format", "json", "--port", strconv.Itoa(gwPort), "--api", apiAddr,
		"--symbols", strings.Join(syms, ","))
	p.waitLine(t, 20*time.Second, "ready", stateIs("ready"))
	pid := p.cmd.Process.Pid

	// The instance file names the API: the thin clients find it.
	if r := runBin(t, env, 10*time.Second, "status", "--json"); r.code != 0 || !strings.Contains(r.stdout, `"session":{"state":`) {
		t.Fatalf("robotui status --json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	scanner := sockets.NewScanner()
	if n := ownSockets(t, scanner, gwPort, pid); n != 1 {
		t.Fatalf("before the load: %d robotui sockets to the gateway, want 1", n)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var lat []time.Duration
	var httpErrs []string
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 5 * time.Second}
	for range 25 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				t0 := time.Now()
				resp, err := client.Get("http://" + apiAddr + "/v1/state")
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					httpErrs = append(httpErrs, err.Error())
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}()
	}

	// Every stream starts from event 1 (all of robotui's lines so far), so
	// that what it saw can be held against stdout line for line.
	type streamResult struct {
		events    []sseEvent
		resumed   bool
		recovered bool // saw ready again after its resume
		err       error
	}
	results := make([]streamResult, 25)
	dropSeen, recovered := make(chan struct{}, 25), make(chan struct{}, 25)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := &results[i]
			last := uint64(0)
			for attempt := 0; ; attempt++ {
				req, _ := http.NewRequest(http.MethodGet, "http://"+apiAddr+"/v1/events", nil)
				req.Header.Set("Last-Event-ID", strconv.FormatUint(last, 10))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					res.err = err
					return
				}
				evs := make(chan sseEvent, 64)
				go func() { readSSE(resp.Body, evs); close(evs) }()
				reconnect := false
			read:
				for {
					select {
					case ev, ok := <-evs:
						if !ok {
							res.err = fmt.Errorf("stream ended early")
							return
						}
						res.events = append(res.events, ev)
						last = ev.id
						// A stream's own reconnect, right after the drop's first line:
						// the rest of the drop must come through the resume.
						if attempt == 0 && ev.name == "conn.state" && strings.Contains(ev.data, `"prev":"ready"`) {
							dropSeen <- struct{}{}
							reconnect = true
							break read
						}
						if attempt == 1 && ev.name == "conn.state" && strings.Contains(ev.data, `"state":"ready"`) && !res.recovered {
							res.recovered = true
							recovered <- struct{}{}
						}
					case <-stop:
						break read
					}
				}
				resp.Body.Close()
				for range evs {
				}
				if !reconnect {
					return
				}
				res.resumed = true
			}
		}()
	}

	// Sample the socket table while the load runs; drop the session midway.
	var counts []int
	deadline := time.After(load)
	dropAt := time.After(load / 3)
	sample := time.NewTicker(100 * time.Millisecond)
	for done := false; !done; {
		select {
		case <-dropAt:
			fault(t, control, `{"kind":"drop","mode":"fin"}`)
		case <-sample.C:
			counts = append(counts, ownSockets(t, scanner, gwPort, pid))
		case <-deadline:
			done = true
		}
	}
	sample.Stop()
	// The drop's lines must have reached robotui's stdout before the streams stop.
	p.waitLine(t, 20*time.Second, "ready after the drop", stateIs("ready"))
	for _, ch := range []chan struct{}{dropSeen, recovered} {
		for range 25 {
			select {
			case <-ch:
			case <-time.After(20 * time.Second):
				close(stop)
				wg.Wait()
				t.Fatal("not every stream saw the drop and, after its resume, the session ready again")
			}
		}
	}
	final := ownSockets(t, scanner, gwPort, pid)
	close(stop)
	wg.Wait()

	if final != 1 {
		t.Errorf("after the load: %d robotui sockets to the gateway, want 1", final)
	}
	if i := slices.IndexFunc(counts, func(n int) bool { return n > 1 }); i >= 0 {
		t.Errorf("sample %d: %d robotui sockets to the gateway (samples %v)", i, counts[i], counts)
	}
	if len(httpErrs) > 0 {
		t.Errorf("%d failed requests, first: %s", len(httpErrs), httpErrs[0])
	}

	// stdout's conn.state lines, the reference.
	p.mu.Lock()
	var stdoutStates []string
	for _, line := range p.all {
		if strings.Contains(line, `"msg":"conn.state"`) {
			stdoutStates = append(stdoutStates, line)
		}
	}
	p.mu.Unlock()
	for i, res := range results {
		if res.err != nil {
			t.Errorf("stream %d: %v", i, res.err)
			continue
		}
		if !res.resumed {
			t.Errorf("stream %d never resumed", i)
		}
		var states []string
		for j, ev := range res.events {
			if want := uint64(j + 1); ev.id != want {
				t.Errorf("stream %d: event %d has id %d, want %d (lost or repeated across the resume)", i, j, ev.id, want)
				break
			}
			if ev.name == "conn.state" {
				states = append(states, ev.data)
			}
		}
		// Every conn.state line stdout has, byte for byte and in order, up to
		// the ready after the drop (every stream saw that one).
		if len(states) < 4 || len(states) > len(stdoutStates) || !slices.Equal(states, stdoutStates[:len(states)]) {
			t.Errorf("stream %d conn.state lines differ from stdout's:\nstream %q\nstdout %q", i, states, stdoutStates)
		}
	}

	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) == 0 {
		t.Fatal("no /v1/state request succeeded")
	}
	p99 := lat[len(lat)*99/100]
	t.Logf("/v1/state, 100 symbols, 25 pollers + 25 streams for %s: %d requests, p50 %s, p99 %s, max %s; socket samples %d (all <= 1)",
		load, len(lat), lat[len(lat)/2], p99, lat[len(lat)-1], len(counts))
	if p99 > time.Second {
		t.Errorf("/v1/state p99 %s under load, want well under 1 s", p99)
	}
}

// TestHealthAndReadyz: robotui health's exit codes (ready 0, session down
// 1, nothing there 2) and /readyz turning 503 on silent data and on
// gateway-side zombies (the hold fault, then a reconnect through the API).
func TestHealthAndReadyz(t *testing.T) {
	env := testEnv(t)
	rt := t.TempDir()
	env = append(env, "XDG_RUNTIME_DIR="+rt)
	gwPort, control := startMarketGateway(t, env)
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := writeFile(t, "config.toml", fmt.Sprintf(`[data]
silent_after = "1s"
[zombies]
scan_interval = "250ms"
[health]
gateway_zombies = 1
[api]
token_file = %q
`, tokenFile))
	metricsAddr, apiAddr := "127.0.0.1:"+freePort(t), "127.0.0.1:"+freePort(t)
	p := startBin(t, env, "--config", cfg, "--no-tui", "--log-format", "json", "--port", strconv.Itoa(gwPort),
		"--metrics", metricsAddr, "--api", apiAddr, "--symbols", "AAPL,MSFT")
	p.waitLine(t, 20*time.Second, "ready", stateIs("ready"))

	health := func(args ...string) int {
		return runBin(t, env, 10*time.Second, append([]string{"health"}, args...)...).code
	}
	waitReady := func(what string, want int, failing string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		tick := time.NewTicker(100 * time.Millisecond) // /readyz is polled: it is an HTTP endpoint
		defer tick.Stop()
		var last map[string]any
		for ; time.Now().Before(deadline); <-tick.C {
			resp, err := http.Get("http://" + metricsAddr + "/readyz")
			if err != nil {
				continue
			}
			last = nil
			json.NewDecoder(resp.Body).Decode(&last)
			resp.Body.Close()
			f, _ := json.Marshal(last["failing"])
			if resp.StatusCode == want && (failing == "" || strings.Contains(string(f), `"`+failing+`"`)) {
				return
			}
		}
		t.Fatalf("%s: /readyz never answered %d (failing %q); last %v", what, want, failing, last)
	}
	waitReady("ready", http.StatusOK, "")
	if c := health("--ready"); c != 0 {
		t.Errorf("robotui health --ready while ready: exit %d, want 0", c)
	}
	if c := health("--addr", "127.0.0.1:"+freePort(t)); c != 2 {
		t.Errorf("robotui health with no robotui there: exit %d, want 2", c)
	}

	fault(t, control, `{"kind":"silence","symbols":["AAPL"],"for":"60s"}`)
	waitReady("silence", http.StatusServiceUnavailable, "data")
	if c := health("--ready"); c != 1 {
		t.Errorf("robotui health --ready with AAPL silent: exit %d, want 1", c)
	}
	if c := health(); c != 0 {
		t.Errorf("robotui health (the session is fine) with AAPL silent: exit %d, want 0", c)
	}
	fault(t, control, "")

	// Without the token the command is refused; with it, robotui closes its
	// socket and the holding gateway leaves its side in CLOSE_WAIT.
	resp, err := http.Post("http://"+apiAddr+"/v1/reconnect", "", nil)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("reconnect without the token: %v %v, want 401", err, resp)
	}
	resp.Body.Close()
	fault(t, control, `{"kind":"hold","on":true}`)
	req, _ := http.NewRequest(http.MethodPost, "http://"+apiAddr+"/v1/reconnect", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	if resp, err = http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("reconnect with the token: %v %v, want 202", err, resp)
	}
	resp.Body.Close()
	waitReady("gateway-side zombie", http.StatusServiceUnavailable, "gateway_zombies")

	fault(t, control, `{"kind":"down","for":"10s"}`)
	// robotui health is a probe: asking again is its interface.
	deadline := time.Now().Add(10 * time.Second)
	for c := health(); c != 1; c = health() {
		if time.Now().After(deadline) {
			t.Fatalf("robotui health with the gateway down: exit %d, want 1", c)
		}
	}
}
