package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robotui/robotui/cmd/robotui/internal/metrics"
)

// syncBuf is a bytes sink for a logger written from the push goroutine.
type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestPushWhileReadyNeverLogsTheURL: pushes only while ready; a failing
// push is said once, without the secret URL.
func TestPushWhileReadyNeverLogsTheURL(t *testing.T) {
	hits := make(chan struct{}, 100)
	var fail atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/ping/secret-uuid" {
			t.Errorf("push %s %s", r.Method, r.URL.Path)
		}
		if fail.Load() {
			w.WriteHeader(http.StatusInternalServerError)
		}
		hits <- struct{}{}
	}))
	t.Cleanup(srv.Close)
	var ready atomic.Bool
	var logs syncBuf
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		pushLoop(ctx, srv.URL+"/ping/secret-uuid", 10*time.Millisecond, func() metrics.Readiness {
			return metrics.Readiness{Ready: ready.Load()}
		}, slog.New(slog.NewJSONHandler(&logs, nil)))
	}()
	t.Cleanup(func() { cancel(); <-done })
	wait := func(what string) {
		t.Helper()
		select {
		case <-hits:
		case <-time.After(5 * time.Second):
			t.Fatalf("no push %s", what)
		}
	}
	// Not ready: no push over many intervals (a ready push would come within one).
	probe := time.NewTimer(200 * time.Millisecond)
	select {
	case <-hits:
		t.Fatal("pushed while not ready")
	case <-probe.C:
	}
	ready.Store(true)
	wait("while ready")
	fail.Store(true)
	for range 3 {
		wait("while failing")
	}
	cancel()
	<-done
	out := logs.String()
	if strings.Count(out, `"msg":"health.push"`) != 1 || !strings.Contains(out, "status 500") {
		t.Errorf("failing pushes logged as %q, want one health.push line with the status", out)
	}
	if strings.Contains(out, "secret-uuid") || strings.Contains(out, srv.URL) {
		t.Errorf("the push URL was logged: %s", out)
	}
}

func TestCompletionScripts(t *testing.T) {
	env := testEnv(t)
	for _, sh := range []string{"bash", "zsh", "fish"} {
		r := runBin(t, env, 10*time.Second, "completion", sh)
		if r.code != 0 || !strings.Contains(r.stdout, "status") || !strings.Contains(r.stdout, "api") {
			t.Errorf("completion %s: exit %d\n%s%s", sh, r.code, r.stdout, r.stderr)
			continue
		}
		if path, err := exec.LookPath(sh); err == nil {
			script := writeFile(t, "completion."+sh, r.stdout)
			args := []string{"-n", script}
			if sh == "fish" {
				args = []string{"--no-execute", script}
			}
			if out, err := exec.Command(path, args...).CombinedOutput(); err != nil {
				t.Errorf("%s rejects its completion script: %v\n%s", sh, err, out)
			}
		}
	}
	if r := runBin(t, env, 10*time.Second, "completion", "tcsh"); r.code != 2 {
		t.Errorf("completion tcsh: exit %d, want 2", r.code)
	}
}

func TestVersionNamesModuleAndCommit(t *testing.T) {
	r := runBin(t, testEnv(t), 10*time.Second, "version")
	if r.code != 0 || !strings.Contains(r.stdout, "module github.com/robotui/robotui") || !strings.Contains(r.stdout, "commit ") {
		t.Errorf("version: exit %d %q", r.code, r.stdout)
	}
}

func TestThinClientsWithoutRobotui(t *testing.T) {
	env := append(testEnv(t), "XDG_RUNTIME_DIR="+t.TempDir())
	for _, cmd := range [][]string{{"status"}, {"quotes", "--json"}, {"positions"}, {"health"}, {"health", "--ready"}} {
		if r := runBin(t, env, 10*time.Second, cmd...); r.code != 2 {
			t.Errorf("robotui %v with none running: exit %d, want 2\n%s", cmd, r.code, r.stderr)
		}
	}
	// A stale instance file (robotui gone) is no robotui either.
	dir := filepath.Join(envValue(env, "XDG_RUNTIME_DIR"), "robotui")
	if _, err := writeInstance(filepath.Join(dir, "instance.json"), instanceFile{PID: 1, API: "127.0.0.1:" + freePort(t), Metrics: "127.0.0.1:" + freePort(t)}); err != nil {
		t.Fatal(err)
	}
	if r := runBin(t, env, 10*time.Second, "status"); r.code != 2 {
		t.Errorf("robotui status with a stale instance file: exit %d, want 2", r.code)
	}
	if r := runBin(t, env, 10*time.Second, "health"); r.code != 2 {
		t.Errorf("robotui health with a stale instance file: exit %d, want 2", r.code)
	}
}
