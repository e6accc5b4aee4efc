package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tmuxSession drives the real binary in a private tmux server, as a person would.
type tmuxSession struct {
	t      *testing.T
	socket string
	log    string
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", "e2e") }

// key sends one key; keys go one at a time so that esc is never read as alt+key.
func (s *tmuxSession) key(k string) { s.tmux("send-keys", "-t", "e2e", k) }

// waitScreen polls the pane (tmux has no change notification) until match
// accepts it.
func (s *tmuxSession) waitScreen(what string, within time.Duration, match func(string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for ; time.Now().Before(deadline); <-tick.C {
		if scr := s.screen(); match(scr) {
			return scr
		}
	}
	s.t.Fatalf("screen never showed %s within %v; last screen:\n%s", what, within, s.screen())
	return ""
}

func has(sub string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, sub) }
}

// logStates reads the conn.state events the console logged to its file.
func (s *tmuxSession) logStates() []map[string]any {
	f, err := os.Open(s.log)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == "conn.state" {
			out = append(out, m)
		}
	}
	return out
}

// waitLog waits for a conn.state line after index from that matches.
func (s *tmuxSession) waitLog(what string, from int, match func(map[string]any) bool) int {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for ; time.Now().Before(deadline); <-tick.C {
		states := s.logStates()
		for i := from; i < len(states); i++ {
			if match(states[i]) {
				return i + 1
			}
		}
	}
	s.t.Fatalf("the log never showed %s; states: %v", what, s.logStates())
	return 0
}

func TestE2EConsoleUnderTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (CI installs it)")
	}
	dir := t.TempDir()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("robotui-e2e-%d", os.Getpid()), log: filepath.Join(dir, "robotui.log")}
	exitFile := filepath.Join(dir, "exit")
	// After robotui exits, the shell records its status and whether the terminal is back in cooked mode.
	script := fmt.Sprintf(`HOME=%q TERM=xterm-256color %q --sim --log-file %q --log-format json; echo $? > %q; stty -a > %q.stty; echo done >> %q`,
		dir, robotuiBin, s.log, exitFile, exitFile, exitFile)
	s.tmux("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", "sh", "-c", script+"; sleep 60")
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })

	s.waitScreen("READY", 20*time.Second, has("READY"))

	// r: a reconnect, back to ready.
	mark := len(s.logStates())
	s.key("r")
	mark = s.waitLog("a manual reconnect", mark, func(m map[string]any) bool { return m["reason"] == "manual reconnect" })
	s.waitLog("ready after the reconnect", mark, func(m map[string]any) bool { return m["state"] == "ready" })
	s.waitScreen("the reconnect counted", 10*time.Second, has("reconnects 1"))

	// f, 1: a drop from the fault menu shows the backoff and the return to ready.
	s.key("f")
	s.waitScreen("the fault menu", 5*time.Second, has("drop (FIN)"))
	mark = len(s.logStates())
	s.key("1")
	mark = s.waitLog("backoff after the drop", mark, func(m map[string]any) bool { return m["state"] == "backoff" })
	s.waitLog("ready after the drop", mark, func(m map[string]any) bool { return m["state"] == "ready" })
	s.waitScreen("backoff in the events log", 10*time.Second, regexp.MustCompile(`conn\.state +backoff`).MatchString)
	s.waitScreen("ready again", 10*time.Second, has("READY"))

	// A gateway-side zombie (hold, then reconnect) so that z has something to show.
	s.key("f")
	s.waitScreen("the fault menu", 5*time.Second, has("hold on"))
	s.key("9")
	s.key("r")
	s.waitScreen("a gateway-side zombie", 15*time.Second, has("1 gateway"))
	s.key("z")
	s.waitScreen("the kill confirmation", 10*time.Second, has("will NOT signal"))
	s.key("Escape")
	s.waitScreen("the confirmation closed", 5*time.Second, func(scr string) bool { return !strings.Contains(scr, "will NOT signal") })

	// q: exit 0, the session closed, the terminal usable.
	s.key("q")
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for ; ; <-tick.C {
		b, _ := os.ReadFile(exitFile)
		if strings.Contains(string(b), "done") {
			if code := strings.TrimSpace(strings.Split(string(b), "\n")[0]); code != "0" {
				t.Fatalf("robotui exited with %s, want 0", code)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("robotui did not exit after q; screen:\n%s", s.screen())
		}
	}
	stty, _ := os.ReadFile(exitFile + ".stty")
	for _, mode := range []string{"icanon", "echo"} {
		if !regexp.MustCompile(`(^|\s)` + mode + `(\s|$)`).Match(stty) {
			t.Errorf("terminal left without %s after exit: %s", mode, stty)
		}
	}
	states := s.logStates()
	if last := states[len(states)-1]; last["state"] != "closed" {
		t.Errorf("last logged state %v, want closed", last["state"])
	}
}

