package ui

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/robotui/robotui/engine"
)

// histBackend is the fake with a journal behind it.
type histBackend struct {
	*fakeBackend
	calls atomic.Int32
	h     engine.History
}

func (b *histBackend) History(since time.Time) (engine.History, error) {
	if b.inUpdate.Load() {
		b.t.Error("History called inside Update: it reads the disk")
	}
	b.calls.Add(1)
	return b.h, nil
}

func sampleHistory() engine.History {
	to := baseAt
	from := to.Add(-24 * time.Hour)
	h := engine.History{From: from, To: to, UptimePct: 99.5, UptimeAllPct: 98.25}
	for i := range 25 {
		p := 100.0
		switch i {
		case 0, 1:
			p = -1 // not running
		case 20:
			p = 50
		}
		h.Hourly = append(h.Hourly, p)
	}
	start := from.Truncate(time.Hour).Add(20 * time.Hour)
	h.Outages = []engine.Outage{{Start: start, Seconds: 1800, Cause: "eof", Reason: "gateway closed the connection"}}
	h.Incidents = []engine.Incident{
		{At: start, Kind: "conn.state", Text: "outage 30m0s: gateway closed the connection (eof)"},
		{At: start.Add(time.Hour), Kind: "alert", Text: "alert gateway_down resolved: back"},
	}
	return h
}

func TestHistoryViewOpensOffTheUIGoroutine(t *testing.T) {
	f := newFake(t)
	b := &histBackend{fakeBackend: f, h: sampleHistory()}
	m, err := New(b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ = step(t, f, m, tea.WindowSizeMsg{Width: 140, Height: 45})
	snap := buildSnapshot(5)
	snap.Journal = engine.JournalStatus{On: true, Path: "/tmp/journal.db"}
	m, _ = step(t, f, m, snapshotMsg{snap})
	m, cmd := press(t, f, m, "H")
	if m.mode != modeHistory || !strings.Contains(m.View(), "reading the journal") {
		t.Fatalf("H: mode %v\n%s", m.mode, m.View())
	}
	if b.calls.Load() != 0 {
		t.Fatal("History was read in Update")
	}
	m, _ = step(t, f, m, run(t, cmd))
	v := m.View()
	for _, want := range []string{"History: the last 24 h", "uptime 99.50%", "98.25%", "··████", "▄", "╳", "2 incidents, newest first", "gateway closed the connection (eof)", "alert gateway_down resolved"} {
		if !strings.Contains(v, want) {
			t.Errorf("history view lacks %q:\n%s", want, v)
		}
	}
	if strings.Index(v, "alert gateway_down") > strings.Index(v, "outage 30m0s") {
		t.Errorf("incidents not newest first:\n%s", v)
	}
	// Every line of the modal, blank ones too, ends at the same right border.
	border := -1
	for _, l := range strings.Split(ansi.Strip(v), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "┃") {
			continue
		}
		col := utf8.RuneCountInString(l[:strings.LastIndex(l, "┃")])
		if border < 0 {
			border = col
		} else if col != border {
			t.Errorf("a modal line ends at column %d, the first at %d: %q", col, border, l)
		}
	}
	if border < 0 {
		t.Error("no modal lines found")
	}
	m, _ = press(t, f, m, "esc")
	if m.mode != modeNormal {
		t.Errorf("esc: mode %v", m.mode)
	}
	// An answer for a view closed meanwhile is dropped.
	m, _ = step(t, f, m, historyMsg{seq: m.histSeq, hist: sampleHistory()})
	if m.mode != modeNormal {
		t.Errorf("a late answer reopened the view")
	}
}

func TestHistoryUnavailableWithoutJournal(t *testing.T) {
	f := newFake(t)
	b := &histBackend{fakeBackend: f}
	m, err := New(b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ = step(t, f, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m, _ = step(t, f, m, snapshotMsg{buildSnapshot(5)}) // Journal.On false
	m, cmd := press(t, f, m, "H")
	if m.mode != modeNormal || cmd != nil || !strings.Contains(m.status, "no journal") {
		t.Errorf("H without a journal: mode %v, status %q", m.mode, m.status)
	}
}

func TestHistoryShowsAPausedJournal(t *testing.T) {
	f := newFake(t)
	b := &histBackend{fakeBackend: f, h: sampleHistory()}
	m, _ := New(b, Options{})
	m, _ = step(t, f, m, tea.WindowSizeMsg{Width: 140, Height: 45})
	snap := buildSnapshot(5)
	snap.Journal = engine.JournalStatus{On: true, Paused: true, Error: "disk I/O error"}
	m, _ = step(t, f, m, snapshotMsg{snap})
	m, cmd := press(t, f, m, "H")
	m, _ = step(t, f, m, run(t, cmd))
	if v := m.View(); !strings.Contains(v, "journal paused: disk I/O error") {
		t.Errorf("no paused warning:\n%s", v)
	}
}

func TestUptimeStripAndTimeline(t *testing.T) {
	if got := uptimeStrip([]float64{-1, 0, 49, 100}); got != "·▁▄█" {
		t.Errorf("strip = %q", got)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h := engine.History{From: from, To: from.Add(4 * time.Hour), Hourly: []float64{-1, 100, 100, 100},
		Outages: []engine.Outage{{Start: from.Add(2 * time.Hour), Seconds: 3600}}}
	if got := timeline(h, 8); got != "  ━━╳╳━━" {
		t.Errorf("timeline = %q", got)
	}
}
