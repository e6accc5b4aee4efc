package journal

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var fuzzDB struct {
	once sync.Once
	path string
	db   *sql.DB
	err  error
}

// FuzzReportRows: whatever a row of the file holds (a journal is a file
// anyone can edit), the report reads it without a panic or an error.
func FuzzReportRows(f *testing.F) {
	f.Add("conn.state", `{"state":"ready","cause":"eof"}`, int64(0))
	f.Add("conn.state", `{"state":"backoff","cause":7,"expected":"yes"}`, int64(1000))
	f.Add("signal", `not json`, int64(-5))
	f.Add("zombie", `{"pid":"x","action":3}`, int64(1<<62))
	f.Add("sockets", `{"close_wait":1e300}`, int64(7))
	f.Fuzz(func(t *testing.T, name, attrs string, dt int64) {
		fuzzDB.once.Do(func() {
			dir, err := os.MkdirTemp("", "journal-fuzz")
			if err != nil {
				fuzzDB.err = err
				return
			}
			fuzzDB.path = filepath.Join(dir, "journal.db")
			j, err := Open(Options{Path: fuzzDB.path})
			if err != nil {
				fuzzDB.err = err
				return
			}
			j.Close()
			fuzzDB.db, fuzzDB.err = sql.Open("sqlite", dsn(fuzzDB.path, false))
		})
		if fuzzDB.err != nil {
			t.Fatal(fuzzDB.err)
		}
		now := time.Now()
		ts := now.UnixMilli() - dt%(1<<40)
		if _, err := fuzzDB.db.Exec(`INSERT INTO events (run, ts, name, level, subject, attrs) VALUES (1, ?, ?, 0, ?, ?)`, ts, name, name, attrs); err != nil {
			t.Fatal(err)
		}
		r, err := OpenReader(fuzzDB.path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		rep, err := r.Report(context.Background(), now.Add(-48*time.Hour), now.Add(time.Hour))
		if err != nil {
			t.Fatalf("report over row (%q, %q): %v", name, attrs, err)
		}
		rep.History()
	})
}
