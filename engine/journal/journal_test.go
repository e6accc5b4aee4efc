package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/robotui/robotui/engine"
)

func open(t *testing.T, path string) *Journal {
	t.Helper()
	j, err := Open(Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func rec(at time.Time, name string, attrs ...slog.Attr) slog.Record {
	r := slog.NewRecord(at, slog.LevelInfo, name, 0)
	r.AddAttrs(attrs...)
	return r
}

func state(at time.Time, st, cause, reason string, expected bool) slog.Record {
	attrs := []slog.Attr{slog.String("state", st), slog.String("cause", cause), slog.String("reason", reason)}
	if expected {
		attrs = append(attrs, slog.Bool("expected", true))
	}
	return rec(at, "conn.state", attrs...)
}

func count(t *testing.T, path, q string) int {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRecordsEventsBarsAndKeepalive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j := open(t, path)
	t0 := time.Now().Add(-10 * time.Minute).Truncate(time.Minute)
	j.Event(state(t0, "ready", "handshake_done", "handshake done", false))
	j.Event(rec(t0, "account", slog.String("account", "DU1"), slog.Float64("net_liquidation", 1e5))) // an event the journal has no code for
	for i := range 10 {
		j.Event(rec(t0.Add(time.Duration(i)*time.Second), "keepalive", slog.Float64("rtt_ms", float64(i+1)), slog.Bool("ok", true), slog.Int("misses", 0)))
	}
	j.Event(rec(t0.Add(11*time.Second), "keepalive", slog.Any("rtt_ms", nil), slog.Bool("ok", false), slog.Int("misses", 1)))
	key := engine.SeriesKey{Symbol: "AAPL", BarSize: "5 mins", WhatToShow: "TRADES", UseRTH: true}
	bars := []engine.Bar{{Time: t0, Open: 1, High: 2, Low: 0.5, Close: 1.5, Volume: 10}, {Time: t0.Add(5 * time.Minute), Open: 1.5, High: 2, Low: 1, Close: 1.8, Volume: 20}}
	j.Bars(key, bars)
	j.Bars(key, []engine.Bar{{Time: t0.Add(5 * time.Minute), Open: 1.5, High: 2.5, Low: 1, Close: 1.9, Volume: 25}}) // a revision replaces
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if n := count(t, path, `SELECT count(*) FROM events WHERE name = 'account' AND json_extract(attrs, '$.account') = 'DU1'`); n != 1 {
		t.Errorf("account events = %d, want 1", n)
	}
	r0, err := OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r0.Report(context.Background(), t0.Add(-time.Hour), time.Now())
	r0.Close()
	if err != nil || len(rep.AccountsDaily) != 1 || rep.AccountsDaily[0].Fields["net_liquidation"] != 1e5 {
		t.Errorf("accounts daily = %+v, %v", rep.AccountsDaily, err)
	}
	if n := count(t, path, `SELECT count(*) FROM events WHERE name = 'keepalive'`); n != 0 {
		t.Errorf("keepalive events stored one by one: %d", n)
	}
	if n := count(t, path, `SELECT count FROM keepalive`); n != 11 {
		t.Errorf("keepalive count = %d, want 11", n)
	}
	if n := count(t, path, `SELECT misses FROM keepalive`); n != 1 {
		t.Errorf("keepalive misses = %d, want 1", n)
	}
	if n := count(t, path, `SELECT CAST(max_ms AS INTEGER) * 100 + CAST(p50_ms AS INTEGER) FROM keepalive`); n != 1005 {
		t.Errorf("max*100+p50 = %d, want 1005 (max 10, p50 5)", n)
	}
	r, err := OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := r.Bars(key, t0, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].Close != 1.9 || got[1].Volume != 25 || !got[0].Time.Equal(t0) {
		t.Errorf("bars = %+v", got)
	}
}

func TestSecondWriterIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	open(t, path)
	_, err := Open(Options{Path: path})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("error does not name the holder: %v", err)
	}
	// A reader is welcome while the writer runs.
	r, err := OpenReader(path)
	if err != nil {
		t.Fatalf("reader beside the writer: %v", err)
	}
	r.Close()
}

func TestCorruptFileIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("this is no database ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	j := open(t, path)
	var said []string
	j.SetNotify(func(level slog.Level, name, text string, attrs ...slog.Attr) { said = append(said, name) })
	if len(said) != 1 || said[0] != EventCorrupt {
		t.Fatalf("events said = %v, want [%s]", said, EventCorrupt)
	}
	moved, _ := filepath.Glob(path + ".corrupt-*")
	if len(moved) != 1 {
		t.Fatalf("moved aside: %v", moved)
	}
	j.Event(rec(time.Now(), "alert", slog.String("alert", "x")))
	j.Close()
	if n := count(t, path, `SELECT count(*) FROM events`); n != 1 {
		t.Errorf("fresh journal events = %d, want 1", n)
	}
}

func TestReadOnlyDirectoryPausesAndResumes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.db")
	j := open(t, path)
	paused := make(chan string, 4)
	resumed := make(chan struct{}, 4)
	j.SetNotify(func(level slog.Level, name, text string, attrs ...slog.Attr) {
		switch name {
		case EventPaused:
			paused <- text
		case EventResumed:
			resumed <- struct{}{}
		}
	})
	// The writer's connection fails every write as a full disk would: query_only.
	if _, err := j.db.Exec(`PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	j.Event(rec(time.Now(), "alert"))
	select {
	case <-paused:
	case <-time.After(10 * time.Second):
		t.Fatal("no journal.paused event")
	}
	if st := j.Status(); !st.Paused || st.Error == "" || st.Dropped == 0 {
		t.Errorf("status while paused = %+v", st)
	}
	j.Event(rec(time.Now(), "alert")) // Event never blocks while paused
	if _, err := j.db.Exec(`PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	j.Event(rec(time.Now(), "alert"))
	select {
	case <-resumed:
	case <-time.After(10 * time.Second):
		t.Fatal("no journal.resumed event")
	}
	if st := j.Status(); st.Paused {
		t.Errorf("still paused: %+v", st)
	}
}

