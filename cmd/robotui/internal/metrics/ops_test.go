package metrics

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
)

func TestReadyzNamesTheFailingCondition(t *testing.T) {
	m := New()
	m.SetReadyThreshold(2)
	h := m.Handler()
	if code, _ := get(t, h, "/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("without a source: %d, want 503", code)
	}
	src := &fakeSource{snap: engine.Snapshot{Conn: engine.ConnInfo{State: conn.Ready},
		Symbols: []engine.SymbolRow{{Symbol: "AAPL", Status: "live"}, {Symbol: "MSFT", Status: "live"}}}}
	m.SetSource(src)
	gw := engine.Zombie{Side: "gateway", State: "CLOSE_WAIT"}
	tests := []struct {
		name    string
		change  func(*engine.Snapshot)
		code    int
		failing []string
	}{
		{"ready", func(*engine.Snapshot) {}, 200, []string{}},
		{"one gateway-side zombie is under the threshold", func(s *engine.Snapshot) { s.Sockets.Zombies = []engine.Zombie{gw} }, 200, []string{}},
		{"a client-side zombie does not count", func(s *engine.Snapshot) {
			s.Sockets.Zombies = []engine.Zombie{gw, {Side: "client"}}
		}, 200, []string{}},
		{"two gateway-side zombies", func(s *engine.Snapshot) { s.Sockets.Zombies = []engine.Zombie{gw, gw} }, 503, []string{"gateway_zombies"}},
		{"silent", func(s *engine.Snapshot) { s.Symbols[1].Status = engine.StatusSilent }, 503, []string{"data"}},
		{"down and silent", func(s *engine.Snapshot) {
			s.Conn.State = conn.Backoff
			s.Symbols[0].Status = engine.StatusSilent
		}, 503, []string{"session", "data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := src.snap
			snap.Symbols = append([]engine.SymbolRow(nil), src.snap.Symbols...)
			tt.change(&snap)
			m.SetSource(&fakeSource{snap: snap})
			code, body := get(t, h, "/readyz")
			var r Readiness
			if err := json.Unmarshal([]byte(body), &r); err != nil {
				t.Fatalf("body %q: %v", body, err)
			}
			if code != tt.code || strings.Join(r.Failing, ",") != strings.Join(tt.failing, ",") || r.Ready != (code == 200) {
				t.Errorf("got %d %s, want %d failing %v", code, body, tt.code, tt.failing)
			}
		})
	}
	m.SetReadyThreshold(1)
	m.SetSource(&fakeSource{snap: engine.Snapshot{Conn: engine.ConnInfo{State: conn.Ready}, Sockets: engine.SocketInfo{Zombies: []engine.Zombie{gw}}}})
	if code, body := get(t, h, "/readyz"); code != 503 || !strings.Contains(body, `"gateway_zombies_threshold":1`) {
		t.Errorf("threshold 1, one gateway-side zombie: %d %s", code, body)
	}
}

// TestDashboardQueriesExportedMetrics: every robotui_ (and Go/process)
// metric the Grafana dashboard queries is in /metrics.
func TestDashboardQueriesExportedMetrics(t *testing.T) {
	raw, err := os.ReadFile("../../../../deploy/grafana/robotui.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	// A snapshot with something in every family, so that each is exposed.
	m := New()
	m.SetSource(&fakeSource{snap: engine.Snapshot{
		Conn:     engine.ConnInfo{State: conn.Ready, ByCause: map[conn.Cause]int{conn.CauseEOF: 1}},
		Sockets:  engine.SocketInfo{Counts: map[string]int{"ESTABLISHED": 1}, Zombies: []engine.Zombie{{Side: "gateway"}}},
		Symbols:  []engine.SymbolRow{{Symbol: "AAPL", Signal: "BUY", Status: "live"}},
		Farms:    []conn.Farm{{Name: "usfarm", State: conn.FarmOK, Since: time.Now()}},
		Counters: engine.Counters{GatewayMessages: map[int]uint64{2104: 1}},
	}})
	m.Observe(conn.PingResult{Sample: conn.PingSample{OK: true, RTT: time.Millisecond}})
	_, body := get(t, m.Handler(), "/metrics")
	exported := map[string]bool{}
	for _, line := range strings.Split(body, "\n") {
		if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
			exported[strings.Fields(name)[0]] = true
		}
	}
	metricName := regexp.MustCompile(`\b(robotui|process|go)_[a-z0-9_]+`)
	queried := 0
	for _, p := range dash.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q queries nothing", p.Title)
		}
		for _, tg := range p.Targets {
			for _, name := range metricName.FindAllString(tg.Expr, -1) {
				queried++
				base := name
				for _, suffix := range []string{"_bucket", "_sum", "_count"} {
					if b, ok := strings.CutSuffix(name, suffix); ok && exported[b] {
						base = b
					}
				}
				if !exported[base] {
					t.Errorf("panel %q queries %s, which /metrics does not export", p.Title, name)
				}
			}
		}
	}
	if queried < 10 {
		t.Errorf("only %d metric references found in the dashboard", queried)
	}
	// The alert rules too: a renamed metric would silence an alert.
	rules, err := os.ReadFile("../../../../deploy/prometheus/rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range metricName.FindAllString(string(rules), -1) {
		if b, ok := strings.CutSuffix(name, "_bucket"); ok {
			name = b
		}
		if !exported[name] {
			t.Errorf("rules.yml queries %s, which /metrics does not export", name)
		}
	}
}
