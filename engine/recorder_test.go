package engine

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
)

// memJournal keeps what the engine hands a journal.
type memJournal struct {
	mu     sync.Mutex
	events []slog.Record
}

func (j *memJournal) Event(r slog.Record) {
	j.mu.Lock()
	j.events = append(j.events, r)
	j.mu.Unlock()
}
func (j *memJournal) Bars(SeriesKey, []Bar)                        {}
func (j *memJournal) LoadBars(SeriesKey, time.Time) ([]Bar, error) { return nil, nil }
func (j *memJournal) History(time.Time) (History, error)           { return History{}, nil }
func (j *memJournal) Status() JournalStatus                        { return JournalStatus{On: true} }

func (j *memJournal) count(name string) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := 0
	for _, r := range j.events {
		if r.Message == name {
			n++
		}
	}
	return n
}

// TestJournalGetsEveryStateChange: the flood guard keeps a flapping
// session's lines off the log, never out of the journal; debug-level pings
// reach it whatever the log level.
func TestJournalGetsEveryStateChange(t *testing.T) {
	j := &memJournal{}
	logged := countHandler{}
	e, err := New(Options{Session: conn.Config{Addr: "127.0.0.1:1"}, Symbols: []string{"AAPL"}, Journal: j, Log: slog.New(logged), ScanInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	const n = 60
	for i := range n {
		st := conn.Backoff
		if i%2 == 1 {
			st = conn.Connecting
		}
		e.observe(conn.StateChange{At: time.Now(), State: st, Prev: conn.Ready, Cause: conn.CauseDialRefused})
	}
	e.observe(conn.PingResult{Sample: conn.PingSample{At: time.Now(), RTT: time.Millisecond, OK: true}})
	if got := j.count(EventConnState); got != n {
		t.Errorf("journal got %d conn.state records, want %d", got, n)
	}
	if e.counts.suppressed.Load() == 0 {
		t.Errorf("the flood guard suppressed nothing: the test shows nothing")
	}
	if got := j.count(EventKeepalive); got != 1 {
		t.Errorf("journal got %d keepalive records, want 1", got)
	}
	if s := e.Latest(); !s.Journal.On {
		t.Errorf("snapshot journal status = %+v", s.Journal)
	}
}

type countHandler struct{}

func (countHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }
func (countHandler) Handle(context.Context, slog.Record) error    { return nil }
func (h countHandler) WithAttrs([]slog.Attr) slog.Handler         { return h }
func (h countHandler) WithGroup(string) slog.Handler              { return h }
