package journal_test

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/journal"
)

// firstSignal hands over the first signal record.
type firstSignal chan struct{}

func (s firstSignal) Enabled(context.Context, slog.Level) bool { return true }
func (s firstSignal) WithAttrs([]slog.Attr) slog.Handler       { return s }
func (s firstSignal) WithGroup(string) slog.Handler            { return s }
func (s firstSignal) Handle(_ context.Context, r slog.Record) error {
	if r.Message == engine.EventSignal {
		select {
		case s <- struct{}{}:
		default:
		}
	}
	return nil
}

// backfill runs an engine on one symbol until its first backfill is in and
// returns its closed bars and the bars the simulator sent it.
func backfill(t *testing.T, sim *ibsim.Server, clock *ibsim.ManualClock, j engine.Journal) ([]engine.Bar, int) {
	t.Helper()
	sig := make(firstSignal, 1)
	eng, err := engine.New(engine.Options{
		Session: conn.Config{Addr: sim.Addr(), ClientID: 1, Keepalive: conn.KeepaliveConfig{Interval: time.Second, Timeout: time.Second, MaxMisses: 2}},
		Symbols: []string{"AAPL"}, ScanInterval: -1, Journal: j, Log: slog.New(sig), Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	eng.Start()
	defer eng.Close()
	select {
	case <-sig:
	case <-time.After(30 * time.Second):
		t.Fatal("no backfill within 30s")
	}
	bars, _ := eng.ClosedBars("AAPL")
	sent := -1
	for _, c := range sim.State().Clients {
		if c.State == "ready" {
			sent = c.BarsSent
		}
	}
	return bars, sent
}

func sameBars(t *testing.T, what string, got, want []engine.Bar) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d bars, cold %d", what, len(got), len(want))
	}
	for i := range got {
		if !got[i].Time.Equal(want[i].Time) || got[i].Open != want[i].Open || got[i].High != want[i].High ||
			got[i].Low != want[i].Low || got[i].Close != want[i].Close || got[i].Volume != want[i].Volume {
			t.Fatalf("%s: bar %d = %+v, cold %+v", what, i, got[i], want[i])
		}
	}
}

// TestWarmStartAsksForLess: a start after a run that stored its bars asks
// only for the span since the newest one and ends with the series a cold
// backfill gives, bar for bar; a hole in the stored bars is filled.
func TestWarmStartAsksForLess(t *testing.T) {
	clock := ibsim.NewManualClock(time.Date(2025, 3, 4, 15, 2, 30, 0, time.UTC)) // Tuesday, 10:02 in New York
	sim, err := ibsim.Start(ibsim.Config{Addr: "127.0.0.1:0", Seed: 7, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	path := filepath.Join(t.TempDir(), "journal.db")
	open := func() *journal.Journal {
		j, err := journal.Open(journal.Options{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		return j
	}

	j := open()
	first, firstSent := backfill(t, sim, clock, j) // cold: the journal is empty
	j.Close()
	if len(first) == 0 || firstSent < len(first) {
		t.Fatalf("first run: %d bars, %d sent", len(first), firstSent)
	}

	clock.Advance(2 * time.Hour) // 12:02: two hours of new bars
	j = open()
	warm, warmSent := backfill(t, sim, clock, j)
	j.Close()
	cold, coldSent := backfill(t, sim, clock, nil)
	sameBars(t, "warm", warm, cold)
	if warmSent*3 > coldSent {
		t.Errorf("warm start was sent %d bars, cold %d: want far fewer", warmSent, coldSent)
	}
	t.Logf("bars: %d; sent: warm %d, cold %d", len(cold), warmSent, coldSent)

	// A hole: three of Tuesday morning's stored bars go missing.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	tue := time.Date(2025, 3, 4, 14, 35, 0, 0, time.UTC).Unix() // 9:35 in New York
	res, err := db.Exec(`DELETE FROM bars WHERE t >= ? AND t < ?`, tue, tue+15*60)
	db.Close()
	if n, _ := res.RowsAffected(); err != nil || n != 3 {
		t.Fatalf("delete: %d rows, %v", n, err)
	}
	j = open()
	holed, holedSent := backfill(t, sim, clock, j)
	j.Close()
	sameBars(t, "warm over a hole", holed, cold)
	t.Logf("over a hole: sent %d", holedSent)
	if holedSent <= warmSent || holedSent >= coldSent {
		t.Errorf("over a hole: sent %d, want between warm %d and cold %d", holedSent, warmSent, coldSent)
	}

	// A gateway whose clock is behind the stored bars (a simulator started
	// earlier): the stored bars it has not reached are not kept.
	early := ibsim.NewManualClock(time.Date(2025, 3, 4, 16, 2, 30, 0, time.UTC)) // 11:02 in New York
	sim2, err := ibsim.Start(ibsim.Config{Addr: "127.0.0.1:0", Seed: 7, Clock: early})
	if err != nil {
		t.Fatal(err)
	}
	defer sim2.Close()
	j = open()
	behind, _ := backfill(t, sim2, early, j)
	j.Close()
	cold2, _ := backfill(t, sim2, early, nil)
	sameBars(t, "warm behind the stored bars", behind, cold2)
}
