package engine

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// EventWarm is the line that says what a warm start took from the journal: symbol, bars, from.
const EventWarm = "warm"

// seriesKey is the key of sym's series in the journal.
func (e *Engine) seriesKey(symbol string) SeriesKey {
	b := e.opts.Bars
	return SeriesKey{Symbol: symbol, BarSize: b.BarSize, WhatToShow: b.WhatToShow, UseRTH: b.UseRTH}
}

// coldStart is where a cold backfill asked at now begins: the request's
// duration back from now, counted in sessions of the calendar for regular
// hours in days or weeks (as the gateway counts them); ok is false for a
// duration it cannot read.
func (e *Engine) coldStart(now time.Time) (time.Time, bool) {
	f := strings.Fields(e.opts.Bars.Duration)
	if len(f) != 2 {
		return time.Time{}, false
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 1 || n > 100_000 {
		return time.Time{}, false
	}
	unit := strings.ToUpper(f[1])
	if e.opts.Bars.UseRTH && (unit == "D" || unit == "W") {
		if unit == "W" {
			n *= 5
		}
		day := now.In(e.loc)
		for seen, tries := 0, 0; tries < 2*n+30; day, tries = day.AddDate(0, 0, -1), tries+1 {
			open, _, ok := e.opts.Calendar.Session(day)
			if !ok || !open.Before(now) {
				continue
			}
			if seen++; seen == n {
				return open, true
			}
		}
		return time.Time{}, false
	}
	d := map[string]time.Duration{"S": time.Second, "D": 24 * time.Hour, "W": 7 * 24 * time.Hour, "M": 30 * 24 * time.Hour, "Y": 365 * 24 * time.Hour}[unit]
	if d == 0 {
		return time.Time{}, false
	}
	return now.Add(-time.Duration(n) * d), true
}

// warmStart fills sym's series from the journal's bars inside the window a
// cold backfill would cover and returns where the known bars end: the
// request then asks only for the span since. Stored bars that do not reach
// back to the window's start give no warm start; a hole in them (a bar
// missing while the market was open) ends what is taken there, so the
// request asks from the hole on and the hole is filled, not papered over.
func (e *Engine) warmStart(sym *symbolState) (time.Time, bool) {
	if e.opts.Journal == nil || e.once || e.span <= 0 {
		return time.Time{}, false
	}
	now := e.opts.Now()
	start, ok := e.coldStart(now)
	if !ok {
		return time.Time{}, false
	}
	bars, err := e.opts.Journal.LoadBars(e.seriesKey(sym.name), start)
	if err != nil || len(bars) == 0 {
		return time.Time{}, false
	}
	span := time.Duration(e.span) * time.Second
	if bars[0].Time.Sub(start) >= span {
		return time.Time{}, false // the oldest stored bar is later than the window's first
	}
	keep := len(bars)
	for i := 1; i < len(bars); i++ {
		if hole := bars[i-1].Time.Add(span); bars[i].Time.After(hole) && e.marketOpenAt(hole) {
			keep = i
			break
		}
	}
	bars = bars[:keep]
	recs := make([]barRec, len(bars))
	for i, b := range bars {
		recs[i] = barRec{t: b.Time.Unix(), o: b.Open, h: b.High, l: b.Low, c: b.Close, v: b.Volume}
	}
	newest := bars[len(bars)-1].Time
	sym.mu.Lock()
	sym.ser.merge(recs)
	sym.ser.open = false // stored bars are closed; the backfill brings the forming one
	sym.warmFrom = newest.Unix()
	sym.mu.Unlock()
	e.events.add(time.Now(), slog.LevelInfo, EventWarm,
		fmt.Sprintf("%s: %d bars from the journal, asking the gateway from %s", sym.name, len(bars), newest.In(e.loc).Format("Mon 2 Jan 15:04")),
		slog.String("symbol", sym.name), slog.Int("bars", len(bars)), slog.String("from", newest.UTC().Format(time.RFC3339)))
	return newest, true
}

// marketOpenAt says whether a bar should exist at t: always outside
// regular hours, else when the calendar has the market open.
func (e *Engine) marketOpenAt(t time.Time) bool {
	if !e.opts.Bars.UseRTH {
		return true
	}
	return e.opts.Calendar.Status(t).Open
}
