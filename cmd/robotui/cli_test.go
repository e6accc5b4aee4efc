package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/sockets/sockettest"
)

// robotuiBin is the binary under test: $ROBOTUI_E2E_BIN (make e2e), or one
// built once for this test run.
var robotuiBin string

func TestMain(m *testing.M) {
	sockettest.MaybeRunChild() // a zombies test's child process: never builds robotui
	code := func() int {
		if bin := os.Getenv("ROBOTUI_E2E_BIN"); bin != "" {
			robotuiBin = bin
			return m.Run()
		}
		dir, err := os.MkdirTemp("", "robotui-test")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		defer os.RemoveAll(dir)
		robotuiBin = filepath.Join(dir, "robotui")
		args := []string{"build", "-o", robotuiBin}
		if raceEnabled {
			args = append(args, "-race")
		}
		if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build robotui: %v\n%s", err, out)
			return 2
		}
		return m.Run()
	}()
	os.Exit(code)
}

// testEnv is a clean environment: no user config, state in a temp dir.
func testEnv(t *testing.T) []string {
	home := t.TempDir()
	// XDG_RUNTIME_DIR too: otherwise every test's instance file is the machine's
	// shared /tmp/robotui-UID/instance.json, and a client finds another test's robotui.
	return []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"XDG_RUNTIME_DIR=" + filepath.Join(home, "run"), "PATH=" + os.Getenv("PATH")}
}

type result struct {
	code           int
	stdout, stderr string
}

func runBin(t *testing.T, env []string, timeout time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, robotuiBin, args...)
	cmd.Env = env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("robotui %v did not finish within %v\nstdout:\n%s\nstderr:\n%s", args, timeout, out.String(), errb.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run robotui: %v", err)
	}
	return result{code, out.String(), errb.String()}
}

