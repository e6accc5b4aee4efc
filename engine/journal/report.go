package journal

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/robotui/robotui/engine"
)

// Report is `robotui report`: what the journal says about a span. Its JSON
// is DESIGN.md's "Operator surface" shape (outages, uptime_pct,
// reconnects_by_cause) and more.
type Report struct {
	From          time.Time       `json:"from"`
	To            time.Time       `json:"to"`
	Runs          int             `json:"runs"`           // robotui processes that wrote in the span
	RunningS      float64         `json:"running_s"`      // seconds measured: from each run's first ready to its end
	UptimePct     float64         `json:"uptime_pct"`     // ready over running, expected outages left out
	UptimeAllPct  float64         `json:"uptime_all_pct"` // ready over running, every outage counted
	Outages       []engine.Outage `json:"outages"`
	ReconnectsBy  map[string]int  `json:"reconnects_by_cause"`
	Keepalive     []KeepaliveHour `json:"keepalive_hourly"`
	Hourly        []HourUptime    `json:"uptime_hourly"`
	Zombies       []ZombieHour    `json:"zombies_hourly"`
	Holders       []ZombieHolder  `json:"zombie_holders"`
	Kills         []EventRow      `json:"kills"`
	Alerts        []EventRow      `json:"alerts"`
	Signals       map[string]int  `json:"signals_by_symbol"`
	LastSignals   []EventRow      `json:"signals"`        // the newest maxListed
	Journal       []EventRow      `json:"journal_events"` // the journal's own: corrupt, paused, resumed
	AccountsDaily []EventRow      `json:"accounts_daily"` // the last account event of each account and UTC day
	EventsByName  map[string]int  `json:"events_by_name"`
}

// KeepaliveHour is one hour of keepalive minutes: p50 is the median of the
// minutes' medians (weighted by pings), p99 and max the worst minute's.
type KeepaliveHour struct {
	Hour   time.Time `json:"hour"`
	Pings  int       `json:"pings"`
	Misses int       `json:"misses"`
	P50ms  float64   `json:"p50_ms"`
	P99ms  float64   `json:"p99_ms"`
	MaxMs  float64   `json:"max_ms"`
}

// HourUptime is one hour's uptime; Pct < 0 where robotui was not measuring.
type HourUptime struct {
	Hour time.Time `json:"hour"`
	Pct  float64   `json:"pct"`
}

// ZombieHour counts zombie sightings and the most CLOSE_WAIT sockets seen in one hour.
type ZombieHour struct {
	Hour         time.Time `json:"hour"`
	Seen         int       `json:"seen"`
	MaxCloseWait int       `json:"max_close_wait"`
}

// ZombieHolder is a process that held zombies.
type ZombieHolder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Side    string    `json:"side"`
	Seen    int       `json:"seen"`
	First   time.Time `json:"first"`
	Last    time.Time `json:"last"`
}

// EventRow is one stored event.
type EventRow struct {
	At     time.Time      `json:"at"`
	Name   string         `json:"name"`
	Fields map[string]any `json:"fields"`
}

const maxListed = 200

type stateEv struct {
	at       time.Time
	state    string
	cause    string
	reason   string
	expected bool
}

type runSpan struct {
	id         int64
	start, end time.Time
	ended      bool
	states     []stateEv
}

// interval is [a, b).
type interval struct{ a, b time.Time }

// Report reads the span [from, to].
func (r *Reader) Report(ctx context.Context, from, to time.Time) (Report, error) {
	rep := Report{From: from.UTC(), To: to.UTC(), ReconnectsBy: map[string]int{}, Signals: map[string]int{}, EventsByName: map[string]int{}}
	runs, err := r.runs(ctx, from, to)
	if err != nil {
		return rep, err
	}
	rep.Runs = len(runs)
	var measured, down []interval
	var downExp []interval
	for _, run := range runs {
		m, outs := walk(run, to)
		if m.b.After(m.a) {
			measured = append(measured, m)
		}
		for _, o := range outs {
			if o.Start.Add(o.Duration).Before(from) || o.Start.After(to) {
				continue
			}
			iv := clip(interval{o.Start, o.Start.Add(o.Duration)}, from, to)
			down = append(down, iv)
			if o.Expected {
				downExp = append(downExp, iv)
			}
			o.Seconds = o.Duration.Seconds()
			rep.Outages = append(rep.Outages, o)
			rep.ReconnectsBy[o.Cause]++
		}
	}
	for i := range measured {
		measured[i] = clip(measured[i], from, to)
	}
	tot, dn, ex := sum(measured), sum(down), sum(downExp)
	rep.RunningS = tot.Seconds()
	if tot > 0 {
		rep.UptimeAllPct = pct(tot-dn, tot)
		rep.UptimePct = pct(tot-dn, tot-ex)
	}
	for h := from.Truncate(time.Hour); h.Before(to); h = h.Add(time.Hour) {
		lo, hi := maxTime(h, from), minTime(h.Add(time.Hour), to)
		mt, dt := overlap(measured, lo, hi), overlap(down, lo, hi)
		p := -1.0
		if mt > 0 {
			p = pct(mt-min(dt, mt), mt)
		}
		rep.Hourly = append(rep.Hourly, HourUptime{Hour: h.UTC(), Pct: p})
	}
	if err := r.keepalive(ctx, &rep, from, to); err != nil {
		return rep, err
	}
	if err := r.events(ctx, &rep, from, to); err != nil {
		return rep, err
	}
	return rep, nil
}

