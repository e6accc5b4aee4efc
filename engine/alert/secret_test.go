package alert

import (
	"bytes"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A failing sink's secret URL appears neither in the log nor in its status.
func TestSecretsNeverLogged(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	const token = "T0KEN-abcdef-123456"
	url := "http://" + ln.Addr().String() + "/services/" + token
	ln.Close()
	t.Setenv("ROBOTUI_TEST_SECRET_HOOK", url)
	var log lockedBuf
	m := New(Config{Thresholds: DefaultThresholds(), Log: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Sinks:   []SinkSpec{{Sink: &Webhook{Label: "webhook[0]", Secret: Secret{Env: "ROBOTUI_TEST_SECRET_HOOK"}}}},
		Backoff: Backoff{Initial: 5 * time.Millisecond, Max: 5 * time.Millisecond, Attempts: 3}})
	t.Cleanup(m.Close)
	s := ready(t0)
	s.Keepalive.P99 = time.Second
	m.Observe(s)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(log.String(), "gave_up") {
		if time.Now().After(deadline) {
			t.Fatalf("the sink never gave up; log:\n%s", log.String())
		}
		time.Sleep(5 * time.Millisecond) // polling the log, which has no notification
	}
	if out := log.String(); strings.Contains(out, token) || !strings.Contains(out, "failing") {
		t.Errorf("log:\n%s", out)
	}
	if st := m.Sinks()[0]; strings.Contains(st.LastError, token) || st.LastError == "" {
		t.Errorf("status error %q", st.LastError)
	}
	errs := m.Test(t.Context())
	if errs[0] == nil || strings.Contains(errs[0].Error(), token) {
		t.Errorf("test send error %v", errs[0])
	}
}
