package calendar

import (
	"iter"
	"time"
)

// juneteenthFirstYear is the first year NYSE closed for Juneteenth.
const juneteenthFirstYear = 2022

// holidays yields NYSE's rule-based holidays of year y on the day the
// exchange observes them. Saturday holidays move to the Friday before and
// Sunday ones to the Monday after, except New Year's Day: on a Saturday it is
// not observed (NYSE stays open on Friday, December 31).
func holidays(y int) iter.Seq2[date, string] {
	return func(yield func(date, string) bool) {
		newYear := date{y, time.January, 1}
		if newYear.weekday() == time.Sunday {
			newYear = newYear.addDays(1)
		}
		list := []struct {
			d    date
			name string
			ok   bool
		}{
			{newYear, "New Year's Day", newYear.weekday() != time.Saturday},
			{nthWeekday(y, time.January, time.Monday, 3), "Martin Luther King Jr. Day", true},
			{nthWeekday(y, time.February, time.Monday, 3), "Washington's Birthday", true},
			{easter(y).addDays(-2), "Good Friday", true},
			{lastWeekday(y, time.May, time.Monday), "Memorial Day", true},
			{observed(date{y, time.June, 19}), "Juneteenth", y >= juneteenthFirstYear},
			{observed(date{y, time.July, 4}), "Independence Day", true},
			{nthWeekday(y, time.September, time.Monday, 1), "Labor Day", true},
			{thanksgiving(y), "Thanksgiving", true},
			{observed(date{y, time.December, 25}), "Christmas", true},
		}
		for _, h := range list {
			if h.ok && !yield(h.d, h.name) {
				return
			}
		}
	}
}

// earlyCloseDate reports the days that close at 13:00 when they are trading
// days: July 3, the day after Thanksgiving and December 24. Only July 3
// itself qualifies: when July 4 is a Saturday, July 3 is the observed holiday
// and NYSE does not close early on July 2 (none in 2015 or 2026); when July 4
// is a Sunday or Monday, July 3 is a weekend day. Likewise December 24 is the
// observed Christmas when December 25 is a Saturday, and December 23 stays a
// full day.
func earlyCloseDate(d date) bool {
	switch {
	case d.m == time.July && d.d == 3:
		return true
	case d.m == time.December && d.d == 24:
		return true
	}
	return d == thanksgiving(d.y).addDays(1)
}

func thanksgiving(y int) date { return nthWeekday(y, time.November, time.Thursday, 4) }

// observed moves a Saturday holiday to Friday and a Sunday one to Monday.
func observed(d date) date {
	switch d.weekday() {
	case time.Saturday:
		return d.addDays(-1)
	case time.Sunday:
		return d.addDays(1)
	}
	return d
}

// nthWeekday is the n-th (1-based) given weekday of a month.
func nthWeekday(y int, m time.Month, wd time.Weekday, n int) date {
	first := date{y, m, 1}
	offset := (int(wd) - int(first.weekday()) + 7) % 7
	return first.addDays(offset + 7*(n-1))
}

// lastWeekday is the last given weekday of a month.
func lastWeekday(y int, m time.Month, wd time.Weekday) date {
	last := date{y, m + 1, 1}.addDays(-1)
	offset := (int(last.weekday()) - int(wd) + 7) % 7
	return last.addDays(-offset)
}

// easter is Western (Gregorian) Easter Sunday, by the anonymous Gregorian
// computus (Meeus/Jones/Butcher).
func easter(y int) date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return date{y, time.Month(month), day}
}
