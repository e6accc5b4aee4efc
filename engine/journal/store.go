package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"slices"
	"time"

	"github.com/robotui/robotui/engine"
)

// kaMinute gathers one minute of keepalive samples (writer-owned).
type kaMinute struct {
	minute int64 // Unix seconds; 0 when empty
	rtts   []float64
	count  int
	misses int
}

type kaRow struct {
	minute        int64
	count, misses int
	p50, p99, max float64
}

// take folds the batch's pings into their minutes and returns the rows of
// minutes that are over (all of them when final); pings leave the batch.
func (k *kaMinute) take(batch []item, now time.Time, final bool) []kaRow {
	var rows []kaRow
	for i := range batch {
		it := &batch[i]
		if it.kind != itemPing {
			continue
		}
		m := it.at.Unix() / 60 * 60
		if k.count > 0 && m != k.minute {
			rows = append(rows, k.row())
		}
		k.minute = m
		k.count++
		if it.ok {
			k.rtts = append(k.rtts, it.rtt)
		} else {
			k.misses++
		}
	}
	if k.count > 0 && (final || now.Unix()/60*60 > k.minute) {
		rows = append(rows, k.row())
	}
	return rows
}

func (k *kaMinute) row() kaRow {
	r := kaRow{minute: k.minute, count: k.count, misses: k.misses}
	if len(k.rtts) > 0 {
		slices.Sort(k.rtts)
		r.p50, r.p99, r.max = percentile(k.rtts, 50), percentile(k.rtts, 99), k.rtts[len(k.rtts)-1]
	}
	k.minute, k.count, k.misses, k.rtts = 0, 0, 0, k.rtts[:0]
	return r
}

// percentile of sorted values, nearest rank.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// subjectKeys are the fields that say what an event is about, by precedence.
var subjectKeys = []string{"symbol", "alert", "account", "farm", "addr"}

// subject is the event's subject column: indexed, so that counts per symbol
// (or alert, account, ...) need no JSON.
func subject(attrs []slog.Attr) string {
	for _, k := range subjectKeys {
		for _, a := range attrs {
			if a.Key == k {
				return a.Value.String()
			}
		}
	}
	return ""
}

// attrsJSON is an event's fields as one JSON object.
func attrsJSON(attrs []slog.Attr) string {
	m := make(map[string]any, len(attrs))
	for _, a := range attrs {
		v := a.Value.Resolve()
		switch v.Kind() {
		case slog.KindTime:
			m[a.Key] = v.Time().UTC().Format(time.RFC3339Nano)
		case slog.KindDuration:
			m[a.Key] = v.Duration().String()
		case slog.KindFloat64:
			if f := v.Float64(); math.IsNaN(f) || math.IsInf(f, 0) {
				m[a.Key] = nil // JSON has no NaN
			} else {
				m[a.Key] = f
			}
		case slog.KindAny:
			if err, ok := v.Any().(error); ok {
				m[a.Key] = err.Error()
			} else {
				m[a.Key] = v.Any()
			}
		default:
			m[a.Key] = v.Any()
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Sprintf(`{"unencodable":%q}`, err.Error())
	}
	return string(b)
}

// maintain enforces the retention and the size cap, a batch per
// transaction, taking the queue between batches: the writer is never away
// for more than one short transaction.
func (j *Journal) maintain() {
	if j.paused.Load() {
		return
	}
	cutoff := j.opts.Now().Add(-j.opts.Retention)
	j.deleteBefore(cutoff)
	for range 20 { // at most this many rounds per pass; the next pass goes on
		size, err := j.size()
		if err != nil || size <= j.opts.MaxSize {
			break
		}
		oldest, ok := j.oldest()
		if !ok {
			break
		}
		// Drop the oldest tenth of what is kept, then look again.
		span := j.opts.Now().Sub(oldest)
		j.deleteBefore(oldest.Add(max(span/10, time.Minute)))
		j.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		j.db.Exec(`PRAGMA incremental_vacuum`)
	}
}

// deleteBefore removes rows older than t from every table, in batches.
func (j *Journal) deleteBefore(t time.Time) {
	stmts := []struct {
		q   string
		arg int64
	}{
		{`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE ts < ? LIMIT ` + fmt.Sprint(deleteBatch) + `)`, t.UnixMilli()},
		{`DELETE FROM keepalive WHERE minute IN (SELECT minute FROM keepalive WHERE minute < ? LIMIT ` + fmt.Sprint(deleteBatch) + `)`, t.Unix()},
		{`DELETE FROM bars WHERE (series, t) IN (SELECT series, t FROM bars WHERE t < ? LIMIT ` + fmt.Sprint(deleteBatch) + `)`, t.Unix()},
		{`DELETE FROM runs WHERE last_seen < ? AND id != ` + fmt.Sprint(j.run), t.UnixMilli()},
	}
	for _, s := range stmts {
		for {
			res, err := j.db.Exec(s.q, s.arg)
			if err != nil {
				break
			}
			j.takeQueue()
			if n, _ := res.RowsAffected(); n < deleteBatch {
				break
			}
		}
	}
}

// takeQueue writes what waits, between maintenance batches.
func (j *Journal) takeQueue() {
	batch := make([]item, 0, 64)
	for len(batch) < maxBatch {
		select {
		case it := <-j.q:
			batch = append(batch, it)
			continue
		default:
		}
		break
	}
	if len(batch) > 0 {
		j.flush(batch, false)
	}
}

// size is the file's bytes in use (pages less the free list) plus the WAL's.
func (j *Journal) size() (int64, error) {
	var pages, free, pageSize int64
	if err := j.db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		return 0, err
	}
	if err := j.db.QueryRow(`PRAGMA freelist_count`).Scan(&free); err != nil {
		return 0, err
	}
	if err := j.db.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		return 0, err
	}
	return (pages - free) * pageSize, nil
}

