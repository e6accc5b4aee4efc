// Package journal is robotui's memory across runs: an embedded SQLite file
// (modernc.org/sqlite, pure Go) holding every engine event by name, the
// keepalive per minute, and the closed bars of every series. The engine hands
// it records on its own goroutines; the journal queues them (bounded) and one
// writer goroutine stores them in batched transactions, so the engine never
// waits on the disk. It must never block a caller of Event or Bars, never
// hold more than its queue, and never stop the session over its own faults.
package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"
	sqlite "modernc.org/sqlite"

	"github.com/robotui/robotui/engine"
)

// Event names the journal emits about itself (through Options.Notify).
const (
	EventCorrupt = "journal.corrupt" // the file was unreadable and moved aside: path, moved_to, error
	EventPaused  = "journal.paused"  // writes fail; records are dropped: path, error
	EventResumed = "journal.resumed" // writes succeed again: path, dropped
)

// Errors Open returns; callers decide with errors.Is.
var (
	// ErrLocked: another process holds the journal (one writer at a time).
	ErrLocked = errors.New("journal: held by another robotui")
)

// Defaults of the [journal] settings.
const (
	DefaultRetention = 30 * 24 * time.Hour
	DefaultMaxSize   = 200 << 20
)

const (
	defaultQueue   = 16384                  // records waiting for the writer; beyond it they are dropped (counted)
	maxBatch       = 2048                   // records per transaction
	flushEvery     = 200 * time.Millisecond // a SIGKILL loses at most this much (plus one batch)
	maintainEvery  = time.Minute
	deleteBatch    = 5000 // rows per retention transaction: the writer is never away long
	busyTimeoutMS  = 5000
	seenEvery      = time.Second
	keepaliveEvent = "keepalive"
)

// Options configure a journal. Zero values take the defaults.
type Options struct {
	Path      string        // the database file; its directory is created
	Retention time.Duration // rows older than this are deleted; default 30 days
	MaxSize   int64         // bytes; beyond it the oldest rows go; default 200 MB
	Queue     int           // records waiting for the writer; default 16384
	Now       func() time.Time
}

// Journal is the writer side: one per file, one per process.
type Journal struct {
	opts Options
	lock *flock.Flock
	q    chan item
	stop chan struct{}
	done chan struct{}
	sync chan syncReq // tests: run on the writer goroutine

	db     *sql.DB // the writer goroutine's; LoadBars and History read through rd
	mu     sync.Mutex
	rd     *Reader // opened on first read; guarded by mu
	run    int64
	series map[engine.SeriesKey]int64
	early  []notice // said before Notify was set
	notify func(level slog.Level, name, text string, attrs ...slog.Attr)

	paused   atomic.Bool
	pauseErr atomic.Pointer[string]
	dropped  atomic.Uint64
	written  atomic.Uint64
	closed   atomic.Bool
	once     sync.Once

	thin thinner // account and position lines: one a minute per subject

	// Owned by the writer goroutine.
	ka       kaMinute
	lastSeen time.Time
}

type notice struct {
	level      slog.Level
	name, text string
	attrs      []slog.Attr
}

type itemKind uint8

const (
	itemEvent itemKind = iota + 1
	itemPing
	itemBars
)

type item struct {
	kind  itemKind
	at    time.Time
	name  string
	level slog.Level
	attrs []slog.Attr
	rtt   float64 // ms
	ok    bool
	key   engine.SeriesKey
	bars  []engine.Bar
}

var _ engine.Journal = (*Journal)(nil)

