package metrics

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/robotui/robotui/conn/fanout"
)

var (
	foClients   = prometheus.NewDesc("robotui_fanout_clients", "Programs connected to the TWS API fan-out.", nil, nil)
	foClientMsg = prometheus.NewDesc("robotui_fanout_client_messages_total", "Messages exchanged with each fan-out client, by direction.", []string{"client_id", "library", "direction"}, nil)
	foClientSub = prometheus.NewDesc("robotui_fanout_client_subscriptions", "Open requests and subscriptions of each fan-out client.", []string{"client_id", "library"}, nil)
	foLines     = prometheus.NewDesc("robotui_fanout_market_data_lines", "Market-data lines the fan-out's clients hold upstream (a shared line counts once).", nil, nil)
	foLimit     = prometheus.NewDesc("robotui_fanout_market_data_limit", "The fan-out's market-data budget for all clients together.", nil, nil)
	foUpstream  = prometheus.NewDesc("robotui_fanout_upstream_subscriptions", "Subscriptions the session carries for the fan-out's clients.", nil, nil)
	foConnects  = prometheus.NewDesc("robotui_fanout_connections_total", "Connections the fan-out accepted.", nil, nil)
	foDropped   = prometheus.NewDesc("robotui_fanout_dropped_total", "Fan-out clients dropped for a fault of theirs (garbage, flood, stall).", nil, nil)
	foRefused   = prometheus.NewDesc("robotui_fanout_refused_writes_total", "Writes (PLACE_ORDER, CANCEL_ORDER, ...) the fan-out answered 321.", nil, nil)
	foPaced     = prometheus.NewDesc("robotui_fanout_paced_total", "Requests the fan-out answered with a pacing or budget code (100, 101, 162).", nil, nil)
)

// fanoutCollector reads the fan-out at scrape time.
type fanoutCollector struct{ stats func() (fanout.Stats, bool) }

func (c fanoutCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{foClients, foClientMsg, foClientSub, foLines, foLimit, foUpstream, foConnects, foDropped, foRefused, foPaced} {
		ch <- d
	}
}

func (c fanoutCollector) Collect(ch chan<- prometheus.Metric) {
	st, ok := c.stats()
	if !ok {
		return
	}
	ch <- prometheus.MustNewConstMetric(foClients, prometheus.GaugeValue, float64(len(st.Clients)))
	for _, cl := range st.Clients {
		id := strconv.Itoa(cl.ClientID)
		ch <- prometheus.MustNewConstMetric(foClientMsg, prometheus.CounterValue, float64(cl.MsgsIn), id, cl.Library, "in")
		ch <- prometheus.MustNewConstMetric(foClientMsg, prometheus.CounterValue, float64(cl.MsgsOut), id, cl.Library, "out")
		ch <- prometheus.MustNewConstMetric(foClientSub, prometheus.GaugeValue, float64(cl.Subscriptions), id, cl.Library)
	}
	ch <- prometheus.MustNewConstMetric(foLines, prometheus.GaugeValue, float64(st.MarketDataLines))
	ch <- prometheus.MustNewConstMetric(foLimit, prometheus.GaugeValue, float64(st.MarketDataLimit))
	ch <- prometheus.MustNewConstMetric(foUpstream, prometheus.GaugeValue, float64(st.UpstreamSubs))
	ch <- prometheus.MustNewConstMetric(foConnects, prometheus.CounterValue, float64(st.Connected))
	ch <- prometheus.MustNewConstMetric(foDropped, prometheus.CounterValue, float64(st.Dropped))
	ch <- prometheus.MustNewConstMetric(foRefused, prometheus.CounterValue, float64(st.Refused))
	ch <- prometheus.MustNewConstMetric(foPaced, prometheus.CounterValue, float64(st.Pacing))
}

// WatchFanout adds the TWS API fan-out's clients and shared budget to the metrics.
func (m *Metrics) WatchFanout(stats func() (fanout.Stats, bool)) {
	m.reg.MustRegister(fanoutCollector{stats})
}
