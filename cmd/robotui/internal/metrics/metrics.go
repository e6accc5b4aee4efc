// Package metrics serves robotui's Prometheus metrics and its /healthz and
// /readyz endpoints. It reads the engine's latest snapshot at scrape time and counts
// keepalive round trips as they happen; it never touches the gateway.
package metrics

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
)

// Source is what the metrics read: the engine.
type Source interface {
	Latest() engine.Snapshot
}

// Metrics is a registry with robotui's collectors.
type Metrics struct {
	reg    *prometheus.Registry
	rtt    prometheus.Histogram
	misses prometheus.Counter
	src    atomic.Pointer[Source]

	readyThreshold atomic.Int64 // [health] gateway_zombies; 0 until set (counts as 1)
}

// New returns metrics with no source yet; SetSource before serving.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		rtt: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "robotui_keepalive_rtt_seconds",
			Help:    "Round trip of answered keepalive pings (REQ_CURRENT_TIME).",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2},
		}),
		misses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "robotui_keepalive_misses_total",
			Help: "Keepalive pings not answered within the timeout.",
		}),
	}
	m.reg.MustRegister(m.rtt, m.misses, snapshotCollector{m}, journalCollector{m},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// SetSource sets the engine the metrics read.
func (m *Metrics) SetSource(s Source) { m.src.Store(&s) }

// Observe is a conn.Config Observer: it records keepalive outcomes.
func (m *Metrics) Observe(ev conn.Event) {
	if p, ok := ev.(conn.PingResult); ok {
		if p.Sample.OK {
			m.rtt.Observe(p.Sample.RTT.Seconds())
		} else {
			m.misses.Inc()
		}
	}
}

// Handler serves /metrics, /healthz and /readyz.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", m.healthz)
	mux.HandleFunc("GET /readyz", m.readyz)
	return mux
}

// health is the /healthz body.
type health struct {
	Status        string     `json:"status"` // "ok" or "unavailable"
	State         string     `json:"state"`
	Since         time.Time  `json:"since"`
	Reason        string     `json:"reason,omitempty"`
	Cause         conn.Cause `json:"cause,omitempty"`
	Error         string     `json:"error,omitempty"`
	Addr          string     `json:"addr"`
	ClientID      int        `json:"client_id"`
	ServerVersion int        `json:"server_version,omitempty"`
}

func (m *Metrics) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	p := m.src.Load()
	if p == nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(health{Status: "unavailable", State: "starting"})
		return
	}
	src := *p
	c := src.Latest().Conn
	h := health{Status: "ok", State: c.State.String(), Since: c.Since, Reason: c.Cause.Phrase(), Cause: c.Cause, Error: c.Error,
		Addr: c.Addr, ClientID: c.ClientID, ServerVersion: c.ServerVersion}
	// Status and body come from one snapshot, so they never contradict each other.
	if c.State != conn.Ready {
		h.Status = "unavailable"
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(h)
}

// snapshotCollector turns the latest snapshot into gauges at scrape time.
type snapshotCollector struct{ m *Metrics }

var (
	descState     = prometheus.NewDesc("robotui_session_state", "1 for the session's current state.", []string{"state"}, nil)
	descReconn    = prometheus.NewDesc("robotui_reconnects_total", "Connections lost or failed, by cause.", []string{"cause"}, nil)
	descSockets   = prometheus.NewDesc("robotui_gateway_sockets", "Sockets on the gateway port by TCP state.", []string{"state"}, nil)
	descZombies   = prometheus.NewDesc("robotui_zombies", "CLOSE_WAIT sockets on the gateway port, by side.", []string{"side"}, nil)
	descListening = prometheus.NewDesc("robotui_gateway_listening", "1 when something listens on the gateway port.", nil, nil)
	descLeaks     = prometheus.NewDesc("robotui_own_socket_leaks", "Sockets of robotui on the gateway port that the session does not hold.", nil, nil)
	descSignal    = prometheus.NewDesc("robotui_signal", "Latest signal per symbol: 1 BUY, -1 SELL, 0 HOLD.", []string{"symbol"}, nil)
	// A new metric, not a strategy label on robotui_signal: that would give a symbol one
	// series per strategy and change the series of today's queries.
	descStrategy = prometheus.NewDesc("robotui_strategy_signal", "Latest signal per symbol and strategy (sma, ema, rsi, macd, bollinger, donchian): 1 BUY, -1 SELL, 0 HOLD.", []string{"symbol", "strategy"}, nil)
	descBars     = prometheus.NewDesc("robotui_symbol_bars", "Closed bars held per symbol.", []string{"symbol"}, nil)
	descLast     = prometheus.NewDesc("robotui_symbol_last", "Last price per symbol.", []string{"symbol"}, nil)
	descTraffic  = prometheus.NewDesc("robotui_gateway_messages_total", "Messages exchanged with the gateway.", []string{"direction"}, nil)
	descFarm     = prometheus.NewDesc("robotui_farm_state", "1 for each data farm's current state (ok, broken, inactive, connecting).", []string{"farm", "kind", "state"}, nil)
	descSilent   = prometheus.NewDesc("robotui_symbol_silent", "1 while a symbol's live data is silent (no update for data.silent_after while the market is open).", []string{"symbol"}, nil)
	descIBCodes  = prometheus.NewDesc("robotui_ib_messages_total", "Error and notice messages from the gateway by code, every one (the log coalesces repeats).", []string{"code"}, nil)
	descRejected = prometheus.NewDesc("robotui_rejected_total", "Gateway data rejected: non_finite (NaN or infinite values), future (bars dated past the gateway's clock).", []string{"reason"}, nil)
	descLogLines = prometheus.NewDesc("robotui_log_lines_lost_total", "Event lines not written: suppressed (flood guard: repeats, state-line rate), dropped (the sink was too slow).", []string{"reason"}, nil)
	descLogErrs  = prometheus.NewDesc("robotui_log_write_errors_total", "Event lines the log sink failed to write.", nil, nil)
)

