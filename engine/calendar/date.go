package calendar

import "time"

// date is a calendar day with no time or zone.
type date struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) date {
	y, m, d := t.Date()
	return date{y, m, d}
}

func parseDate(s string) (date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return date{}, err
	}
	return dateOf(t), nil
}

// noon avoids any doubt about which day a UTC instant belongs to.
func (d date) noon() time.Time { return time.Date(d.y, d.m, d.d, 12, 0, 0, 0, time.UTC) }

func (d date) weekday() time.Weekday { return d.noon().Weekday() }

func (d date) weekend() bool {
	wd := d.weekday()
	return wd == time.Saturday || wd == time.Sunday
}

func (d date) addDays(n int) date { return dateOf(d.noon().AddDate(0, 0, n)) }

func (d date) String() string { return d.noon().Format(time.DateOnly) }
