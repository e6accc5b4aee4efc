package metrics

import (
	"net/http"
	"strings"
	"testing"

	"github.com/robotui/robotui/engine"
)

func TestJournalMetrics(t *testing.T) {
	m := New()
	src := &fakeSource{snap: engine.Snapshot{Journal: engine.JournalStatus{On: true, Paused: true, Written: 12, Dropped: 3}}}
	m.SetSource(src)
	code, body := get(t, m.Handler(), "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{`robotui_journal_records_total{result="written"} 12`, `robotui_journal_records_total{result="dropped"} 3`, `robotui_journal_paused 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	src.snap.Journal = engine.JournalStatus{} // --no-journal: nothing said
	if _, body := get(t, m.Handler(), "/metrics"); strings.Contains(body, "robotui_journal_") {
		t.Errorf("journal metrics without a journal")
	}
}