var farmStates = []conn.FarmState{conn.FarmOK, conn.FarmBroken, conn.FarmInactive, conn.FarmConnecting}

func (c snapshotCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descState, descReconn, descSockets, descZombies, descListening, descLeaks, descSignal, descStrategy, descBars, descLast, descTraffic,
		descIBCodes, descRejected, descLogLines, descLogErrs, descFarm, descSilent} {
		ch <- d
	}
	for _, d := range accountDescs {
		ch <- d
	}
}

func (c snapshotCollector) Collect(ch chan<- prometheus.Metric) {
	p := c.m.src.Load()
	if p == nil {
		return
	}
	s := (*p).Latest()
	for _, st := range conn.States() {
		v := 0.0
		if st == s.Conn.State {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(descState, prometheus.GaugeValue, v, st.String())
	}
	for cause, n := range s.Conn.ByCause {
		ch <- prometheus.MustNewConstMetric(descReconn, prometheus.CounterValue, float64(n), cause.String())
	}
	ch <- prometheus.MustNewConstMetric(descTraffic, prometheus.CounterValue, float64(s.Conn.MsgsIn), "in")
	ch <- prometheus.MustNewConstMetric(descTraffic, prometheus.CounterValue, float64(s.Conn.MsgsOut), "out")
	for state, n := range s.Sockets.Counts {
		ch <- prometheus.MustNewConstMetric(descSockets, prometheus.GaugeValue, float64(n), state)
	}
	sides := map[string]int{"client": 0, "gateway": 0}
	for _, z := range s.Sockets.Zombies {
		sides[z.Side]++
	}
	for side, n := range sides {
		ch <- prometheus.MustNewConstMetric(descZombies, prometheus.GaugeValue, float64(n), side)
	}
	listening := 0.0
	if s.Sockets.Listening {
		listening = 1
	}
	ch <- prometheus.MustNewConstMetric(descListening, prometheus.GaugeValue, listening)
	ch <- prometheus.MustNewConstMetric(descLeaks, prometheus.GaugeValue, float64(s.Sockets.OwnLeaks))
	cnt := s.Counters
	for code, n := range cnt.GatewayMessages {
		ch <- prometheus.MustNewConstMetric(descIBCodes, prometheus.CounterValue, float64(n), strconv.Itoa(code))
	}
	ch <- prometheus.MustNewConstMetric(descRejected, prometheus.CounterValue, float64(cnt.NonFinite), "non_finite")
	ch <- prometheus.MustNewConstMetric(descRejected, prometheus.CounterValue, float64(cnt.FutureBars), "future")
	ch <- prometheus.MustNewConstMetric(descLogLines, prometheus.CounterValue, float64(cnt.LogSuppressed), "suppressed")
	ch <- prometheus.MustNewConstMetric(descLogLines, prometheus.CounterValue, float64(cnt.LogDropped), "dropped")
	ch <- prometheus.MustNewConstMetric(descLogErrs, prometheus.CounterValue, float64(cnt.LogWriteErrors))
	for _, row := range s.Symbols {
		ch <- prometheus.MustNewConstMetric(descSignal, prometheus.GaugeValue, signalValue(row.Signal), row.Symbol)
		for _, st := range row.Strategies {
			ch <- prometheus.MustNewConstMetric(descStrategy, prometheus.GaugeValue, signalValue(st.Signal), row.Symbol, st.Strategy)
		}
		ch <- prometheus.MustNewConstMetric(descBars, prometheus.GaugeValue, float64(row.Bars), row.Symbol)
		ch <- prometheus.MustNewConstMetric(descLast, prometheus.GaugeValue, row.Last, row.Symbol)
		silent := 0.0
		if row.Status == engine.StatusSilent {
			silent = 1
		}
		ch <- prometheus.MustNewConstMetric(descSilent, prometheus.GaugeValue, silent, row.Symbol)
	}
	collectAccounts(s, ch)
	for _, f := range s.Farms {
		for _, st := range farmStates {
			v := 0.0
			if st == f.State {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(descFarm, prometheus.GaugeValue, v, f.Name, f.Kind.String(), st.String())
		}
	}
}

func signalValue(s string) float64 {
	switch s {
	case "BUY":
		return 1
	case "SELL":
		return -1
	}
	return 0
}
