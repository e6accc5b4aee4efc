package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/cmd/robotui/internal/config"
	"github.com/robotui/robotui/engine/journal"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"24h":                  now.Add(-24 * time.Hour),
		"7d":                   now.AddDate(0, 0, -7),
		"90m":                  now.Add(-90 * time.Minute),
		"2026-03-01T10:00:00Z": time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
	} {
		got, err := parseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got, err := parseSince("2026-03-01", now); err != nil || got.Day() != 1 || got.Hour() != 0 {
		t.Errorf("a date: %v, %v", got, err)
	}
	for _, bad := range []string{"", "yesterday", "-1h", "0d", "7x"} {
		if _, err := parseSince(bad, now); err == nil {
			t.Errorf("parseSince(%q) accepted", bad)
		}
	}
}

func TestReportJSONShape(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := journal.Open(journal.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(-time.Hour)
	for _, e := range []struct {
		d     time.Duration
		state string
		cause string
	}{{0, "ready", "handshake_complete"}, {time.Minute, "backoff", "eof"}, {2 * time.Minute, "ready", "handshake_complete"}} {
		r := slog.NewRecord(t0.Add(e.d), slog.LevelInfo, "conn.state", 0)
		r.AddAttrs(slog.String("state", e.state), slog.String("cause", e.cause), slog.String("reason", "why"))
		j.Event(r)
	}
	j.Close()
	var out, errb bytes.Buffer
	if code := run([]string{"report", "--journal", path, "--json", "--since", "7d"}, nil, &out, &errb, nil); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep struct {
		Outages []struct {
			Start     time.Time `json:"start"`
			DurationS float64   `json:"duration_s"`
			Cause     string    `json:"cause"`
			Reason    string    `json:"reason"`
			Expected  *bool     `json:"expected"`
		} `json:"outages"`
		UptimePct  *float64       `json:"uptime_pct"`
		Reconnects map[string]int `json:"reconnects_by_cause"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if len(rep.Outages) != 1 || rep.Outages[0].DurationS != 60 || rep.Outages[0].Cause != "eof" || rep.Outages[0].Reason != "why" ||
		rep.Outages[0].Expected == nil || rep.UptimePct == nil || rep.Reconnects["eof"] != 1 {
		t.Errorf("report JSON: %s", out.String())
	}
	out.Reset()
	if code := run([]string{"report", "--journal", path}, nil, &out, &errb, nil); code != 0 || !strings.Contains(out.String(), "OUTAGE START") || !strings.Contains(out.String(), "eof") {
		t.Errorf("table, exit %d:\n%s", code, out.String())
	}
	if code := run([]string{"report", "--journal", filepath.Join(t.TempDir(), "none.db")}, nil, &out, &errb, nil); code != 2 {
		t.Errorf("a missing journal: exit %d, want 2", code)
	}
	if code := run([]string{"report", "--since", "soon"}, nil, &out, &errb, nil); code != 2 {
		t.Errorf("a bad --since: exit %d, want 2", code)
	}
}

// TestSecondConsoleRunsWithoutJournal: the journal's holder is named and the second one goes on without.
func TestSecondConsoleRunsWithoutJournal(t *testing.T) {
	cfg := config.Defaults()
	cfg.Journal.Path = filepath.Join(t.TempDir(), "journal.db")
	first, why := openJournal(cfg, consoleFlags{}, nil)
	if first == nil {
		t.Fatal(why)
	}
	defer first.Close()
	second, why := openJournal(cfg, consoleFlags{}, nil)
	if second != nil || !strings.Contains(why, "in use by pid") || !strings.Contains(why, "running without a journal") {
		t.Errorf("second: %v, %q", second, why)
	}
	if j, why := openJournal(cfg, consoleFlags{noJournal: true}, nil); j != nil || why != "" {
		t.Errorf("--no-journal: %v, %q", j, why)
	}
	// The simulator's runs have a journal of their own.
	sim, why := openJournal(cfg, consoleFlags{sim: true}, nil)
	if sim == nil {
		t.Fatalf("--sim beside a real run's journal: %s", why)
	}
	defer sim.Close()
	if want := strings.TrimSuffix(cfg.Journal.Path, ".db") + "-sim.db"; sim.Path() != want {
		t.Errorf("--sim journal at %s, want %s", sim.Path(), want)
	}
}

// FuzzParseSince: --since is a flag; anything typed gets a time or an error.
func FuzzParseSince(f *testing.F) {
	for _, s := range []string{"24h", "7d", "2026-01-02", "2026-01-02T15:04:05Z", "-1d", "99999999d", "1e9h"} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if got, err := parseSince(s, now); err == nil && got.IsZero() {
			t.Errorf("parseSince(%q) = zero time without an error", s)
		}
	})
}

// A new user's mistakes get a way out: no journal yet (runs with --sim keep
// their own), a --since in the future, a file that is no journal.
func TestReportErrorsSayWhatToDo(t *testing.T) {
	env := testEnv(t)
	r := runBin(t, env, 10*time.Second, "report")
	if r.code != 2 || !strings.Contains(r.stderr, "robotui report --sim") {
		t.Errorf("no journal: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runBin(t, env, 10*time.Second, "report", "--since", "2999-01-01")
	if r.code != 2 || !strings.Contains(r.stderr, "in the future") {
		t.Errorf("future --since: exit %d, stderr %q", r.code, r.stderr)
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r = runBin(t, env, 10*time.Second, "report", "--journal", empty)
	if r.code != 2 || !strings.Contains(r.stderr, "not a robotui journal") {
		t.Errorf("empty file: exit %d, stderr %q", r.code, r.stderr)
	}
}