func writeFile(t *testing.T, name, content string) string {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBadFlagsAndConfigsExit2(t *testing.T) {
	env := testEnv(t)
	badType := writeFile(t, "type.toml", "[gateway]\nport = \"abc\"\n")
	unknown := writeFile(t, "unknown.toml", "[gateway]\nhost = \"127.0.0.1\"\nprot = 4002\n")
	badDur := writeFile(t, "dur.toml", "[keepalive]\ninterval = \"two\"\n")
	smaOrder := writeFile(t, "sma.toml", "[strategy]\nfast = 30\nslow = 20\n")
	storm := writeFile(t, "storm.toml", "[reconnect]\ninitial = \"1ns\"\nmax = \"1ns\"\n[zombies]\nscan_interval = \"1ns\"\n")
	many := make([]string, 501)
	for i := range many {
		many[i] = fmt.Sprintf("S%d", i)
	}
	missingDir := filepath.Join(t.TempDir(), "no", "such", "dir")
	tests := []struct {
		name string
		args []string
		want []string // all must appear in stderr
	}{
		{"unknown flag", []string{"--bogus"}, []string{"bogus"}},
		{"bad port flag", []string{"--port", "abc"}, []string{"--port"}},
		{"bad log format", []string{"--log-format", "xml", "--no-tui"}, []string{"log.format"}},
		{"stray argument", []string{"nonsense"}, []string{"nonsense"}},
		{"missing config file", []string{"--config", "/nonexistent/robotui.toml"}, []string{"/nonexistent/robotui.toml"}},
		{"wrong type", []string{"--config", badType}, []string{"type.toml:2", "gateway.port"}},
		{"unknown key", []string{"--config", unknown}, []string{"unknown.toml:3", "prot"}},
		{"bad duration", []string{"--config", badDur}, []string{"dur.toml:2", "keepalive.interval"}},
		{"fast >= slow", []string{"--config", smaOrder}, []string{"strategy"}},
		{"live port without --live", []string{"--port", "4001"}, []string{"--live"}},
		{"empty watchlist", []string{"--symbols", ""}, []string{"watchlist.symbols"}},
		{"port with a plus sign", []string{"--port", "+4002"}, []string{"--port"}},
		{"host with a port", []string{"--host", "127.0.0.1:4003"}, []string{"gateway.host", "gateway.port"}},
		{"host like a flag", []string{"--host", "-x"}, []string{"gateway.host"}},
		{"host with a control character", []string{"--host", "gate\x07way"}, []string{"gateway.host", `\a`}},
		{"host of 300 characters", []string{"--host", strings.Repeat("h", 300)}, []string{"300 characters"}},
		{"storm settings", []string{"--config", storm}, []string{"reconnect.initial", "reconnect.max", "zombies.scan_interval", "at least"}},
		{"501 symbols", []string{"--symbols", strings.Join(many, ",")}, []string{"501 symbols: at most 500"}},
		{"log file in a missing directory", []string{"--no-tui", "--log-file", filepath.Join(missingDir, "robotui.log")}, []string{"log file", "no such file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runBin(t, env, 10*time.Second, tt.args...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2; stderr: %s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, r.stderr)
				}
			}
		})
	}
	if _, err := os.Stat(missingDir); err == nil {
		t.Errorf("--log-file created the directory %s", missingDir)
	}
	t.Run("every config error", func(t *testing.T) {
		many := writeFile(t, "many.toml", "[gateway]\nport = 99999\n[keepalive]\ninterval = \"zzz\"\n[keys]\nreconnect = [\"q\"]\n")
		check := runBin(t, env, 10*time.Second, "config", "check", many)
		console := runBin(t, env, 10*time.Second, "--config", many, "--no-tui")
		for _, w := range []string{"gateway.port", "keepalive.interval", "keys.reconnect"} {
			if !strings.Contains(check.stderr, w) || !strings.Contains(console.stderr, w) {
				t.Errorf("%s: config check says %q, the console %q", w, check.stderr, console.stderr)
			}
		}
		if check.stderr != console.stderr || console.code != 2 {
			t.Errorf("the console (exit %d) and config check disagree:\n%s\n---\n%s", console.code, console.stderr, check.stderr)
		}
	})
	t.Run("config check", func(t *testing.T) {
		if r := runBin(t, env, 10*time.Second, "config", "check", badType); r.code != 2 {
			t.Errorf("config check of a bad file: exit %d, want 2", r.code)
		}
		r := runBin(t, env, 10*time.Second, "config", "check", "../../config.toml.example")
		if r.code != 0 || !strings.Contains(r.stdout, "ok") {
			t.Errorf("config check of the example: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("help", func(t *testing.T) {
		for _, args := range [][]string{{"--help"}, {"gateway", "--help"}, {"zombies", "--help"}, {"config", "--help"}, {"config", "check", "--help"}, {"help"}} {
			r := runBin(t, env, 10*time.Second, args...)
			if r.code != 0 {
				t.Errorf("robotui %v: exit %d, stderr %s", args, r.code, r.stderr)
			}
			// The usage once, on stdout: not again on stderr.
			if n := strings.Count(strings.ToLower(r.stdout), "usage"); n != 1 || r.stderr != "" {
				t.Errorf("robotui %v: %d usages on stdout, stderr %q", args, n, r.stderr)
			}
		}
	})
	t.Run("version", func(t *testing.T) {
		if r := runBin(t, env, 10*time.Second, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "robotui ") {
			t.Errorf("version: exit %d, %q", r.code, r.stdout)
		}
	})
}

// signalLines returns the signal event lines, with the time field removed.
func signalLines(t *testing.T, stdout string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not a JSON line: %q: %v", line, err)
		}
		if m["msg"] != "signal" {
			continue
		}
		delete(m, "time")
		b, _ := json.Marshal(m)
		out = append(out, string(b))
	}
	return out
}