// TestE2EConsoleSIGINT: an interrupt signal closes the console like q does,
// with exit status 0.
func TestE2EConsoleSIGINT(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (CI installs it)")
	}
	dir := t.TempDir()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("robotui-e2e-int-%d", os.Getpid()), log: filepath.Join(dir, "robotui.log")}
	shFile, exitFile := filepath.Join(dir, "sh"), filepath.Join(dir, "exit")
	// The shell stays robotui's parent (robotui in the foreground, on the
	// terminal) and records its exit status; only robotui gets the signal.
	script := fmt.Sprintf(`echo $$ > %q; HOME=%q TERM=xterm-256color %q --sim --log-file %q --log-format json; echo $? > %q; sleep 60`,
		shFile, dir, robotuiBin, s.log, exitFile)
	s.tmux("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", "sh", "-c", script)
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	s.waitLog("ready", 0, func(m map[string]any) bool { return m["state"] == "ready" })
	b, err := os.ReadFile(shFile)
	if err != nil {
		t.Fatal(err)
	}
	sh := strings.TrimSpace(string(b))
	children, err := os.ReadFile("/proc/" + sh + "/task/" + sh + "/children")
	if err != nil {
		t.Skipf("cannot find the shell's child: %v", err)
	}
	pid, err := strconv.Atoi(strings.Fields(string(children) + " x")[0])
	if err != nil {
		t.Fatalf("shell %s has no child: %q", sh, children)
	}
	if err := syscall.Kill(pid, syscall.SIGINT); err != nil { // our own child, through tmux
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for ; ; <-tick.C {
		if b, err := os.ReadFile(exitFile); err == nil && len(b) > 0 {
			if code := strings.TrimSpace(string(b)); code != "0" {
				t.Fatalf("after SIGINT robotui exited with %s, want 0", code)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("robotui still running 10 s after SIGINT")
		}
	}
	states := s.logStates()
	if len(states) == 0 || states[len(states)-1]["state"] != "closed" {
		t.Errorf("the session was not closed before exit: %v", states)
	}
}

// --once on a terminal prints a table, one row per symbol, and nothing of
// the event lines or the simulator's diagnostics (they go to the log file).
func TestE2EOnceTableOnATerminal(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (CI installs it)")
	}
	dir := t.TempDir()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("robotui-e2e-once-%d", os.Getpid()), log: filepath.Join(dir, "robotui.log")}
	script := fmt.Sprintf(`HOME=%q TERM=xterm-256color %q --sim --once --symbols AAPL,MSFT,SPY --log-file %q; echo "exit $?"`, dir, robotuiBin, s.log)
	s.tmux("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", "sh", "-c", script+"; sleep 60")
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	scr := s.waitScreen("the exit", 20*time.Second, has("exit "))
	lines := strings.Split(strings.TrimSpace(scr), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "SYMBOL") || !strings.Contains(lines[0], "BAR (New York)") || lines[4] != "exit 0" {
		t.Fatalf("want a header, three rows and exit 0:\n%s", scr)
	}
	for i, sym := range []string{"AAPL", "MSFT", "SPY"} {
		f := strings.Fields(lines[i+1])
		if len(f) < 5 || f[0] != sym || !slices.Contains([]string{"BUY", "SELL", "HOLD"}, f[4]) {
			t.Errorf("row %d %q: want %s, last, fast, slow, a signal, the bar time", i+1, lines[i+1], sym)
		}
	}
	if strings.Contains(scr, "level=") || strings.Contains(scr, "msg=") {
		t.Errorf("log lines on the terminal:\n%s", scr)
	}
	if data, err := os.ReadFile(s.log); err != nil || strings.Count(string(data), "msg=signal") != 3 {
		t.Errorf("the log file does not hold one signal line per symbol (%v):\n%s", err, data)
	}
}

