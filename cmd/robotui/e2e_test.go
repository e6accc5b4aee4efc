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

	"github.com/robotui/robotui/ui/tmuxtest"
)

// tmuxSession drives the real binary in a private tmux server, as a person would.
type tmuxSession struct {
	*tmuxtest.Pane
	t   *testing.T
	log string
}

func startSession(t *testing.T, name, log, script string) *tmuxSession {
	t.Helper()
	return &tmuxSession{Pane: tmuxtest.Start(t, name, 120, 40, script), t: t, log: log}
}

// key sends one key; keys go one at a time so that esc is never read as alt+key.
func (s *tmuxSession) key(k string) { s.Keys(k) }

// waitScreen waits until match accepts the pane's contents.
func (s *tmuxSession) waitScreen(what string, match func(string) bool) string {
	s.t.Helper()
	return s.WaitScreen(what, false, match)
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
	next := 0
	found := s.Until(func() bool {
		states := s.logStates()
		for i := from; i < len(states); i++ {
			if match(states[i]) {
				next = i + 1
				return true
			}
		}
		return false
	})
	if !found {
		s.t.Fatalf("the log never showed %s within %v; states: %v", what, tmuxtest.Wait, s.logStates())
	}
	return next
}

// scrollEventsTo focuses the events panel and scrolls it back a line at a
// time until match accepts the screen: new events keep pushing older ones
// out of view (ten signals at each bar close), so a line that was on screen
// for a moment may be gone by the time the pane is captured.
func (s *tmuxSession) scrollEventsTo(what string, match func(string) bool) {
	s.t.Helper()
	// tab goes table → positions (when shown) → events: on until the events
	// panel has the focused (heavy) border.
	s.key("Tab")
	if scr := s.waitScreen("the focus off the table", func(scr string) bool {
		return strings.Contains(scr, "┏━ Events") || strings.Contains(scr, "┏━ Positions")
	}); !strings.Contains(scr, "┏━ Events") {
		s.key("Tab")
		s.waitScreen("the events panel focused", has("┏━ Events"))
	}
	for n := 0; ; n++ {
		scr := s.waitScreen(fmt.Sprintf("%s, or the events panel %d back", what, n), func(scr string) bool {
			back := 0
			if m := newerBelow.FindStringSubmatch(scr); m != nil {
				back, _ = strconv.Atoi(m[1])
			}
			return match(scr) || back >= n
		})
		if match(scr) {
			return
		}
		s.key("Up")
	}
}

var newerBelow = regexp.MustCompile(`(\d+) newer below`)

// exited is what the tests' scripts print once robotui has exited.
const exited = "robotui has exited"