func TestOnceAgainstTheSimulator(t *testing.T) {
	env := testEnv(t)
	args := []string{"--sim", "--once", "--no-tui", "--log-format", "json", "--symbols", "AAPL,MSFT,SPY"}
	first := runBin(t, env, 60*time.Second, args...)
	if first.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", first.code, first.stderr)
	}
	lines := signalLines(t, first.stdout)
	if len(lines) != 3 {
		t.Fatalf("%d signal lines, want 3:\n%s", len(lines), first.stdout)
	}
	for i, sym := range []string{"AAPL", "MSFT", "SPY"} {
		var m map[string]any
		json.Unmarshal([]byte(lines[i]), &m)
		if m["symbol"] != sym {
			t.Errorf("line %d is for %v, want %s (watchlist order)", i, m["symbol"], sym)
		}
		for _, k := range []string{"signal", "price", "fast", "slow", "bar_time"} {
			if _, ok := m[k]; !ok {
				t.Errorf("signal line lacks %q: %s", k, lines[i])
			}
		}
	}
	second := runBin(t, env, 60*time.Second, args...)
	if again := signalLines(t, second.stdout); strings.Join(again, "\n") != strings.Join(lines, "\n") {
		t.Errorf("a second run printed different lines:\n%s\nvs\n%s", strings.Join(lines, "\n"), strings.Join(again, "\n"))
	}
	bad := runBin(t, env, 60*time.Second, "--sim", "--once", "--no-tui", "--log-format", "json", "--symbols", "AAPL,NOSUCH")
	if bad.code != 1 || len(signalLines(t, bad.stdout)) != 1 {
		t.Errorf("with an unknown symbol: exit %d (want 1) and %d signal lines (want 1)\n%s", bad.code, len(signalLines(t, bad.stdout)), bad.stderr)
	}
	free := freePort(t)
	none := runBin(t, env, 60*time.Second, "--once", "--no-tui", "--port", free, "--symbols", "AAPL")
	if none.code != 2 {
		t.Errorf("with nothing listening: exit %d, want 2\n%s%s", none.code, none.stdout, none.stderr)
	}
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	return port
}

// process is a robotui started in the background whose stdout lines are read as they come.
type process struct {
	cmd   *exec.Cmd
	lines chan string
	done  chan struct{}
	mu    sync.Mutex
	all   []string
}

func startBin(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(robotuiBin, args...)
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, lines: make(chan string, 4096), done: make(chan struct{})}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.all = append(p.all, sc.Text())
			p.mu.Unlock()
			p.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return p
}

// waitLine reads lines until match accepts one.
func (p *process) waitLine(t *testing.T, within time.Duration, what string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				t.Fatalf("robotui exited before %s", what)
			}
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil && match(m) {
				return m
			}
		case <-deadline:
			t.Fatalf("no %s within %v", what, within)
		}
	}
}

func stateIs(s string) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["msg"] == "conn.state" && m["state"] == s }
}

// documented are the event names and fields of DESIGN.md.
var documented = map[string][]string{
	"conn.state": {"state", "prev", "reason", "addr", "client_id", "server_version", "attempt"},
	"keepalive":  {"rtt_ms", "ok", "misses"},
	"sockets":    {"port", "established", "close_wait", "time_wait", "fin_wait2", "zombies", "listener_pid"},
	"zombie":     {"pid", "command", "side", "local", "remote", "action"},
	"signal":     {"symbol", "signal", "price", "fast", "slow", "bar_time", "strategy"},
	"ib.error":   {"code", "req_id", "text"},
	"ib.notice":  {"code", "req_id", "text"},
	"market":     {"open", "next_change"},
	"farm":       {"farm", "kind", "state", "code"},
	"account":    {"account", "net_liquidation", "cash", "buying_power", "daily_pnl", "unrealized_pnl", "realized_pnl"},
	"position":   {"account", "symbol", "qty", "avg_cost", "market_value", "unrealized_pnl"},
	"execution":  {"account", "symbol", "side", "qty", "price", "time", "exec_id"},
}