// With nothing listening, --once on a terminal says what to do, in words.
func TestE2EOnceNothingListening(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (CI installs it)")
	}
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("robotui-e2e-none-%d", os.Getpid()), log: filepath.Join(dir, "robotui.log")}
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte("[gateway]\nconnect_timeout = \"2s\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`HOME=%q TERM=xterm-256color %q --config %q --port %d --once --log-file %q; echo "exit $?"`, dir, robotuiBin, cfg, port, s.log)
	s.tmux("new-session", "-d", "-s", "e2e", "-x", "200", "-y", "40", "sh", "-c", script+"; sleep 60")
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	scr := s.waitScreen("the exit", 30*time.Second, has("exit "))
	want := fmt.Sprintf("Nothing is listening on 127.0.0.1:%d. Start IB Gateway or TWS, enable the API on that port (Configure → Settings → API), or try `robotui --sim`.", port)
	if !strings.Contains(scr, want) || !strings.Contains(scr, "exit 2") || strings.Contains(scr, "dial tcp") {
		t.Errorf("want the hint in words, no Go error, exit 2:\n%s", scr)
	}
}

// TestE2EGatewayRestartUnderTmux: a gateway-side zombie (hold), the zombie
// dialog's offer of I, the gateway menu, RESTART, y: the simulator's IBC
// command server restarts it and the console is ready again.
func TestE2EGatewayRestartUnderTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (CI installs it)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // the console's simulator takes it (or, if raced, any other port)
	dir := t.TempDir()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("robotui-e2e-ibc-%d", os.Getpid()), log: filepath.Join(dir, "robotui.log")}
	script := fmt.Sprintf(`HOME=%q TERM=xterm-256color ROBOTUI_IBC_COMMAND_PORT=%d %q --sim --log-file %q --log-format json; sleep 60`,
		dir, port, robotuiBin, s.log)
	s.tmux("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", "sh", "-c", script)
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	s.waitScreen("READY", 20*time.Second, has("READY"))

	s.key("f")
	s.waitScreen("the fault menu", 5*time.Second, has("hold on"))
	s.key("9")
	s.key("r")
	s.waitScreen("a gateway-side zombie", 15*time.Second, has("1 gateway"))
	s.key("z")
	s.waitScreen("the zombie dialog's offer", 10*time.Second, has("restarting the gateway clears them"))
	s.key("I")
	s.waitScreen("the gateway menu", 5*time.Second, has("RECONNECTACCOUNT"))
	s.key("Enter")
	s.waitScreen("the RESTART confirmation", 5*time.Second, has("RESTART?"))
	mark := len(s.logStates())
	s.key("y")
	s.waitScreen("the reply", 10*time.Second, has("OK RESTART in progress"))
	mark = s.waitLog("the restart's drop", mark, func(m map[string]any) bool { return m["state"] == "backoff" || m["state"] == "connecting" })
	s.waitLog("ready after the restart", mark, func(m map[string]any) bool { return m["state"] == "ready" })
	s.waitScreen("no gateway-side zombie", 15*time.Second, func(scr string) bool {
		return strings.Contains(scr, "READY") && !strings.Contains(scr, "1 gateway")
	})
	s.key("q")
}
