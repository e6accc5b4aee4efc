//go:build unix

package tmuxtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Wait bounds every wait: generous for a race-built binary on a loaded
// 2-core machine, and still a quick failure for a hang.
const Wait = 30 * time.Second

var servers atomic.Int64 // tmux servers started by this process

// Pane is the one pane of a private tmux server.
type Pane struct {
	t      testing.TB
	socket string
	output chan struct{} // a value once the pane has printed something
}

// Start runs script with sh in a w×h pane of a new tmux server, named after
// name and this process; the server is killed when the test ends.
func Start(t testing.TB, name string, w, h int, script string) *Pane {
	t.Helper()
	// A server of its own each time: the last test's may still be shutting down.
	socket := fmt.Sprintf("robotui-test-%d-%s-%d", os.Getpid(), name, servers.Add(1))
	p := &Pane{t: t, socket: socket, output: make(chan struct{}, 1)}
	p.Tmux("new-session", "-d", "-s", "main", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "sh", "-c", script)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", p.socket, "kill-server").Run() })
	fifo := filepath.Join(t.TempDir(), "output")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(fifo, os.O_RDWR, 0) // read-write: the open does not wait for a writer
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	go func() {
		buf := make([]byte, 32<<10)
		for {
			if _, err := f.Read(buf); err != nil {
				return
			}
			select {
			case p.output <- struct{}{}:
			default:
			}
		}
	}()
	p.Tmux("pipe-pane", "-t", "main", "-O", fmt.Sprintf("cat >> %q", fifo))
	return p
}

// Tmux runs a tmux command against the pane's server.
func (p *Pane) Tmux(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", p.socket}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// Keys sends keys by tmux's names ("q", "Escape", "C-c").
func (p *Pane) Keys(keys ...string) { p.Tmux(append([]string{"send-keys", "-t", "main"}, keys...)...) }

// Resize makes the pane w×h.
func (p *Pane) Resize(w, h int) {
	p.Tmux("resize-window", "-t", "main", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h))
}

// Screen is what the pane shows; with escapes, its colours and attributes too.
func (p *Pane) Screen(escapes bool) string {
	args := []string{"capture-pane", "-p", "-t", "main"}
	if escapes {
		args = append(args, "-e")
	}
	return p.Tmux(args...)
}

// Until calls done each time the pane has printed something (and every
// second, for what changes without printing, such as a file) until it
// returns true, or Wait has passed (false).
func (p *Pane) Until(done func() bool) bool {
	deadline := time.NewTimer(Wait)
	defer deadline.Stop()
	recheck := time.NewTicker(time.Second)
	defer recheck.Stop()
	for !done() {
		select {
		case <-p.output:
		case <-recheck.C:
		case <-deadline.C:
			return false
		}
	}
	return true
}

// WaitScreen waits until match accepts the screen and returns it; the test
// fails, showing the last screen, if that takes longer than Wait.
func (p *Pane) WaitScreen(what string, escapes bool, match func(string) bool) string {
	p.t.Helper()
	var screen string
	if !p.Until(func() bool { screen = p.Screen(escapes); return match(screen) }) {
		p.t.Fatalf("the pane never showed %s within %v; it shows:\n%s", what, Wait, screen)
	}
	return screen
}