func TestHeadlessJSONAndSIGTERM(t *testing.T) {
	env := testEnv(t)
	p := startBin(t, env, "--sim", "--no-tui", "--log-format", "json", "--log-level", "debug", "--symbols", "AAPL,MSFT")
	p.waitLine(t, 20*time.Second, "ready", stateIs("ready"))
	// In any order: a position line may come once, before the first signal.
	waiting := map[string]bool{"signal": true, "keepalive": true, "position": true}
	p.waitLine(t, 20*time.Second, "a signal, a keepalive and a position line", func(m map[string]any) bool {
		delete(waiting, fmt.Sprint(m["msg"]))
		return len(waiting) == 0
	})
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("after SIGTERM: %v, want exit 0", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("robotui did not exit within 5 s of SIGTERM")
	}
	for range p.lines {
	}
	p.mu.Lock()
	lines := p.all
	p.mu.Unlock()
	sawClosed := false
	for _, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line lacks %q: %s", k, line)
			}
		}
		name, _ := m["msg"].(string)
		fields, known := documented[name]
		if !known {
			t.Errorf("undocumented event %q: %s", name, line)
			continue
		}
		for _, f := range fields {
			if _, ok := m[f]; !ok && !(name == "sockets" && f == "listener_pid") {
				t.Errorf("%s line lacks %q: %s", name, f, line)
			}
		}
		if name == "conn.state" && m["state"] == "closed" {
			sawClosed = true
		}
	}
	if !sawClosed {
		t.Error("no conn.state closed line before exit: the session was not closed")
	}
}

// startGateway runs `robotui gateway` at speed 60 and returns its API and control addresses.
func startGateway(t *testing.T, env []string) (api, control string) {
	t.Helper()
	return spawnGateway(t, env, os.Stderr, "--speed", "60")
}

// spawnGateway runs `robotui gateway` with flags on loopback ports of its own
// choosing, stopped with SIGTERM at the test's end, and returns the API and
// control addresses it prints.
func spawnGateway(t *testing.T, env []string, stderr io.Writer, flags ...string) (api, control string) {
	t.Helper()
	cmd := exec.Command(robotuiBin, append([]string{"gateway", "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0"}, flags...)...)
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	addrRE := regexp.MustCompile(`127\.0\.0\.1:\d+`)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		addrs := addrRE.FindAllString(sc.Text(), -1)
		if len(addrs) >= 2 {
			go io.Copy(io.Discard, out)
			return addrs[0], addrs[1]
		}
	}
	t.Fatal("robotui gateway did not print its addresses")
	return "", ""
}

func TestHealthzFollowsTheSession(t *testing.T) {
	env := testEnv(t)
	api, control := startGateway(t, env)
	_, port, _ := net.SplitHostPort(api)
	metricsAddr := "127.0.0.1:" + freePort(t)
	p := startBin(t, env, "--no-tui", "--log-format", "json", "--port", port, "--metrics", metricsAddr, "--symbols", "AAPL")
	p.waitLine(t, 20*time.Second, "ready", stateIs("ready"))
	waitHealth(t, metricsAddr, http.StatusOK)
	resp, err := http.Post("http://"+control+"/faults", "application/json", strings.NewReader(`{"kind":"down","for":"3s"}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("inject down: %v %v", err, resp)
	}
	resp.Body.Close()
	waitHealth(t, metricsAddr, http.StatusServiceUnavailable)
	waitHealth(t, metricsAddr, http.StatusOK)
	r, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	for _, name := range []string{"robotui_session_state", "robotui_keepalive_rtt_seconds", "robotui_reconnects_total", "robotui_gateway_sockets", "robotui_signal"} {
		if !strings.Contains(string(body), name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

// waitHealth polls /healthz (an HTTP endpoint: polling is its only interface) until it answers want.
func waitHealth(t *testing.T, addr string, want int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for ; time.Now().Before(deadline); <-tick.C {
		resp, err := client.Get("http://" + addr + "/healthz")
		if err == nil {
			var body map[string]any
			json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if resp.StatusCode == want {
				if body["state"] == nil {
					t.Errorf("/healthz body lacks state: %v", body)
				}
				return
			}
		}
	}
	t.Fatalf("/healthz never answered %d", want)
}
