package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// `robotui alerts test` sends one test alert to every sink and says which failed.
func TestAlertsTestCommand(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		got.Store(m)
	}))
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/hook"
	ln.Close()
	dir := t.TempDir()
	out := filepath.Join(dir, "exec.out")
	path := filepath.Join(dir, "c.toml")
	doc := "[[alerts.sink]]\nkind = \"webhook\"\nurl = \"" + srv.URL + "\"\n" +
		"[[alerts.sink]]\nkind = \"webhook\"\nurl_env = \"ROBOTUI_TEST_DEAD_HOOK\"\n" +
		"[[alerts.sink]]\nkind = \"exec\"\ncommand = [\"sh\", \"-c\", \"echo $ROBOTUI_ALERT $ROBOTUI_ALERT_STATE > " + out + "\"]\n"
	os.WriteFile(path, []byte(doc), 0o600)
	var stdout, stderr bytes.Buffer
	code := run([]string{"alerts", "test", "--config", path}, strings.NewReader(""), &stdout, &stderr, []string{"ROBOTUI_TEST_DEAD_HOOK=" + dead})
	if code != 1 {
		t.Errorf("exit %d, want 1 (one sink failed)\n%s%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"webhook[0]: sent", "webhook[1]: FAILED", "exec[2]: sent"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	if strings.Contains(stdout.String()+stderr.String(), dead) {
		t.Errorf("the secret URL was printed:\n%s", stdout.String())
	}
	if m, _ := got.Load().(map[string]any); m == nil || m["alert"] != "test" || m["state"] != "firing" {
		t.Errorf("webhook body %v", m)
	}
	if b, _ := os.ReadFile(out); strings.TrimSpace(string(b)) != "test firing" {
		t.Errorf("exec sink wrote %q", b)
	}
}