func TestOpenInReadOnlyDirectoryFails(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only directories")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o500)
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	if _, err := Open(Options{Path: filepath.Join(dir, "journal.db")}); err == nil {
		t.Fatal("Open in a read-only directory succeeded")
	}
}

func TestQueueFullDropsNeverBlocks(t *testing.T) {
	j := &Journal{q: make(chan item, 2)}
	for range 10 {
		j.Event(rec(time.Now(), "alert"))
	}
	if d := j.dropped.Load(); d != 8 {
		t.Errorf("dropped = %d, want 8", d)
	}
}

func TestRetentionDeletesOldRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(Options{Path: path, Retention: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	old, recent := time.Now().Add(-2*time.Hour), time.Now()
	for range 3 {
		j.Event(rec(old, "alert"))
	}
	j.Event(rec(recent, "alert"))
	j.Bars(engine.SeriesKey{Symbol: "A"}, []engine.Bar{{Time: old}, {Time: recent}})
	j.maintainSync()
	if n := count(t, path, `SELECT count(*) FROM events`); n != 1 {
		t.Errorf("events after retention = %d, want 1", n)
	}
	if n := count(t, path, `SELECT count(*) FROM bars`); n != 1 {
		t.Errorf("bars after retention = %d, want 1", n)
	}
}

func TestSizeCapDropsTheOldest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(Options{Path: path, MaxSize: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	start := time.Now().Add(-24 * time.Hour)
	pad := strings.Repeat("x", 200)
	for i := range 5000 { // about 1.2 MB of events over a day
		j.Event(rec(start.Add(time.Duration(i)*17*time.Second), "alert", slog.String("pad", pad)))
		if i%1000 == 999 {
			j.maintainSyncFlushOnly()
		}
	}
	j.maintainSync()
	size, err := j.sizeSync()
	if err != nil {
		t.Fatal(err)
	}
	if size > 256<<10 {
		t.Errorf("size after the cap = %d, want <= %d", size, 256<<10)
	}
	if n := count(t, path, `SELECT count(*) FROM events`); n == 0 || n == 5000 {
		t.Errorf("events after the cap = %d: want the newest kept, the oldest gone", n)
	}
	newest := count(t, path, `SELECT max(ts) / 1000 FROM events`)
	if want := int(start.Add(4999 * 17 * time.Second).Unix()); newest != want {
		t.Errorf("newest kept = %d, want %d", newest, want)
	}
}

// TestSIGKILLDuringHeavyWriting kills a child that writes as fast as it
// can, then opens what it left: it opens, passes integrity_check, and lacks
// at most the last second.
func TestSIGKILLDuringHeavyWriting(t *testing.T) {
	if p := os.Getenv("JOURNAL_KILL_CHILD"); p != "" {
		killChild(p)
		return
	}
	path := filepath.Join(t.TempDir(), "journal.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestSIGKILLDuringHeavyWriting$", "-test.count=1")
	cmd.Env = append(os.Environ(), "JOURNAL_KILL_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// The child says "writing" once it has written for a while.
	ready := make(chan error, 1)
	go func() {
		buf := make([]byte, 64)
		var got []byte
		for !strings.Contains(string(got), "writing") {
			n, err := out.Read(buf)
			if err != nil {
				ready <- err
				return
			}
			got = append(got, buf[:n]...)
		}
		ready <- nil
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("child: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("child never started writing")
	}
	killed := time.Now()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	j, err := Open(Options{Path: path})
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	var check string
	if err := j.db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	var newest, n int64
	if err := j.db.QueryRow(`SELECT max(ts), count(*) FROM events`).Scan(&newest, &n); err != nil {
		t.Fatal(err)
	}
	j.Close()
	if lost := killed.Sub(time.UnixMilli(newest)); lost > time.Second {
		t.Errorf("the newest stored event is %s before the kill (of %d stored), want at most 1s", lost, n)
	}
	if n < 1000 {
		t.Errorf("only %d events stored: the child did not write heavily", n)
	}
}

// killChild writes events as fast as the queue takes them, forever.
func killChild(path string) {
	j, err := Open(Options{Path: path})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	start := time.Now()
	said := false
	for i := 0; ; i++ {
		j.Event(rec(time.Now(), "signal", slog.String("symbol", "SYM"+strconv.Itoa(i%100)), slog.Int("seq", i)))
		if i%100 == 0 {
			j.Bars(engine.SeriesKey{Symbol: "SYM", BarSize: "1 min", WhatToShow: "TRADES"}, []engine.Bar{{Time: time.Unix(int64(i), 0), Close: float64(i)}})
		}
		if i%4 == 0 {
			// About 2,000 events a second, far beyond a session's: what the writer keeps up with even under -race, so that "missing" measures the crash, not a backlog.
			time.Sleep(time.Millisecond)
		}
		if !said && time.Since(start) > 1500*time.Millisecond && j.written.Load() > 1000 {
			fmt.Println("writing")
			said = true
		}
	}
}
