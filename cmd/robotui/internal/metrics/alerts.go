package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/robotui/robotui/engine/alert"
)

var (
	sinkFailingDesc = prometheus.NewDesc("robotui_alert_sink_failing", "1 while the alert sink's last attempt failed.", []string{"sink"}, nil)
	sinkSentDesc    = prometheus.NewDesc("robotui_alert_sink_sent_total", "Alert messages the sink delivered.", []string{"sink"}, nil)
	sinkFailedDesc  = prometheus.NewDesc("robotui_alert_sink_failures_total", "Failed delivery attempts of the sink.", []string{"sink"}, nil)
	sinkDroppedDesc = prometheus.NewDesc("robotui_alert_sink_dropped_total", "Alert messages the sink gave up or pushed out of its queue.", []string{"sink"}, nil)
	alertsFiring    = prometheus.NewDesc("robotui_alerts_firing", "Alerts firing now.", nil, nil)
)

// alertCollector reads the alert manager at scrape time.
type alertCollector struct{ m *alert.Manager }

func (c alertCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{sinkFailingDesc, sinkSentDesc, sinkFailedDesc, sinkDroppedDesc, alertsFiring} {
		ch <- d
	}
}

func (c alertCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.m.Sinks() {
		failing := 0.0
		if s.Failing {
			failing = 1
		}
		ch <- prometheus.MustNewConstMetric(sinkFailingDesc, prometheus.GaugeValue, failing, s.Name)
		ch <- prometheus.MustNewConstMetric(sinkSentDesc, prometheus.CounterValue, float64(s.Sent), s.Name)
		ch <- prometheus.MustNewConstMetric(sinkFailedDesc, prometheus.CounterValue, float64(s.Failed), s.Name)
		ch <- prometheus.MustNewConstMetric(sinkDroppedDesc, prometheus.CounterValue, float64(s.Dropped), s.Name)
	}
	ch <- prometheus.MustNewConstMetric(alertsFiring, prometheus.GaugeValue, float64(len(c.m.Firing())))
}

// WatchAlerts adds the alert manager's sinks and firing count to the metrics.
func (m *Metrics) WatchAlerts(a *alert.Manager) { m.reg.MustRegister(alertCollector{a}) }