func TestE2EConsoleUnderTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (CI installs it)")
	}
	dir := t.TempDir()
	log, exitFile := filepath.Join(dir, "robotui.log"), filepath.Join(dir, "exit")
	// After robotui exits, the shell records its status and whether the terminal is back in cooked mode.
	// (GORACE: a race-built robotui otherwise lingers 1s at exit.)
	script := fmt.Sprintf(`HOME=%q TERM=xterm-256color GORACE=atexit_sleep_ms=0 %q --sim --log-file %q --log-format json; echo $? > %q; stty -a > %q.stty; echo %s; sleep 60`,
		dir, robotuiBin, log, exitFile, exitFile, exited)
	s := startSession(t, "e2e", log, script)

	s.waitScreen("READY", has("READY"))

	// enter: the first symbol's detail, with its chart and the simulator's
	// live quote; esc returns to the table.
	s.waitScreen("the first symbol live", regexp.MustCompile(`▸ \S+ .* live`).MatchString)
	s.key("Enter")
	s.waitScreen("the detail view with a quote and a chart", func(scr string) bool {
		return strings.Contains(scr, "closed bars") && strings.Contains(scr, "Bid ") &&
			strings.Contains(scr, "LAST CROSSES") && strings.ContainsAny(scr, "┃█")
	})
	s.key("Escape")
	s.waitScreen("the table again", func(scr string) bool {
		return strings.Contains(scr, "Signals") && !strings.Contains(scr, "closed bars")
	})

	// r: a reconnect, back to ready.
	mark := len(s.logStates())
	s.key("r")
	mark = s.waitLog("a manual reconnect", mark, func(m map[string]any) bool { return m["reason"] == "manual reconnect" })
	s.waitLog("ready after the reconnect", mark, func(m map[string]any) bool { return m["state"] == "ready" })
	s.waitScreen("the reconnect counted", has("reconnects 1"))

	// f, 1: a drop from the fault menu shows the backoff and the return to ready.
	s.key("f")
	s.waitScreen("the fault menu", has("drop (FIN)"))
	mark = len(s.logStates())
	s.key("1")
	mark = s.waitLog("backoff after the drop", mark, func(m map[string]any) bool { return m["state"] == "backoff" })
	s.waitLog("ready after the drop", mark, func(m map[string]any) bool { return m["state"] == "ready" })
	s.scrollEventsTo("backoff in the events log", regexp.MustCompile(`conn\.state +backoff`).MatchString)
	s.waitScreen("ready again", has("READY"))

	// A gateway-side zombie (hold, then reconnect) so that z has something to show.
	s.key("f")
	s.waitScreen("the fault menu", has("hold on"))
	s.key("9")
	s.key("r")
	s.waitScreen("a gateway-side zombie", has("1 gateway"))
	s.key("z")
	s.waitScreen("the kill confirmation", has("will NOT signal"))
	s.key("Escape")
	s.waitScreen("the confirmation closed", func(scr string) bool { return !strings.Contains(scr, "will NOT signal") })

	// q: exit 0, the session closed, the terminal usable.
	s.key("q")
	s.waitScreen("robotui's exit after q", has(exited))
	if b, _ := os.ReadFile(exitFile); strings.TrimSpace(string(b)) != "0" {
		t.Fatalf("robotui exited with %q, want 0", b)
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
	log, shFile, exitFile := filepath.Join(dir, "robotui.log"), filepath.Join(dir, "sh"), filepath.Join(dir, "exit")
	// The shell stays robotui's parent (robotui in the foreground, on the
	// terminal) and records its exit status; only robotui gets the signal.
	// (GORACE: a race-built robotui otherwise lingers 1s at exit.)
	script := fmt.Sprintf(`echo $$ > %q; HOME=%q TERM=xterm-256color GORACE=atexit_sleep_ms=0 %q --sim --log-file %q --log-format json; echo $? > %q; echo %s; sleep 60`,
		shFile, dir, robotuiBin, log, exitFile, exited)
	s := startSession(t, "e2e-int", log, script)
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
	s.waitScreen("robotui's exit after SIGINT", has(exited))
	if b, _ := os.ReadFile(exitFile); strings.TrimSpace(string(b)) != "0" {
		t.Fatalf("after SIGINT robotui exited with %q, want 0", b)
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
	log := filepath.Join(dir, "robotui.log")
	script := fmt.Sprintf(`HOME=%q TERM=xterm-256color GORACE=atexit_sleep_ms=0 %q --sim --once --symbols AAPL,MSFT,SPY --log-file %q; echo "exit $?"; sleep 60`, dir, robotuiBin, log)
	s := startSession(t, "e2e-once", log, script)
	scr := s.waitScreen("the exit", has("exit "))
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
	if data, err := os.ReadFile(log); err != nil || strings.Count(string(data), "msg=signal") != 3 {
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
	log := filepath.Join(dir, "robotui.log")
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte("[gateway]\nconnect_timeout = \"2s\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`HOME=%q TERM=xterm-256color GORACE=atexit_sleep_ms=0 %q --config %q --port %d --once --log-file %q; echo "exit $?"; sleep 60`, dir, robotuiBin, cfg, port, log)
	s := &tmuxSession{Pane: tmuxtest.Start(t, "e2e-none", 200, 40, script), t: t, log: log}
	scr := s.waitScreen("the exit", has("exit "))
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
	log := filepath.Join(dir, "robotui.log")
	script := fmt.Sprintf(`HOME=%q TERM=xterm-256color GORACE=atexit_sleep_ms=0 ROBOTUI_IBC_COMMAND_PORT=%d %q --sim --log-file %q --log-format json; sleep 60`,
		dir, port, robotuiBin, log)
	s := startSession(t, "e2e-ibc", log, script)
	s.waitScreen("READY", has("READY"))

	s.key("f")
	s.waitScreen("the fault menu", has("hold on"))
	s.key("9")
	s.key("r")
	s.waitScreen("a gateway-side zombie", has("1 gateway"))
	s.key("z")
	s.waitScreen("the zombie dialog's offer", has("restarting the gateway clears them"))
	s.key("I")
	s.waitScreen("the gateway menu", has("RECONNECTACCOUNT"))
	s.key("Enter")
	s.waitScreen("the RESTART confirmation", has("RESTART?"))
	mark := len(s.logStates())
	s.key("y")
	s.waitScreen("the reply", has("OK RESTART in progress"))
	mark = s.waitLog("the restart's drop", mark, func(m map[string]any) bool { return m["state"] == "backoff" || m["state"] == "connecting" })
	s.waitLog("ready after the restart", mark, func(m map[string]any) bool { return m["state"] == "ready" })
	s.waitScreen("no gateway-side zombie", func(scr string) bool {
		return strings.Contains(scr, "READY") && !strings.Contains(scr, "1 gateway")
	})
	s.key("q")
}
