package calendar

import "time"

// Reasons reported by Status; a holiday reads HolidayPrefix + its name.
const (
	ReasonOpen       = "open"
	ReasonEarlyClose = "early close day"
	ReasonWeekend    = "weekend"
	ReasonPreMarket  = "pre-market"
	ReasonAfterHours = "after hours"
	HolidayPrefix    = "holiday: "
)

// maxClosedRun bounds the search for the next session; no real run of closed
// days comes near it.
const maxClosedRun = 400

// Status is the exchange's state at one instant.
type Status struct {
	Open   bool
	Reason string
	// NextChange is the next close while open, the next open while closed
	// (zero only if no session starts within maxClosedRun days).
	NextChange time.Time
	// Early is true when today's (New York date) session closes at 13:00.
	Early bool
}

// Status says whether the exchange is in its regular session at now, why,
// and when that changes. Times are returned in New York time.
func (c *Calendar) Status(now time.Time) Status {
	now = now.In(c.loc)
	today := dateOf(now)
	if today.weekend() {
		return Status{Reason: ReasonWeekend, NextChange: c.nextOpen(today.addDays(1))}
	}
	if name, ok := c.holiday(today); ok {
		return Status{Reason: HolidayPrefix + name, NextChange: c.nextOpen(today.addDays(1))}
	}
	open, close, _ := c.session(today)
	early := close.Hour() == earlyCloseHour
	switch {
	case now.Before(open):
		return Status{Reason: ReasonPreMarket, NextChange: open, Early: early}
	case now.Before(close):
		reason := ReasonOpen
		if early {
			reason = ReasonEarlyClose
		}
		return Status{Open: true, Reason: reason, NextChange: close, Early: early}
	default:
		return Status{Reason: ReasonAfterHours, NextChange: c.nextOpen(today.addDays(1)), Early: early}
	}
}

// nextOpen is the opening time of the first session on or after day from.
func (c *Calendar) nextOpen(from date) time.Time {
	for i := range maxClosedRun {
		if open, _, ok := c.session(from.addDays(i)); ok {
			return open
		}
	}
	return time.Time{}
}
