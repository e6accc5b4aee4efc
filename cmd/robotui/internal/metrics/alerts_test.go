package metrics

import (
	"io"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/alert"
)

func TestAlertSinkMetrics(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/x"
	ln.Close()
	a := alert.New(alert.Config{Thresholds: alert.DefaultThresholds(), Sinks: []alert.SinkSpec{{Sink: &alert.Webhook{Label: "webhook[0]", URL: dead}}}})
	defer a.Close()
	a.Observe(engine.Snapshot{At: time.Now(), Conn: engine.ConnInfo{State: conn.Ready}, Keepalive: engine.KeepaliveInfo{P99: time.Second}})
	deadline := time.Now().Add(5 * time.Second)
	for !a.Sinks()[0].Failing {
		if time.Now().After(deadline) {
			t.Fatal("the dead sink never shows failing")
		}
		time.Sleep(5 * time.Millisecond) // polling a status that has no notification
	}
	m := New()
	m.WatchAlerts(a)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{`robotui_alert_sink_failing{sink="webhook[0]"} 1`, `robotui_alerts_firing 1`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
