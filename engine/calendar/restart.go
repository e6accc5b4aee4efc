package calendar

import (
	"fmt"
	"strings"
	"time"
)

// Region is where the account's IB servers are: it picks the daily reset
// windows (PROTOCOL-trading.md §11).
type Region string

// The regions of IB's server reset schedule.
const (
	RegionNA   Region = "na"
	RegionEU   Region = "eu"
	RegionAsia Region = "asia"
)

// restartLength is how long a configured IBC AutoRestartTime restart is
// given: the new instance needs a couple of minutes to log in again.
const restartLength = 10 * time.Minute

// window is a daily span on one zone's wall clock, on the given weekdays.
type window struct {
	name       string
	zone       string
	start, end int // minutes after midnight
	days       []time.Weekday
	loc        *time.Location // zone, loaded once by NewRestartWindows
}

var sunToFri = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

// resetWindows are IB's server reset windows by region (systemStatus page).
var resetWindows = map[Region][]window{
	RegionNA:   {{"IB server reset (North America)", "America/New_York", 15, 105, sunToFri, nil}},
	RegionEU:   {{"IB server reset (Europe)", "Europe/Berlin", 6*60 + 25, 7*60 + 45, sunToFri, nil}},
	RegionAsia: {{"IB server reset (Asia-Pacific)", "Asia/Hong_Kong", 4*60 + 45, 6*60 + 5, sunToFri, nil}, {"IB server reset (Asia-Pacific)", "Asia/Hong_Kong", 20*60 + 15, 21*60 + 15, sunToFri, nil}},
}

// RestartWindows knows when the gateway is expected to be away: IB's daily
// reset for a region, the weekend maintenance (Friday 23:00 – Saturday 03:00
// ET), the Sunday re-login after tokens are invalidated at 01:00 ET, and the
// IBC AutoRestartTime. Immutable.
type RestartWindows struct {
	windows []window
}

// ParseRegion accepts "na", "eu" or "asia" (any case); "" means na.
func ParseRegion(s string) (Region, error) {
	r := Region(strings.ToLower(strings.TrimSpace(s)))
	if r == "" {
		return RegionNA, nil
	}
	if _, ok := resetWindows[r]; !ok {
		return "", fmt.Errorf("region %q: must be na, eu or asia", s)
	}
	return r, nil
}

// ParseClock reads "HH:MM" (24 h) as minutes after midnight.
func ParseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("%q: expected HH:MM, 24-hour", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// NewRestartWindows builds the schedule. restartTime is IBC's AutoRestartTime
// as "HH:MM" in the gateway's zone (New York: the calendar's), "" for none.
func NewRestartWindows(region Region, restartTime string) (*RestartWindows, error) {
	ws, ok := resetWindows[region]
	if !ok {
		return nil, fmt.Errorf("calendar: unknown region %q", region)
	}
	out := append([]window(nil), ws...)
	out = append(out,
		window{"IB weekend maintenance", "America/New_York", 23 * 60, 27 * 60, []time.Weekday{time.Friday}, nil},
		window{"Sunday re-login", "America/New_York", 60, 2 * 60, []time.Weekday{time.Sunday}, nil})
	if restartTime != "" {
		m, err := ParseClock(restartTime)
		if err != nil {
			return nil, fmt.Errorf("calendar: restart_time %w", err)
		}
		all := append(sunToFri[:6:6], time.Saturday)
		out = append(out, window{"gateway restart", "America/New_York", m, m + int(restartLength/time.Minute), all, nil})
	}
	for i := range out {
		loc, err := time.LoadLocation(out[i].zone)
		if err != nil {
			return nil, fmt.Errorf("calendar: zone %s: %w", out[i].zone, err)
		}
		out[i].loc = loc
	}
	return &RestartWindows{windows: out}, nil
}

// In says whether t falls in a window, which one, and when it ends (on the
// gateway's clock, in t's zone).
func (r *RestartWindows) In(t time.Time) (in bool, name string, until time.Time) {
	if r == nil {
		return false, "", time.Time{}
	}
	for _, w := range r.windows {
		loc := w.loc
		lt := t.In(loc)
		// A window may pass midnight (restart_time 23:55): look at today's and yesterday's.
		for back := 0; back <= 1; back++ {
			day := time.Date(lt.Year(), lt.Month(), lt.Day()-back, 0, 0, 0, 0, loc)
			if !hasDay(w.days, day.Weekday()) {
				continue
			}
			from := day.Add(time.Duration(w.start) * time.Minute)
			to := day.Add(time.Duration(w.end) * time.Minute)
			if !t.Before(from) && t.Before(to) {
				return true, w.name, to.In(t.Location())
			}
		}
	}
	return false, "", time.Time{}
}

func hasDay(days []time.Weekday, d time.Weekday) bool {
	for _, x := range days {
		if x == d {
			return true
		}
	}
	return false
}