// Open takes the journal at opts.Path for this process: ErrLocked when
// another process holds it. A file SQLite cannot read is moved aside
// (path.corrupt-TIMESTAMP) and a fresh one started, with an EventCorrupt.
func Open(opts Options) (*Journal, error) {
	if opts.Path == "" {
		return nil, errors.New("journal: no path")
	}
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	if opts.Queue <= 0 {
		opts.Queue = defaultQueue
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Dir(opts.Path), 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	// An OS lock beside the file: SQLite's own locking lets two writers take turns, which is not one writer.
	lk := flock.New(opts.Path + ".lock")
	ok, err := lk.TryLock()
	if err != nil {
		return nil, fmt.Errorf("journal: lock %s: %w", lk.Path(), err)
	}
	if !ok {
		holder := "another process"
		if b, err := os.ReadFile(lk.Path()); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				holder = fmt.Sprintf("pid %d", pid)
			}
		}
		return nil, fmt.Errorf("%w: %s is in use by %s", ErrLocked, opts.Path, holder)
	}
	os.WriteFile(lk.Path(), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600) // who holds it, for the next one's message
	if f, err := os.OpenFile(opts.Path, os.O_CREATE|os.O_RDONLY, 0o600); err == nil {
		f.Close() // made here, not by SQLite: the owner alone reads what the session did
	}
	j := &Journal{opts: opts, lock: lk, q: make(chan item, opts.Queue), stop: make(chan struct{}), done: make(chan struct{}), sync: make(chan syncReq),
		series: map[engine.SeriesKey]int64{}}
	db, err := j.openDB()
	if err != nil {
		lk.Unlock()
		return nil, err
	}
	j.db = db
	go j.writer()
	return j, nil
}

// dsn is the writer's connection string.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	q.Add("_pragma", "cache_size(-1024)") // 1 MB, not 2: writes append, reads are one pass
	if readOnly {
		q.Set("mode", "ro")
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "auto_vacuum(incremental)") // only takes on a new file: the size cap can give pages back
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)") // WAL: a crash of the process loses nothing committed
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: q.Encode()}
	return u.String()
}

// openDB opens (or creates) the file and its schema; an unreadable file is moved aside once.
func (j *Journal) openDB() (*sql.DB, error) {
	db, err := j.tryOpen()
	if err == nil || !isCorrupt(err) {
		return db, err
	}
	moved, merr := moveAside(j.opts.Path, j.opts.Now())
	if merr != nil {
		return nil, fmt.Errorf("journal: %s is corrupt (%v) and cannot be moved aside: %w", j.opts.Path, err, merr)
	}
	j.say(slog.LevelWarn, EventCorrupt, fmt.Sprintf("journal %s was unreadable (%v): moved to %s, a fresh one started", j.opts.Path, err, moved),
		slog.String("path", j.opts.Path), slog.String("moved_to", moved), slog.String("error", err.Error()))
	return j.tryOpen()
}

func (j *Journal) tryOpen() (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn(j.opts.Path, false))
	if err != nil {
		return nil, fmt.Errorf("journal: open %s: %w", j.opts.Path, err)
	}
	db.SetMaxOpenConns(1) // one writer connection: the writer goroutine's
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("journal: open %s: %w", j.opts.Path, err)
	}
	now := j.opts.Now().UnixMilli()
	res, err := db.ExecContext(ctx, `INSERT INTO runs (started, last_seen, pid) VALUES (?, ?, ?)`, now, now, os.Getpid())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("journal: open %s: %w", j.opts.Path, err)
	}
	j.run, _ = res.LastInsertId()
	return db, nil
}

// moveAside renames the file (and its WAL and shared-memory files) to path.corrupt-TIMESTAMP.
func moveAside(path string, now time.Time) (string, error) {
	to := path + ".corrupt-" + now.UTC().Format("20060102T150405Z")
	if err := os.Rename(path, to); err != nil {
		return "", err
	}
	for _, ext := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + ext); err == nil {
			os.Rename(path+ext, to+ext)
		}
	}
	return to, nil
}

// isCorrupt reports SQLite's "malformed" and "not a database".
func isCorrupt(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 11, 26: // SQLITE_CORRUPT, SQLITE_NOTADB
			return true
		}
	}
	return false
}

// SetNotify routes the journal's own events (corrupt, paused, resumed) to
// the engine's event log; those said before it are delivered now.
func (j *Journal) SetNotify(f func(level slog.Level, name, text string, attrs ...slog.Attr)) {
	j.mu.Lock()
	j.notify = f
	early := j.early
	j.early = nil
	j.mu.Unlock()
	for _, n := range early {
		f(n.level, n.name, n.text, n.attrs...)
	}
}

func (j *Journal) say(level slog.Level, name, text string, attrs ...slog.Attr) {
	j.mu.Lock()
	f := j.notify
	if f == nil {
		j.early = append(j.early, notice{level, name, text, attrs})
	}
	j.mu.Unlock()
	if f != nil {
		f(level, name, text, attrs...)
	}
}

// Path is the journal's file.
func (j *Journal) Path() string { return j.opts.Path }

