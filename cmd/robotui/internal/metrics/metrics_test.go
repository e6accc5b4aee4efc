package metrics

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/account"
)

type fakeSource struct{ snap engine.Snapshot }

func (f *fakeSource) Latest() engine.Snapshot { return f.snap }

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Body)
	return rec.Code, string(body)
}

func TestHealthz(t *testing.T) {
	m := New()
	h := m.Handler()
	if code, _ := get(t, h, "/healthz"); code != http.StatusServiceUnavailable {
		t.Fatalf("without a source: %d, want 503", code)
	}
	src := &fakeSource{snap: engine.Snapshot{Conn: engine.ConnInfo{State: conn.Backoff, Cause: conn.CauseEOF, Error: "gateway closed the connection", Addr: "127.0.0.1:4002", ClientID: 3}}}
	m.SetSource(src)
	code, body := get(t, h, "/healthz")
	var got struct {
		health
		Cause string `json:"cause"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	if code != http.StatusServiceUnavailable || got.State != "backoff" || got.Status != "unavailable" || got.ClientID != 3 {
		t.Errorf("not ready: %d %+v", code, got)
	}
	if got.Cause != "eof" || got.Reason != conn.CauseEOF.Phrase() || got.Error != "gateway closed the connection" {
		t.Errorf("not ready: cause, reason and error not in %s", body)
	}
	src.snap.Conn.State = conn.Ready
	code, body = get(t, h, "/healthz")
	json.Unmarshal([]byte(body), &got)
	if code != http.StatusOK || got.Status != "ok" || got.State != "ready" {
		t.Errorf("ready: %d %+v", code, got)
	}
}

func TestMetricsExposition(t *testing.T) {
	m := New()
	m.SetSource(&fakeSource{snap: engine.Snapshot{
		Conn:    engine.ConnInfo{State: conn.Ready, ByCause: map[conn.Cause]int{conn.CauseEOF: 2, conn.CauseKeepalive: 1}, MsgsIn: 10, MsgsOut: 4},
		Sockets: engine.SocketInfo{Listening: true, Counts: map[string]int{"ESTABLISHED": 2, "CLOSE_WAIT": 1}, Zombies: []engine.Zombie{{Side: "client"}}},
		Symbols: []engine.SymbolRow{{Symbol: "AAPL", Signal: "SELL", Bars: 575, Last: 190.5,
			Strategies: []engine.StrategyRow{{Strategy: "sma", Signal: "SELL"}, {Strategy: "rsi", Signal: "BUY"}}}},
		Accounts: []account.Book{{Account: "DU1", UpdatedAt: time.Unix(1, 0), Summary: account.Summary{NetLiquidation: 100000.5, DailyPnL: -12.5},
			Positions: []account.Position{{Symbol: "AAPL", Qty: 100, AvgCost: 150.25, MarketValue: 19050, UnrealizedPnL: 4025}}}, {Account: "DU2", Stale: true}},
	}})
	m.Observe(conn.PingResult{Sample: conn.PingSample{RTT: 300 * time.Microsecond, OK: true}})
	m.Observe(conn.PingResult{Sample: conn.PingSample{RTT: 2 * time.Second, OK: false}, Misses: 1})
	code, body := get(t, m.Handler(), "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`robotui_session_state{state="ready"} 1`,
		`robotui_session_state{state="backoff"} 0`,
		`robotui_reconnects_total{cause="eof"} 2`,
		`robotui_keepalive_rtt_seconds_count 1`,
		`robotui_keepalive_misses_total 1`,
		`robotui_gateway_sockets{state="CLOSE_WAIT"} 1`,
		`robotui_zombies{side="client"} 1`,
		`robotui_zombies{side="gateway"} 0`,
		`robotui_signal{symbol="AAPL"} -1`,
		`robotui_strategy_signal{strategy="sma",symbol="AAPL"} -1`,
		`robotui_strategy_signal{strategy="rsi",symbol="AAPL"} 1`,
		`robotui_symbol_bars{symbol="AAPL"} 575`,
		`robotui_gateway_listening 1`,
		`robotui_account_net_liquidation{account="DU1"} 100000.5`,
		`robotui_account_daily_pnl{account="DU1"} -12.5`,
		`robotui_account_stale{account="DU2"} 1`,
		`robotui_position_qty{account="DU1",symbol="AAPL"} 100`,
		`robotui_position_avg_cost{account="DU1",symbol="AAPL"} 150.25`,
		`robotui_position_unrealized_pnl{account="DU1",symbol="AAPL"} 4025`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestHardeningCounters(t *testing.T) {
	m := New()
	m.SetSource(&fakeSource{snap: engine.Snapshot{Counters: engine.Counters{
		GatewayMessages: map[int]uint64{10182: 50000, 2104: 1}, NonFinite: 3, FutureBars: 2,
		LogSuppressed: 49999, LogDropped: 5, LogWriteErrors: 7,
	}}})
	_, body := get(t, m.Handler(), "/metrics")
	for _, want := range []string{
		`robotui_ib_messages_total{code="10182"} 50000`,
		`robotui_ib_messages_total{code="2104"} 1`,
		`robotui_rejected_total{reason="non_finite"} 3`,
		`robotui_rejected_total{reason="future"} 2`,
		`robotui_log_lines_lost_total{reason="suppressed"} 49999`,
		`robotui_log_lines_lost_total{reason="dropped"} 5`,
		`robotui_log_write_errors_total 7`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
