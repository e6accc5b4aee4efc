package journal

// schema is the journal's tables. Times are Unix: milliseconds for events,
// seconds for bars and minutes. Events are kept by name with their fields
// as one JSON object, so an event added to the engine later is stored
// without a change here.
const schema = `
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
-- runs: one row per robotui process that held the journal; last_seen is
-- renewed every second, so a run killed with SIGKILL still has an end.
CREATE TABLE IF NOT EXISTS runs (
	id        INTEGER PRIMARY KEY,
	started   INTEGER NOT NULL, -- Unix ms
	last_seen INTEGER NOT NULL, -- Unix ms
	ended     INTEGER,          -- Unix ms of a clean close; NULL after a crash
	pid       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
	id    INTEGER PRIMARY KEY,
	run   INTEGER NOT NULL,
	ts    INTEGER NOT NULL, -- Unix ms
	name    TEXT NOT NULL,    -- the event line's msg: conn.state, zombie, alert, signal, account, ...
	level   INTEGER NOT NULL, -- slog.Level
	subject TEXT NOT NULL,    -- what it is about, copied from the first of its fields symbol, alert, account, farm, addr; '' for none
	attrs   TEXT NOT NULL     -- the fields, a JSON object
);
CREATE INDEX IF NOT EXISTS events_name_ts ON events (name, ts);
CREATE INDEX IF NOT EXISTS events_name_subject ON events (name, subject, ts);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
-- keepalive: one row per minute with pings (answered round trips in ms).
CREATE TABLE IF NOT EXISTS keepalive (
	minute INTEGER PRIMARY KEY, -- Unix seconds of the minute's start
	run    INTEGER NOT NULL,
	count  INTEGER NOT NULL,    -- pings sent
	misses INTEGER NOT NULL,
	p50_ms REAL NOT NULL,
	p99_ms REAL NOT NULL,
	max_ms REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS series (
	id           INTEGER PRIMARY KEY,
	symbol       TEXT NOT NULL,
	bar_size     TEXT NOT NULL,
	what_to_show TEXT NOT NULL,
	use_rth      INTEGER NOT NULL,
	UNIQUE (symbol, bar_size, what_to_show, use_rth)
);
CREATE TABLE IF NOT EXISTS bars (
	series INTEGER NOT NULL REFERENCES series (id),
	t      INTEGER NOT NULL, -- the bar's start, Unix seconds
	open   REAL NOT NULL,
	high   REAL NOT NULL,
	low    REAL NOT NULL,
	close  REAL NOT NULL,
	volume REAL NOT NULL,
	PRIMARY KEY (series, t)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS bars_t ON bars (t);
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1');
`