// Event queues one engine event; a keepalive becomes part of its minute.
func (j *Journal) Event(r slog.Record) {
	if !j.thin.keep(r) {
		return
	}
	it := item{kind: itemEvent, at: r.Time, name: r.Message, level: r.Level}
	if r.Message == keepaliveEvent {
		it.kind = itemPing
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "ok":
				it.ok = a.Value.Bool()
			case "rtt_ms":
				if a.Value.Kind() == slog.KindFloat64 {
					it.rtt = a.Value.Float64()
				}
			}
			return true
		})
	} else {
		it.attrs = make([]slog.Attr, 0, r.NumAttrs())
		r.Attrs(func(a slog.Attr) bool {
			it.attrs = append(it.attrs, a)
			return true
		})
	}
	j.put(it)
}

// Bars queues closed bars of one series.
func (j *Journal) Bars(key engine.SeriesKey, bars []engine.Bar) {
	if len(bars) == 0 {
		return
	}
	j.put(item{kind: itemBars, key: key, bars: bars})
}

// put never blocks: a full queue (or a closed journal) drops the record and counts it.
func (j *Journal) put(it item) {
	if j.closed.Load() {
		j.dropped.Add(1)
		return
	}
	select {
	case j.q <- it:
	default:
		j.dropped.Add(1)
	}
}

// Status says how the journal is doing.
func (j *Journal) Status() engine.JournalStatus {
	st := engine.JournalStatus{On: true, Path: j.opts.Path, Paused: j.paused.Load(), Dropped: j.dropped.Load(), Written: j.written.Load()}
	if p := j.pauseErr.Load(); p != nil && st.Paused {
		st.Error = *p
	}
	return st
}

// Close stores what is queued, marks the run ended and lets the file go. Idempotent.
func (j *Journal) Close() error {
	j.once.Do(func() {
		j.closed.Store(true)
		close(j.stop)
		<-j.done
		j.mu.Lock()
		if j.rd != nil {
			j.rd.Close()
		}
		j.mu.Unlock()
		j.db.Close()
		j.lock.Unlock()
	})
	return nil
}

// writer is the one goroutine that writes.
func (j *Journal) writer() {
	defer close(j.done)
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	maint := time.NewTimer(5 * time.Second) // the first pass soon after start, then every minute
	defer maint.Stop()
	batch := make([]item, 0, maxBatch)
	for {
		select {
		case it := <-j.q:
			batch = append(batch, it)
			if len(batch) >= maxBatch {
				batch = j.flush(batch, false)
			}
		case <-tick.C:
			batch = j.flush(batch, false)
		case <-maint.C:
			batch = j.flush(batch, false)
			j.maintain()
			maint.Reset(maintainEvery)
		case r := <-j.sync:
			for len(j.q) > 0 && len(batch) < maxBatch {
				batch = append(batch, <-j.q)
			}
			batch = j.flush(batch, false)
			r.f()
			close(r.done)
		case <-j.stop:
			for {
				select {
				case it := <-j.q:
					batch = append(batch, it)
					if len(batch) >= maxBatch {
						batch = j.flush(batch, false)
					}
					continue
				default:
				}
				break
			}
			j.flush(batch, true)
			return
		}
	}
}

// flush writes batch in one transaction and returns it emptied. On
// failure the batch is dropped (counted) and the journal paused until a
// write succeeds again; a file found corrupt is moved aside and replaced.
func (j *Journal) flush(batch []item, final bool) []item {
	now := j.opts.Now()
	rows := j.ka.take(batch, now, final)
	seen := final || now.Sub(j.lastSeen) >= seenEvery
	if len(batch) == 0 && len(rows) == 0 && !seen {
		return batch
	}
	err := j.write(batch, rows, now, final)
	if err != nil && isCorrupt(err) {
		j.replaceCorrupt(err)
		err = j.write(batch, rows, now, final)
	}
	if err != nil {
		j.dropped.Add(uint64(len(batch) + len(rows)))
		if !j.paused.Swap(true) {
			msg := err.Error()
			j.pauseErr.Store(&msg)
			j.say(slog.LevelError, EventPaused, fmt.Sprintf("journal paused, records are dropped: %v", err),
				slog.String("path", j.opts.Path), slog.String("error", msg))
		}
		return batch[:0]
	}
	j.lastSeen = now
	j.written.Add(uint64(len(batch) + len(rows)))
	if j.paused.Swap(false) {
		j.say(slog.LevelInfo, EventResumed, fmt.Sprintf("journal writing again (%d records dropped so far)", j.dropped.Load()),
			slog.String("path", j.opts.Path), slog.Uint64("dropped", j.dropped.Load()))
	}
	clear(batch) // let the bars go
	return batch[:0]
}

