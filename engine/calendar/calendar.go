package calendar

import (
	"fmt"
	"maps"
	"sync"
	"time"
	_ "time/tzdata" // the calendar must work on hosts without a zone database
)

// newYork is loaded once; with the embedded tz data it cannot fail unless the
// build itself is broken.
var newYork = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(fmt.Sprintf("calendar: embedded tz data lacks America/New_York: %v", err))
	}
	return loc
})

// Regular and early session times, New York wall clock.
const (
	openHour, openMinute = 9, 30
	closeHour            = 16
	earlyCloseHour       = 13
)

// Closure is a day the exchange closes outside its holiday rules (a national
// day of mourning, a storm).
type Closure struct {
	Date string // "2006-01-02"
	Name string
}

// adHocClosures are NYSE's unscheduled full-day closures in the rules' era.
var adHocClosures = []Closure{
	{Date: "2018-12-05", Name: "National Day of Mourning for President George H. W. Bush"},
	{Date: "2025-01-09", Name: "National Day of Mourning for President Jimmy Carter"},
}

// Calendar answers questions about NYSE trading days. It is immutable and
// safe for concurrent use.
type Calendar struct {
	loc      *time.Location
	closures map[date]string
}

// NYSE returns the New York Stock Exchange calendar, including its known
// ad-hoc closures.
func NYSE() *Calendar {
	c := &Calendar{loc: newYork(), closures: map[date]string{}}
	for _, cl := range adHocClosures {
		d, err := parseDate(cl.Date)
		if err != nil {
			panic(fmt.Sprintf("calendar: built-in closure %q: %v", cl.Date, err))
		}
		c.closures[d] = cl.Name
	}
	return c
}

// WithClosures returns a copy of c that is also closed on the given days, so
// a closure announced at short notice can come from configuration.
func (c *Calendar) WithClosures(closures ...Closure) (*Calendar, error) {
	out := &Calendar{loc: c.loc, closures: maps.Clone(c.closures)}
	for _, cl := range closures {
		d, err := parseDate(cl.Date)
		if err != nil {
			return nil, fmt.Errorf("closure %q: %w", cl.Date, err)
		}
		if cl.Name == "" {
			return nil, fmt.Errorf("closure %s: empty name", cl.Date)
		}
		out.closures[d] = cl.Name
	}
	return out, nil
}

// Location is America/New_York, the zone every session time is in.
func (c *Calendar) Location() *time.Location { return c.loc }

// Holiday reports whether the exchange is closed on a weekday for a holiday
// or an ad-hoc closure, and why. day names a calendar date: its year, month
// and day as read in its own location (pass t.In(c.Location()) to ask about
// the New York date of an instant). Weekends are not holidays.
func (c *Calendar) Holiday(day time.Time) (name string, ok bool) {
	return c.holiday(dateOf(day))
}

// Session returns the regular session of the calendar date day names (see
// Holiday), in New York time; ok is false on weekends and holidays. On early
// close days close is 13:00.
func (c *Calendar) Session(day time.Time) (open, close time.Time, ok bool) {
	return c.session(dateOf(day))
}

func (c *Calendar) holiday(d date) (string, bool) {
	if d.weekend() {
		return "", false
	}
	if name, ok := c.closures[d]; ok {
		return name, true
	}
	for h, name := range holidays(d.y) {
		if h == d {
			return name, true
		}
	}
	return "", false
}

func (c *Calendar) tradingDay(d date) bool {
	_, closed := c.holiday(d)
	return !d.weekend() && !closed
}

func (c *Calendar) session(d date) (open, close time.Time, ok bool) {
	if !c.tradingDay(d) {
		return time.Time{}, time.Time{}, false
	}
	hour := closeHour
	if earlyCloseDate(d) {
		hour = earlyCloseHour
	}
	open = time.Date(d.y, d.m, d.d, openHour, openMinute, 0, 0, c.loc)
	close = time.Date(d.y, d.m, d.d, hour, 0, 0, 0, c.loc)
	return open, close, true
}
