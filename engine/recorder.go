package engine

import (
	"errors"
	"log/slog"
	"time"
)

// ErrNoJournal: the engine runs without a journal (--no-journal, or it could not be opened).
var ErrNoJournal = errors.New("engine: no journal")

// SeriesKey names one series of bars: what a symbol's historical request asks for.
type SeriesKey struct {
	Symbol     string
	BarSize    string // "5 mins"
	WhatToShow string // "TRADES"
	UseRTH     bool
}

// Journal is the engine's memory across runs (engine/journal implements
// it). Event and Bars are called on the engine's own goroutines (the
// session's, the reader's) and must return at once: a journal queues, and
// drops (counting) rather than waits. LoadBars and History read the disk:
// the engine calls LoadBars once per symbol in Start, and History only on
// behalf of a caller that may wait (a tea.Cmd, a subcommand).
type Journal interface {
	// Event takes every event the engine emits, whatever the log level and
	// whether or not the flood guard kept it off the log. Events are stored
	// by name with their fields, so names added later (account, alert,
	// fanout.client, ...) are kept without a change here.
	Event(r slog.Record)
	// Bars takes closed bars of one series; a bar already stored is replaced.
	Bars(key SeriesKey, bars []Bar)
	// LoadBars returns the stored bars of key that start at or after from, oldest first.
	LoadBars(key SeriesKey, from time.Time) ([]Bar, error)
	// History summarises the journal since a time (the console's History view).
	History(since time.Time) (History, error)
	// Status says whether the journal is writing, and what it has lost.
	Status() JournalStatus
}

// JournalStatus is the journal's health, for the screen and the metrics.
type JournalStatus struct {
	On      bool   // a journal is open
	Path    string // its file
	Paused  bool   // writes fail (disk full, read-only): records are dropped until they succeed again
	Error   string // why it is paused, or why there is none ("held by pid 123")
	Dropped uint64 // records lost: queue full or paused
	Written uint64 // records written
}

// Outage is one span the session was not ready, as the journal recorded it.
type Outage struct {
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"-"`
	Seconds  float64       `json:"duration_s"`
	Cause    string        `json:"cause"`  // conn.Cause's token of the transition that ended the ready period
	Reason   string        `json:"reason"` // its phrase
	Expected bool          `json:"expected"`
	Open     bool          `json:"open,omitempty"` // still going at the end of the report's span
}

// History is the last while of the session as the journal has it.
type History struct {
	From, To     time.Time
	UptimePct    float64   // ready time over running time, expected outages left out
	UptimeAllPct float64   // the same with expected outages counted as down
	Hourly       []float64 // uptime % per hour from From, oldest first; < 0 where robotui was not running
	Outages      []Outage  // oldest first
	Incidents    []Incident
}

// Incident is one line of the History view's list: an outage, an alert, a zombie.
type Incident struct {
	At   time.Time
	Kind string // the event name (conn.state, alert, zombie, journal.corrupt, ...)
	Text string
}

// History asks the journal for a summary since since; it reads the disk,
// so call it off the UI goroutine (a tea.Cmd).
func (e *Engine) History(since time.Time) (History, error) {
	if e.opts.Journal == nil {
		return History{}, ErrNoJournal
	}
	return e.opts.Journal.History(since)
}

// journalStatus is the snapshot's view of the journal.
func (e *Engine) journalStatus() JournalStatus {
	if e.opts.Journal == nil {
		return JournalStatus{}
	}
	return e.opts.Journal.Status()
}

// recordBars hands closed bars to the journal; never called with a lock held.
func (e *Engine) recordBars(sym string, bars []Bar) {
	if e.opts.Journal == nil || len(bars) == 0 || e.once {
		return
	}
	b := e.opts.Bars
	e.opts.Journal.Bars(SeriesKey{Symbol: sym, BarSize: b.BarSize, WhatToShow: b.WhatToShow, UseRTH: b.UseRTH}, bars)
}
