package ibsim

import (
	"strconv"
	"strings"
	"time"
)

// Regular trading hours, New York wall clock, Monday to Friday. The
// simulator knows no exchange holidays.
const (
	rthOpen  = 9*60 + 30 // minutes after midnight
	rthClose = 16 * 60
)

// inRTH reports whether a bar starting at start (Unix seconds) lies in a
// regular session. Bars of a day or longer always do.
func inRTH(start, size int64) bool {
	if size >= secondsPerDay {
		return true
	}
	t := time.Unix(start, 0).In(newYork)
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	return m >= rthOpen && m < rthClose
}

// rthFrom is where a regular-hours request for duration ending at end
// starts: as IB counts them, "N D" is the last N sessions and "N W" the last
// 5N; other units are a span of time. ok is false for the other units.
func rthFrom(end time.Time, duration string) (time.Time, bool) {
	f := strings.Fields(duration)
	if len(f) != 2 {
		return time.Time{}, false
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 1 {
		return time.Time{}, false
	}
	switch strings.ToUpper(f[1]) {
	case "D":
	case "W":
		n *= 5
	default:
		return time.Time{}, false
	}
	if n > 100_000 {
		return time.Time{}, false
	}
	e := end.In(newYork)
	day := time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, newYork)
	for seen := 0; ; day = day.AddDate(0, 0, -1) {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		open := time.Date(day.Year(), day.Month(), day.Day(), 9, 30, 0, 0, newYork)
		if !open.Before(end) {
			continue
		}
		if seen++; seen == n {
			return open, true
		}
	}
}
