package metrics

import "github.com/prometheus/client_golang/prometheus"

var (
	descJournalRecords = prometheus.NewDesc("robotui_journal_records_total", "Journal records written, and dropped (queue full or journal paused).", []string{"result"}, nil)
	descJournalPaused  = prometheus.NewDesc("robotui_journal_paused", "1 while the journal's writes fail (disk full, read-only) and records are dropped.", nil, nil)
)

// journalCollector reports the journal's health from the snapshot; nothing without a journal.
type journalCollector struct{ m *Metrics }

func (c journalCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descJournalRecords
	ch <- descJournalPaused
}

func (c journalCollector) Collect(ch chan<- prometheus.Metric) {
	p := c.m.src.Load()
	if p == nil {
		return
	}
	j := (*p).Latest().Journal
	if !j.On {
		return
	}
	paused := 0.0
	if j.Paused {
		paused = 1
	}
	ch <- prometheus.MustNewConstMetric(descJournalRecords, prometheus.CounterValue, float64(j.Written), "written")
	ch <- prometheus.MustNewConstMetric(descJournalRecords, prometheus.CounterValue, float64(j.Dropped), "dropped")
	ch <- prometheus.MustNewConstMetric(descJournalPaused, prometheus.GaugeValue, paused)
}