func pct(a, b time.Duration) float64 {
	if b <= 0 {
		return 100
	}
	return min(100, 100*a.Seconds()/b.Seconds())
}

// runs loads the runs that overlap the span, each with its conn.state events.
func (r *Reader) runs(ctx context.Context, from, to time.Time) ([]*runSpan, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT id, started, last_seen, ended FROM runs WHERE last_seen >= ? AND started <= ? ORDER BY started`,
		from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("journal: runs: %w", err)
	}
	var runs []*runSpan
	byID := map[int64]*runSpan{}
	for rows.Next() {
		var id, st, seen int64
		var ended *int64
		if err := rows.Scan(&id, &st, &seen, &ended); err != nil {
			rows.Close()
			return nil, err
		}
		rs := &runSpan{id: id, start: time.UnixMilli(st), end: time.UnixMilli(seen), ended: ended != nil}
		if ended != nil {
			rs.end = time.UnixMilli(*ended)
		}
		runs = append(runs, rs)
		byID[id] = rs
	}
	rows.Close()
	if len(runs) == 0 {
		return nil, nil
	}
	rows, err = r.db.QueryContext(ctx, `SELECT run, ts, json_extract(attrs, '$.state'), json_extract(attrs, '$.cause'),
		json_extract(attrs, '$.reason'), json_extract(attrs, '$.expected')
		FROM events WHERE name = 'conn.state' AND ts <= ? AND run >= ? AND json_valid(attrs) ORDER BY run, ts, id`, to.UnixMilli(), runs[0].id)
	if err != nil {
		return nil, fmt.Errorf("journal: conn.state: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var run, ts int64
		var state, cause, reason, exp any // the file's, not necessarily ours: typed here, not by SQL
		if err := rows.Scan(&run, &ts, &state, &cause, &reason, &exp); err != nil {
			return nil, err
		}
		rs := byID[run]
		st, ok := sqlString(state)
		if rs == nil || !ok {
			continue
		}
		e := stateEv{at: time.UnixMilli(ts), state: st}
		e.cause, _ = sqlString(cause)
		e.reason, _ = sqlString(reason)
		switch v := exp.(type) {
		case int64:
			e.expected = v != 0
		case bool:
			e.expected = v
		}
		rs.states = append(rs.states, e)
	}
	return runs, rows.Err()
}

// walk turns a run's state changes into the span it measured (from its
// first ready to its end) and its outages: from leaving ready to the next
// ready, with the cause and reason of the change that left it.
func walk(run *runSpan, to time.Time) (interval, []engine.Outage) {
	var outs []engine.Outage
	var cur *engine.Outage
	var first time.Time
	up := false
	end := minTime(run.end, to)
	for _, e := range run.states {
		switch {
		case e.state == "ready":
			if cur != nil {
				cur.Duration = e.at.Sub(cur.Start)
				outs = append(outs, *cur)
				cur = nil
			}
			if first.IsZero() {
				first = e.at
			}
			up = true
		case e.state == "closed":
			if e.at.Before(end) {
				end = e.at
			}
		default:
			if up {
				cur = &engine.Outage{Start: e.at, Cause: e.cause, Reason: e.reason}
				up = false
			}
			if cur != nil && e.expected {
				cur.Expected = true
			}
		}
	}
	if cur != nil {
		cur.Duration = max(0, end.Sub(cur.Start))
		cur.Open = !run.ended && to.Sub(run.end) < 5*time.Second
		outs = append(outs, *cur)
	}
	if first.IsZero() {
		return interval{}, outs
	}
	return interval{first, end}, outs
}

func (r *Reader) keepalive(ctx context.Context, rep *Report, from, to time.Time) error {
	rows, err := r.db.QueryContext(ctx, `SELECT minute, count, misses, p50_ms, p99_ms, max_ms FROM keepalive WHERE minute >= ? AND minute <= ? ORDER BY minute`,
		from.Unix()/60*60, to.Unix())
	if err != nil {
		return fmt.Errorf("journal: keepalive: %w", err)
	}
	defer rows.Close()
	type minute struct {
		n   int
		p50 float64
	}
	var hour time.Time
	var cur KeepaliveHour
	var mins []minute
	done := func() {
		if cur.Pings == 0 {
			return
		}
		slices.SortFunc(mins, func(a, b minute) int { return cmp.Compare(a.p50, b.p50) })
		half, acc := (cur.Pings-cur.Misses+1)/2, 0
		for _, m := range mins {
			if acc += m.n; acc >= half {
				cur.P50ms = m.p50
				break
			}
		}
		rep.Keepalive = append(rep.Keepalive, cur)
	}
	for rows.Next() {
		var m int64
		var n, miss int
		var p50, p99, mx float64
		if err := rows.Scan(&m, &n, &miss, &p50, &p99, &mx); err != nil {
			return err
		}
		h := time.Unix(m, 0).UTC().Truncate(time.Hour)
		if !h.Equal(hour) {
			done()
			hour, cur, mins = h, KeepaliveHour{Hour: h}, mins[:0]
		}
		cur.Pings += n
		cur.Misses += miss
		cur.P99ms, cur.MaxMs = max(cur.P99ms, p99), max(cur.MaxMs, mx)
		if n > miss {
			mins = append(mins, minute{n - miss, p50})
		}
	}
	done()
	return rows.Err()
}

// events reads zombies, sockets, alerts, signals and the journal's own
// events, and counts every name.
func (r *Reader) events(ctx context.Context, rep *Report, from, to time.Time) error {
	lo, hi := from.UnixMilli(), to.UnixMilli()
	// The names first (a skip along the index), then a range count each: no pass over every row.
	rows, err := r.db.QueryContext(ctx, `SELECT DISTINCT name FROM events`)
	if err != nil {
		return fmt.Errorf("journal: events: %w", err)
	}
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		names = append(names, name)
	}
	rows.Close()
	for _, name := range names {
		var n int
		if err := r.db.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE name = ? AND ts >= ? AND ts <= ?`, name, lo, hi).Scan(&n); err != nil {
			return fmt.Errorf("journal: events: %w", err)
		}
		if n > 0 {
			rep.EventsByName[name] = n
		}
	}
	rows, err = r.db.QueryContext(ctx, `SELECT subject, count(*) FROM events INDEXED BY events_name_subject WHERE name = 'signal' AND ts >= ? AND ts <= ? GROUP BY subject`, lo, hi)
	if err != nil {
		return fmt.Errorf("journal: signals: %w", err)
	}
	for rows.Next() {
		var v any
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			rows.Close()
			return err
		}
		sym, _ := sqlString(v)
		rep.Signals[sym] += n
	}
	rows.Close()
	list := func(q string, args ...any) ([]EventRow, error) {
		rows, err := r.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("journal: events: %w", err)
		}
		defer rows.Close()
		var out []EventRow
		for rows.Next() {
			var ts int64
			var e EventRow
			var attrs string
			if err := rows.Scan(&ts, &e.Name, &attrs); err != nil {
				return nil, err
			}
			e.At = time.UnixMilli(ts).UTC()
			json.Unmarshal([]byte(attrs), &e.Fields) // written by us; a bad row shows without fields
			out = append(out, e)
		}
		return out, rows.Err()
	}
	if rep.Alerts, err = list(`SELECT ts, name, attrs FROM events WHERE name = 'alert' AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ?`, lo, hi, maxListed); err != nil {
		return err
	}
	if rep.LastSignals, err = list(`SELECT * FROM (SELECT ts, name, attrs FROM events WHERE name = 'signal' AND ts >= ? AND ts <= ? ORDER BY ts DESC LIMIT ?) ORDER BY ts`, lo, hi, maxListed); err != nil {
		return err
	}
	if rep.Journal, err = list(`SELECT ts, name, attrs FROM events WHERE name IN ('journal.corrupt', 'journal.paused', 'journal.resumed') AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ?`, lo, hi, maxListed); err != nil {
		return err
	}
	// SQLite gives the bare columns of the row holding max(ts): each account's last summary of the day.
	if rep.AccountsDaily, err = list(`SELECT max(ts), name, attrs FROM events WHERE name = 'account' AND ts >= ? AND ts <= ?
		GROUP BY subject, ts / 86400000 ORDER BY ts / 86400000, subject LIMIT ?`, lo, hi, maxListed); err != nil {
		return err
	}
	zs, err := list(`SELECT ts, name, attrs FROM events WHERE name IN ('zombie', 'sockets') AND ts >= ? AND ts <= ? ORDER BY ts`, lo, hi)
	if err != nil {
		return err
	}
	holders := map[string]*ZombieHolder{}
	hours := map[time.Time]*ZombieHour{}
	for _, e := range zs {
		h := e.At.Truncate(time.Hour)
		zh := hours[h]
		if zh == nil {
			zh = &ZombieHour{Hour: h}
			hours[h] = zh
		}
		if e.Name == "sockets" {
			zh.MaxCloseWait = max(zh.MaxCloseWait, num(e.Fields["close_wait"]))
			continue
		}
		switch action, _ := e.Fields["action"].(string); action {
		case "found", "":
			zh.Seen++
			pid, command, side := num(e.Fields["pid"]), str(e.Fields["command"]), str(e.Fields["side"])
			k := fmt.Sprintf("%d|%s|%s", pid, command, side)
			zo := holders[k]
			if zo == nil {
				zo = &ZombieHolder{PID: pid, Command: command, Side: side, First: e.At}
				holders[k] = zo
			}
			zo.Seen++
			zo.Last = e.At
		default:
			if len(rep.Kills) < maxListed {
				rep.Kills = append(rep.Kills, e)
			}
		}
	}
	for _, zh := range hours {
		rep.Zombies = append(rep.Zombies, *zh)
	}
	slices.SortFunc(rep.Zombies, func(a, b ZombieHour) int { return a.Hour.Compare(b.Hour) })
	for _, zo := range holders {
		rep.Holders = append(rep.Holders, *zo)
	}
	slices.SortFunc(rep.Holders, func(a, b ZombieHolder) int { return cmp.Or(-cmp.Compare(a.Seen, b.Seen), cmp.Compare(a.PID, b.PID)) })
	return nil
}

