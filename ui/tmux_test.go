package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"github.com/robotui/robotui/ui/tmuxtest"
)

const helperEnv = "ROBOTUI_UI_HELPER_OUT"

// TestHelperConsole is not a test: TestTmux runs the test binary again with
// this test only, inside tmux, as a real console over a fake engine.
func TestHelperConsole(t *testing.T) {
	out := os.Getenv(helperEnv)
	if out == "" {
		t.Skip("only run by TestTmux")
	}
	f := newFake(t)
	f.snaps <- buildSnapshot(100, withZombies)
	err := Run(f, Options{}, os.Stdin, os.Stdout)
	_, plans, kills, closes := f.counts()
	report := fmt.Sprintf("err=%v plans=%d kills=%d closes=%d\n", err, plans, kills, closes)
	if werr := os.WriteFile(out, []byte(report), 0o600); werr != nil {
		t.Fatal(werr)
	}
}

// consoleExited is what the pane prints once the console has exited.
const consoleExited = "the console has exited"

// tmuxConsole is the console running in a private tmux server.
type tmuxConsole struct {
	*tmuxtest.Pane
	t   *testing.T
	out string
}

func startConsole(t *testing.T, name string, env ...string) *tmuxConsole {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report")
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env = append(env, helperEnv+"="+out)
	if os.Getenv("GORACE") == "" {
		env = append(env, "GORACE=atexit_sleep_ms=0") // a race-enabled helper otherwise lingers 1s at exit
	}
	// A trader's terminal: CI is unset because termenv turns colours off whenever it is set.
	cmd := fmt.Sprintf("env -u CI %s %q -test.run='^TestHelperConsole$' -test.count=1; echo %s; sleep 30", strings.Join(env, " "), bin, consoleExited)
	return &tmuxConsole{Pane: tmuxtest.Start(t, "ui-"+name, 120, 40, cmd), t: t, out: out}
}

// waitFor waits until the pane shows text.
func (c *tmuxConsole) waitFor(text string, escapes bool) string {
	c.t.Helper()
	return c.WaitScreen(fmt.Sprintf("%q", text), escapes, func(screen string) bool { return strings.Contains(screen, text) })
}

// waitFrame waits until the pane shows text in a whole w×h frame: a
// capture can catch a redraw half done, with the footer not yet written.
func (c *tmuxConsole) waitFrame(text string, w, h int) string {
	c.t.Helper()
	return c.WaitScreen(fmt.Sprintf("%q in a whole %dx%d frame", text, w, h), false, func(screen string) bool {
		lines := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
		return strings.Contains(screen, text) && len(lines) == h &&
			strings.HasPrefix(lines[0], "robotui │") && strings.Contains(lines[h-1], "q quit")
	})
}

// report is what the console wrote once it exited.
func (c *tmuxConsole) report() string {
	c.t.Helper()
	c.waitFor(consoleExited, false)
	b, err := os.ReadFile(c.out)
	if err != nil {
		c.t.Fatalf("the console exited without a report: %v", err)
	}
	return string(b)
}

// checkPane checks that the console filled the pane exactly: the header on
// the first line and the footer on the last, nothing scrolled or cut.
func checkPane(t *testing.T, screen string, w, h int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
	if len(lines) != h {
		t.Fatalf("pane has %d lines, want %d:\n%s", len(lines), h, screen)
	}
	if !strings.HasPrefix(lines[0], "robotui │") {
		t.Errorf("first line is not the header: %q", lines[0])
	}
	if !strings.Contains(lines[h-1], "q quit") {
		t.Errorf("last line is not the footer: %q", lines[h-1])
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			t.Errorf("pane line %d is %d wide at width %d", i, lipgloss.Width(l), w)
		}
	}
}

var colourSGR = regexp.MustCompile(`\x1b\[[0-9;]*(38|48);`)

func TestTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	t.Run("kill, resize, quit", func(t *testing.T) {
		c := startConsole(t, "main", "TERM=xterm-256color", "COLORTERM=truecolor")
		screen := c.waitFor("READY", true)
		if !colourSGR.MatchString(screen) {
			t.Errorf("no colours on a colour terminal")
		}
		c.Keys("z")
		c.waitFor("will NOT signal", false)
		c.Keys("y")
		c.waitFor("python3 killed", false)

		c.Resize(80, 24)
		checkPane(t, c.waitFrame("· … · ? help", 80, 24), 80, 24) // the footer only drops keys when narrow
		c.Resize(70, 20)
		c.waitFor("70x20, needs at least 80x24", false)
		c.Resize(133, 41)
		checkPane(t, c.waitFrame("READY", 133, 41), 133, 41)

		c.Keys("q")
		if got := c.report(); got != "err=<nil> plans=1 kills=1 closes=1\n" {
			t.Errorf("console reported %q", got)
		}
	})
	t.Run("NO_COLOR", func(t *testing.T) {
		c := startConsole(t, "nocolor", "TERM=xterm-256color", "COLORTERM=truecolor", "NO_COLOR=1")
		screen := c.waitFor("READY", true)
		if colourSGR.MatchString(screen) {
			t.Errorf("colours with NO_COLOR set:\n%q", screen)
		}
		c.Keys("C-c")
		if got := c.report(); got != "err=<nil> plans=0 kills=0 closes=1\n" {
			t.Errorf("console reported %q", got)
		}
	})
}
