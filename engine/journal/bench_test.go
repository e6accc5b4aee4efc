package journal

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/robotui/robotui/engine"
)

// BenchmarkJournalWrite is the writer's throughput: b.N events handed over
// and stored (Close waits for the last batch). Queue big enough to drop none.
func BenchmarkJournalWrite(b *testing.B) {
	path := filepath.Join(b.TempDir(), "journal.db")
	j, err := Open(Options{Path: path, Queue: max(b.N, 1)})
	if err != nil {
		b.Fatal(err)
	}
	at := time.Now()
	b.ResetTimer()
	for i := range b.N {
		j.Event(rec(at, "signal", slog.String("symbol", "AAPL"), slog.String("signal", "BUY"), slog.Float64("price", 187.25), slog.Int("seq", i)))
	}
	j.Close()
	b.StopTimer()
	if d := j.dropped.Load(); d != 0 {
		b.Fatalf("%d dropped", d)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkJournalWriteBars: closed bars, 100 a call (a backfill's worth).
func BenchmarkJournalWriteBars(b *testing.B) {
	path := filepath.Join(b.TempDir(), "journal.db")
	j, err := Open(Options{Path: path, Queue: max(b.N, 1)})
	if err != nil {
		b.Fatal(err)
	}
	bars := make([]engine.Bar, 100)
	b.ResetTimer()
	for i := range b.N {
		for k := range bars {
			bars[k] = engine.Bar{Time: time.Unix(int64(i*100+k)*60, 0), Open: 1, High: 2, Low: 0.5, Close: 1.5, Volume: 100}
		}
		j.Bars(engine.SeriesKey{Symbol: "AAPL", BarSize: "1 min", WhatToShow: "TRADES"}, append([]engine.Bar(nil), bars...))
	}
	j.Close()
	b.StopTimer()
	b.ReportMetric(float64(b.N*len(bars))/b.Elapsed().Seconds(), "bars/s")
}

var monthDB struct {
	once sync.Once
	path string
	to   time.Time
	err  error
}

// month builds (once per process) 30 days of a session: one keepalive row
// a minute, 100 symbols of one-minute bars in regular hours, a signal per
// symbol every 5 minutes of regular hours, 10 outages a day, zombies.
func month(b *testing.B) (string, time.Time) {
	monthDB.once.Do(func() {
		dir, err := os.MkdirTemp("", "journal-bench")
		if err != nil {
			monthDB.err = err
			return
		}
		monthDB.path = filepath.Join(dir, "journal.db")
		to := time.Date(2026, 3, 31, 21, 0, 0, 0, time.UTC)
		from := to.AddDate(0, 0, -30)
		monthDB.to = to
		j, err := Open(Options{Path: monthDB.path, Now: func() time.Time { return from }})
		if err != nil {
			monthDB.err = err
			return
		}
		j.Close()
		db, err := sql.Open("sqlite", dsn(monthDB.path, false))
		if err != nil {
			monthDB.err = err
			return
		}
		defer db.Close()
		f, t := from.Unix(), to.Unix()
		stmts := []string{
			fmt.Sprintf(`UPDATE runs SET started = %d, last_seen = %d, ended = %d`, from.UnixMilli(), to.UnixMilli(), to.UnixMilli()),
			fmt.Sprintf(`WITH RECURSIVE m(t) AS (SELECT %d UNION ALL SELECT t + 60 FROM m WHERE t + 60 < %d)
				INSERT INTO keepalive SELECT t, 1, 30, (t / 60) %% 97 = 0, 0.2, 0.9, 1.4 FROM m`, f, t),
			`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 99)
				INSERT INTO series (symbol, bar_size, what_to_show, use_rth) SELECT 'SYM' || i, '1 min', 'TRADES', 1 FROM s`,
			// Regular hours only: 14:30-21:00 UTC on weekdays.
			fmt.Sprintf(`WITH RECURSIVE m(t) AS (SELECT %d UNION ALL SELECT t + 60 FROM m WHERE t + 60 < %d)
				INSERT INTO bars SELECT s.id, m.t, 100, 101, 99, 100.5, 1000 FROM series s, m
				WHERE (m.t %% 86400) BETWEEN 52200 AND 75540 AND strftime('%%w', m.t, 'unixepoch') NOT IN ('0', '6')`, f, t),
			fmt.Sprintf(`WITH RECURSIVE m(t) AS (SELECT %d UNION ALL SELECT t + 300 FROM m WHERE t + 300 < %d)
				INSERT INTO events (run, ts, name, level, subject, attrs) SELECT 1, m.t * 1000 + s.id, 'signal', 0, s.symbol,
				json_object('symbol', s.symbol, 'signal', 'HOLD', 'price', 100.5, 'strategy', 'sma') FROM series s, m
				WHERE (m.t %% 86400) BETWEEN 52200 AND 75540 AND strftime('%%w', m.t, 'unixepoch') NOT IN ('0', '6')`, f, t),
			// 10 outages a day: leave ready, 30 s later ready again.
			fmt.Sprintf(`WITH RECURSIVE o(t) AS (SELECT %d + 600 UNION ALL SELECT t + 8640 FROM o WHERE t + 8640 < %d)
				INSERT INTO events (run, ts, name, level, subject, attrs) SELECT 1, t * 1000, 'conn.state', 0, '', json_object('state', 'backoff', 'cause', 'eof', 'reason', 'gateway closed the connection') FROM o
				UNION ALL SELECT 1, (t + 30) * 1000, 'conn.state', 0, '', json_object('state', 'ready', 'cause', 'handshake_complete') FROM o
				UNION ALL SELECT 1, t * 1000 + 5, 'zombie', 0, '', json_object('pid', 4242, 'command', 'python3', 'side', 'client', 'action', 'found') FROM o
				UNION ALL SELECT 1, t * 1000 + 6, 'sockets', 0, '', json_object('close_wait', 1) FROM o`, f, t),
			fmt.Sprintf(`INSERT INTO events (run, ts, name, level, subject, attrs) VALUES (1, %d, 'conn.state', 0, '', json_object('state', 'ready', 'cause', 'handshake_complete'))`, from.UnixMilli()),
		}
		for _, s := range stmts {
			if _, err := db.Exec(s); err != nil {
				monthDB.err = fmt.Errorf("%s: %w", s[:40], err)
				return
			}
		}
	})
	if monthDB.err != nil {
		b.Fatal(monthDB.err)
	}
	return monthDB.path, monthDB.to
}

// BenchmarkReport30Days is `robotui report --since 30d` over a month of
// 100 symbols (target: under 200 ms).
func BenchmarkReport30Days(b *testing.B) {
	path, to := month(b)
	r, err := OpenReader(path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var rows, bars int
	r.db.QueryRow(`SELECT count(*) FROM events`).Scan(&rows)
	r.db.QueryRow(`SELECT count(*) FROM bars`).Scan(&bars)
	b.ResetTimer()
	for range b.N {
		rep, err := r.Report(context.Background(), to.AddDate(0, 0, -30), to)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Outages) < 290 || len(rep.Keepalive) < 700 || len(rep.Signals) != 100 {
			b.Fatalf("report: %d outages, %d hours, %d symbols", len(rep.Outages), len(rep.Keepalive), len(rep.Signals))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(rows), "events")
	b.ReportMetric(float64(bars), "bars")
}