// sqlString is a column's text; ok is false for anything else.
func sqlString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case []byte:
		return string(v), true
	}
	return "", false
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// History is the report as the console's History view shows it.
func (rep Report) History() engine.History {
	h := engine.History{From: rep.From, To: rep.To, UptimePct: rep.UptimePct, UptimeAllPct: rep.UptimeAllPct, Outages: rep.Outages}
	for _, u := range rep.Hourly {
		h.Hourly = append(h.Hourly, u.Pct)
	}
	for _, o := range rep.Outages {
		text := fmt.Sprintf("outage %s: %s (%s)", (time.Duration(o.Seconds) * time.Second).String(), o.Reason, o.Cause)
		if o.Expected {
			text += ", expected"
		}
		if o.Open {
			text += ", still going"
		}
		h.Incidents = append(h.Incidents, engine.Incident{At: o.Start, Kind: "conn.state", Text: text})
	}
	for _, a := range rep.Alerts {
		h.Incidents = append(h.Incidents, engine.Incident{At: a.At, Kind: "alert",
			Text: fmt.Sprintf("alert %s %s: %s", str(a.Fields["alert"]), str(a.Fields["state"]), str(a.Fields["summary"]))})
	}
	for _, k := range rep.Kills {
		h.Incidents = append(h.Incidents, engine.Incident{At: k.At, Kind: "zombie",
			Text: fmt.Sprintf("zombie %s (pid %d) %s", str(k.Fields["command"]), num(k.Fields["pid"]), str(k.Fields["action"]))})
	}
	for _, zo := range rep.Holders {
		h.Incidents = append(h.Incidents, engine.Incident{At: zo.First, Kind: "zombie",
			Text: fmt.Sprintf("%d zombie sightings held by %s (pid %d, %s side)", zo.Seen, zo.Command, zo.PID, zo.Side)})
	}
	for _, e := range rep.Journal {
		h.Incidents = append(h.Incidents, engine.Incident{At: e.At, Kind: e.Name, Text: e.Name + ": " + str(e.Fields["error"])})
	}
	slices.SortStableFunc(h.Incidents, func(a, b engine.Incident) int { return a.At.Compare(b.At) })
	return h
}

func clip(iv interval, from, to time.Time) interval {
	iv.a, iv.b = maxTime(iv.a, from), minTime(iv.b, to)
	if iv.b.Before(iv.a) {
		iv.b = iv.a
	}
	return iv
}

func sum(ivs []interval) time.Duration {
	var d time.Duration
	for _, iv := range ivs {
		d += iv.b.Sub(iv.a)
	}
	return d
}

func overlap(ivs []interval, lo, hi time.Time) time.Duration {
	var d time.Duration
	for _, iv := range ivs {
		if a, b := maxTime(iv.a, lo), minTime(iv.b, hi); b.After(a) {
			d += b.Sub(a)
		}
	}
	return d
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