// oldest is the oldest time any table keeps.
func (j *Journal) oldest() (time.Time, bool) {
	var ev, ka, bar sql.NullInt64
	j.db.QueryRow(`SELECT min(ts) FROM events`).Scan(&ev)
	j.db.QueryRow(`SELECT min(minute) FROM keepalive`).Scan(&ka)
	j.db.QueryRow(`SELECT min(t) FROM bars`).Scan(&bar)
	var ts []time.Time
	if ev.Valid {
		ts = append(ts, time.UnixMilli(ev.Int64))
	}
	if ka.Valid {
		ts = append(ts, time.Unix(ka.Int64, 0))
	}
	if bar.Valid {
		ts = append(ts, time.Unix(bar.Int64, 0))
	}
	if len(ts) == 0 {
		return time.Time{}, false
	}
	return slices.MinFunc(ts, time.Time.Compare), true
}

// LoadBars returns key's stored bars starting at or after from, oldest
// first, on a read connection of its own (the writer is not held up).
func (j *Journal) LoadBars(key engine.SeriesKey, from time.Time) ([]engine.Bar, error) {
	r, err := j.reader()
	if err != nil {
		return nil, err
	}
	return r.Bars(key, from, time.Time{})
}

// reader is the journal's own read connection, opened on first use.
func (j *Journal) reader() (*Reader, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed.Load() {
		return nil, errors.New("journal: closed")
	}
	if j.rd == nil {
		r, err := OpenReader(j.opts.Path)
		if err != nil {
			return nil, err
		}
		r.db.SetMaxOpenConns(2) // the warm start's and the History view's, at most
		j.rd = r
	}
	return j.rd, nil
}

// History summarises the journal since a time for the console.
func (j *Journal) History(since time.Time) (engine.History, error) {
	r, err := j.reader()
	if err != nil {
		return engine.History{}, err
	}
	rep, err := r.Report(context.Background(), since, j.opts.Now())
	if err != nil {
		return engine.History{}, err
	}
	return rep.History(), nil
}

// Reader reads a journal without writing to it: `robotui report`, the
// History view, and any program that wants the stored bars (a backtest).
// It works while a robotui writes the same file.
type Reader struct {
	db *sql.DB
}

// OpenReader opens path read-only; a file that does not exist is an error.
func OpenReader(path string) (*Reader, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	db, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("journal: open %s: %w", path, err)
	}
	var v string
	if err := db.QueryRow(`SELECT value FROM meta WHERE key = 'schema'`).Scan(&v); err != nil {
		db.Close()
		return nil, fmt.Errorf("journal: %s is not a robotui journal (or not one yet): %w", path, err)
	}
	return &Reader{db: db}, nil
}

// Close closes the reader.
func (r *Reader) Close() error { return r.db.Close() }

// Bars returns key's stored bars with from <= start (< to unless to is zero), oldest first.
func (r *Reader) Bars(key engine.SeriesKey, from, to time.Time) ([]engine.Bar, error) {
	end := int64(math.MaxInt64)
	if !to.IsZero() {
		end = to.Unix()
	}
	rows, err := r.db.Query(`SELECT b.t, b.open, b.high, b.low, b.close, b.volume FROM bars b JOIN series s ON s.id = b.series
		WHERE s.symbol = ? AND s.bar_size = ? AND s.what_to_show = ? AND s.use_rth = ? AND b.t >= ? AND b.t < ? ORDER BY b.t`,
		key.Symbol, key.BarSize, key.WhatToShow, key.UseRTH, from.Unix(), end)
	if err != nil {
		return nil, fmt.Errorf("journal: bars of %s: %w", key.Symbol, err)
	}
	defer rows.Close()
	var out []engine.Bar
	for rows.Next() {
		var t int64
		var b engine.Bar
		if err := rows.Scan(&t, &b.Open, &b.High, &b.Low, &b.Close, &b.Volume); err != nil {
			return nil, fmt.Errorf("journal: bars of %s: %w", key.Symbol, err)
		}
		b.Time = time.Unix(t, 0).UTC()
		out = append(out, b)
	}
	return out, rows.Err()
}

// Series lists every series the journal holds bars of.
func (r *Reader) Series() ([]engine.SeriesKey, error) {
	rows, err := r.db.Query(`SELECT symbol, bar_size, what_to_show, use_rth FROM series ORDER BY symbol, bar_size, what_to_show, use_rth`)
	if err != nil {
		return nil, fmt.Errorf("journal: series: %w", err)
	}
	defer rows.Close()
	var out []engine.SeriesKey
	for rows.Next() {
		var k engine.SeriesKey
		if err := rows.Scan(&k.Symbol, &k.BarSize, &k.WhatToShow, &k.UseRTH); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
