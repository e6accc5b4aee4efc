package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fullPipe returns a pipe whose buffer is already full: every write to w
// blocks, as stdout does behind a stuck log shipper or a paused pager.
func fullPipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	fd := int(w.Fd())
	if err := syscall.SetNonblock(fd, true); err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 4096)
	for {
		if _, err := syscall.Write(fd, chunk); errors.Is(err, syscall.EAGAIN) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	// The child inherits the description: it must block, not fail.
	if err := syscall.SetNonblock(fd, false); err != nil {
		t.Fatal(err)
	}
	return r, w
}

func TestShutdownWithStdoutBlocked(t *testing.T) {
	for _, tt := range []struct {
		name     string
		signals  []syscall.Signal
		wantCode int
		within   time.Duration
	}{
		{"SIGTERM", []syscall.Signal{syscall.SIGTERM}, 0, shutdownBound},
		{"SIGHUP", []syscall.Signal{syscall.SIGHUP}, 0, shutdownBound},
		// At once: well before the log flush's own deadline would end it.
		{"a second signal", []syscall.Signal{syscall.SIGTERM, syscall.SIGINT}, 128 + int(syscall.SIGINT), shutdownBound / 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := testEnv(t)
			_, w := fullPipe(t)
			metricsAddr := "127.0.0.1:" + freePort(t)
			cmd := exec.Command(robotuiBin, "--sim", "--no-tui", "--log-format", "json", "--log-level", "debug",
				"--metrics", metricsAddr, "--symbols", "AAPL,MSFT")
			cmd.Env = env
			cmd.Stdout = w
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			t.Cleanup(func() {
				if cmd.ProcessState == nil {
					cmd.Process.Kill()
					<-exited
				}
			})
			waitHealth(t, metricsAddr, 200) // the session is up while stdout is blocked
			start := time.Now()
			for _, sig := range tt.signals {
				if err := cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
			}
			select {
			case err := <-exited:
				code := 0
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				} else if err != nil {
					t.Fatal(err)
				}
				// Two signals sent together may be taken in either order.
				if code != tt.wantCode && !(len(tt.signals) > 1 && code == 128+int(tt.signals[0])) {
					t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.wantCode, stderr.String())
				}
				took := time.Since(start)
				t.Logf("exit %d %v after the signal", code, took)
				if took > tt.within {
					t.Errorf("exited %v after the signal, want within %v", took, tt.within)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("still running 10 s after %v with stdout blocked", tt.signals)
			}
		})
	}
}

func TestSIGHUPClosesTheSession(t *testing.T) {
	p := startBin(t, testEnv(t), "--sim", "--no-tui", "--log-format", "json", "--symbols", "AAPL")
	p.waitLine(t, 20*time.Second, "ready", stateIs("ready"))
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	p.waitLine(t, 5*time.Second, "closed", stateIs("closed"))
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("after SIGHUP: %v, want exit 0", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("robotui did not exit within 5 s of SIGHUP")
	}
}

func TestLogSinkFailureIsSaid(t *testing.T) {
	r := func() result {
		t.Helper()
		cmd := exec.Command(robotuiBin, "--sim", "--once", "--log-file", "/dev/full", "--symbols", "AAPL")
		cmd.Env = testEnv(t)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return result{code: code, stderr: stderr.String()}
	}()
	if n := strings.Count(r.stderr, "the log cannot be written"); n != 1 {
		t.Errorf("stderr says %d times that the log cannot be written, want once:\n%s", n, r.stderr)
	}
	if !strings.Contains(r.stderr, "no space left on device") {
		t.Errorf("stderr lacks the sink's error:\n%s", r.stderr)
	}
}
