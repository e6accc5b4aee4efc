//go:build unix

package ui

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// screenWriter records the program's output and says when it entered the
// alternate screen, by which time Run has its signal handler in place.
type screenWriter struct {
	mu      sync.Mutex
	b       bytes.Buffer
	entered chan struct{}
	once    sync.Once
}

func (w *screenWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if strings.Contains(w.b.String(), "\x1b[?1049h") {
		w.once.Do(func() { close(w.entered) })
	}
	return len(p), nil
}

func (w *screenWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestSIGHUPQuitsAndRestoresTheTerminal(t *testing.T) {
	f := newFake(t)
	f.snaps <- buildSnapshot(10)
	out := &screenWriter{entered: make(chan struct{})}
	in, w := io.Pipe()
	t.Cleanup(func() { _ = w.Close() })
	done := make(chan error, 1)
	go func() { done <- Run(f, Options{}, in, out) }()
	select {
	case <-out.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the console never drew")
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after SIGHUP: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after SIGHUP")
	}
	if _, _, _, closes := f.counts(); closes != 1 {
		t.Errorf("Close called %d times, want 1: the session is closed as on quit", closes)
	}
	if s := out.String(); !strings.Contains(s, "\x1b[?1049l") {
		t.Errorf("the alternate screen was not left: the terminal is not restored")
	}
}