func (j *Journal) write(batch []item, rows []kaRow, now time.Time, final bool) error {
	ctx := context.Background()
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ev, err := tx.PrepareContext(ctx, `INSERT INTO events (run, ts, name, level, subject, attrs) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ev.Close()
	var bars *sql.Stmt
	for i := range batch {
		it := &batch[i]
		switch it.kind {
		case itemEvent:
			if _, err := ev.ExecContext(ctx, j.run, it.at.UnixMilli(), it.name, int(it.level), subject(it.attrs), attrsJSON(it.attrs)); err != nil {
				return err
			}
		case itemBars:
			id, err := j.seriesID(ctx, tx, it.key)
			if err != nil {
				return err
			}
			if bars == nil {
				if bars, err = tx.PrepareContext(ctx, `INSERT OR REPLACE INTO bars (series, t, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)`); err != nil {
					return err
				}
				defer bars.Close()
			}
			for _, b := range it.bars {
				if _, err := bars.ExecContext(ctx, id, b.Time.Unix(), b.Open, b.High, b.Low, b.Close, b.Volume); err != nil {
					return err
				}
			}
		}
	}
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, `INSERT INTO keepalive (minute, run, count, misses, p50_ms, p99_ms, max_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (minute) DO UPDATE SET count = count + excluded.count, misses = misses + excluded.misses,
			p50_ms = excluded.p50_ms, p99_ms = max(p99_ms, excluded.p99_ms), max_ms = max(max_ms, excluded.max_ms)`,
			r.minute, j.run, r.count, r.misses, r.p50, r.p99, r.max); err != nil {
			return err
		}
	}
	ended := any(nil)
	if final {
		ended = now.UnixMilli()
	}
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET last_seen = ?, ended = ? WHERE id = ?`, now.UnixMilli(), ended, j.run); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		j.forgetSeries() // ids made in the rolled-back transaction are gone
		return err
	}
	return nil
}

// seriesID finds or makes key's row; called in the writer's transaction.
func (j *Journal) seriesID(ctx context.Context, tx *sql.Tx, key engine.SeriesKey) (int64, error) {
	j.mu.Lock()
	id, ok := j.series[key]
	j.mu.Unlock()
	if ok {
		return id, nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO series (symbol, bar_size, what_to_show, use_rth) VALUES (?, ?, ?, ?)`,
		key.Symbol, key.BarSize, key.WhatToShow, key.UseRTH); err != nil {
		return 0, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT id FROM series WHERE symbol = ? AND bar_size = ? AND what_to_show = ? AND use_rth = ?`,
		key.Symbol, key.BarSize, key.WhatToShow, key.UseRTH).Scan(&id); err != nil {
		return 0, err
	}
	j.mu.Lock()
	j.series[key] = id
	j.mu.Unlock()
	return id, nil
}

func (j *Journal) forgetSeries() {
	j.mu.Lock()
	clear(j.series)
	j.mu.Unlock()
}

// replaceCorrupt moves a file found corrupt while running aside and starts a fresh one.
func (j *Journal) replaceCorrupt(cause error) {
	j.db.Close()
	j.forgetSeries()
	moved, err := moveAside(j.opts.Path, j.opts.Now())
	if err == nil {
		j.say(slog.LevelWarn, EventCorrupt, fmt.Sprintf("journal %s went corrupt (%v): moved to %s, a fresh one started", j.opts.Path, cause, moved),
			slog.String("path", j.opts.Path), slog.String("moved_to", moved), slog.String("error", cause.Error()))
	}
	db, oerr := j.tryOpen()
	if oerr != nil {
		// Keep a handle that fails every write: the journal stays paused, the session goes on.
		db, _ = sql.Open("sqlite", dsn(j.opts.Path, false))
	}
	j.db = db
}

type syncReq struct {
	f    func()
	done chan struct{}
}

// onWriter runs f on the writer goroutine after writing what is queued.
func (j *Journal) onWriter(f func()) {
	r := syncReq{f: f, done: make(chan struct{})}
	j.sync <- r
	<-r.done
}
