package metrics

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/robotui/robotui/conn/fanout"
)

func TestFanoutMetrics(t *testing.T) {
	m := New()
	on := false
	m.WatchFanout(func() (fanout.Stats, bool) {
		return fanout.Stats{
			Clients:         []fanout.ClientInfo{{ClientID: 7, Library: "ib_async", MsgsIn: 12, MsgsOut: 30, Subscriptions: 2}},
			MarketDataLines: 3, MarketDataLimit: 100, Refused: 1, Connected: 4, Dropped: 1,
		}, on
	})
	scrape := func() string {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		return rec.Body.String()
	}
	if strings.Contains(scrape(), "robotui_fanout_") {
		t.Error("fan-out metrics while it is off")
	}
	on = true
	body := scrape()
	for _, want := range []string{
		`robotui_fanout_clients 1`,
		`robotui_fanout_client_messages_total{client_id="7",direction="in",library="ib_async"} 12`,
		`robotui_fanout_client_subscriptions{client_id="7",library="ib_async"} 2`,
		`robotui_fanout_market_data_lines 3`,
		`robotui_fanout_market_data_limit 100`,
		`robotui_fanout_refused_writes_total 1`,
		`robotui_fanout_dropped_total 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %s", want)
		}
	}
}
