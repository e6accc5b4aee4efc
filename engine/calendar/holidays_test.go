package calendar

import (
	"testing"
	"time"
)

// publishedYear is one year of NYSE's published holiday and early-close
// calendar (nyse.com, "Holidays & Trading Hours").
type publishedYear struct {
	year     int
	holidays []string // includes ad-hoc closures
	early    []string // 13:00 closes
}

var published = []publishedYear{
	{2022, // Jan 1 is a Saturday: not observed, Dec 31 2021 is a full day.
		[]string{"2022-01-17", "2022-02-21", "2022-04-15", "2022-05-30", "2022-06-20", "2022-07-04", "2022-09-05", "2022-11-24", "2022-12-26"},
		[]string{"2022-11-25"}},
	{2023,
		[]string{"2023-01-02", "2023-01-16", "2023-02-20", "2023-04-07", "2023-05-29", "2023-06-19", "2023-07-04", "2023-09-04", "2023-11-23", "2023-12-25"},
		[]string{"2023-07-03", "2023-11-24"}},
	{2024,
		[]string{"2024-01-01", "2024-01-15", "2024-02-19", "2024-03-29", "2024-05-27", "2024-06-19", "2024-07-04", "2024-09-02", "2024-11-28", "2024-12-25"},
		[]string{"2024-07-03", "2024-11-29", "2024-12-24"}},
	{2025,
		[]string{"2025-01-01", "2025-01-09", "2025-01-20", "2025-02-17", "2025-04-18", "2025-05-26", "2025-06-19", "2025-07-04", "2025-09-01", "2025-11-27", "2025-12-25"},
		[]string{"2025-07-03", "2025-11-28", "2025-12-24"}},
	{2026, // Jul 4 is a Saturday: Jul 3 is the holiday and Jul 2 a full day.
		[]string{"2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25", "2026-06-19", "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25"},
		[]string{"2026-11-27", "2026-12-24"}},
	{2027, // Jun 19 and Dec 25 are Saturdays, Jul 4 a Sunday.
		[]string{"2027-01-01", "2027-01-18", "2027-02-15", "2027-03-26", "2027-05-31", "2027-06-18", "2027-07-05", "2027-09-06", "2027-11-25", "2027-12-24"},
		[]string{"2027-11-26"}},
}

// TestPublishedCalendars checks every day of each published year: weekends
// closed, exactly the published holidays closed, exactly the published early
// closes at 13:00, every other weekday 9:30 to 16:00.
func TestPublishedCalendars(t *testing.T) {
	cal := NYSE()
	for _, py := range published {
		holiday := setOf(t, py.holidays)
		early := setOf(t, py.early)
		for d := (date{py.year, time.January, 1}); d.y == py.year; d = d.addDays(1) {
			day := time.Date(d.y, d.m, d.d, 0, 0, 0, 0, cal.Location())
			name, isHoliday := cal.Holiday(day)
			open, close, ok := cal.Session(day)
			switch {
			case d.weekend():
				if ok || isHoliday {
					t.Errorf("%s (weekend): session=%v holiday=%q", d, ok, name)
				}
			case holiday[d]:
				if ok || !isHoliday || name == "" {
					t.Errorf("%s: want holiday, got session=%v holiday=%v %q", d, ok, isHoliday, name)
				}
			default:
				wantClose := 16
				if early[d] {
					wantClose = 13
				}
				if !ok || isHoliday {
					t.Errorf("%s: want trading day, got session=%v holiday=%q", d, ok, name)
					continue
				}
				if open.Hour() != 9 || open.Minute() != 30 || close.Hour() != wantClose || close.Minute() != 0 {
					t.Errorf("%s: session %s-%s, want 09:30-%02d:00", d, open.Format("15:04"), close.Format("15:04"), wantClose)
				}
				if dateOf(open) != d || dateOf(close) != d || open.Location() != cal.Location() {
					t.Errorf("%s: session %v-%v is not on that New York day", d, open, close)
				}
			}
		}
		for d := range holiday {
			if d.weekend() {
				t.Errorf("table error: holiday %s is a weekend day", d)
			}
		}
	}
}

func setOf(t *testing.T, days []string) map[date]bool {
	t.Helper()
	set := map[date]bool{}
	for _, s := range days {
		d, err := parseDate(s)
		if err != nil {
			t.Fatalf("table date %q: %v", s, err)
		}
		set[d] = true
	}
	return set
}

func TestHolidayNames(t *testing.T) {
	cal := NYSE()
	tests := []struct {
		day  string
		name string // "" means not a holiday
	}{
		{"2024-01-01", "New Year's Day"},
		{"2023-01-02", "New Year's Day"},
		{"2022-01-01", ""}, // Saturday
		{"2021-12-31", ""}, // no Friday observance of a Saturday New Year
		{"2024-01-15", "Martin Luther King Jr. Day"},
		{"2024-02-19", "Washington's Birthday"},
		{"2024-03-29", "Good Friday"},
		{"2024-05-27", "Memorial Day"},
		{"2021-06-18", ""}, // before NYSE observed Juneteenth
		{"2022-06-20", "Juneteenth"},
		{"2027-06-18", "Juneteenth"},
		{"2026-07-03", "Independence Day"},
		{"2026-07-04", ""}, // Saturday
		{"2026-07-02", ""},
		{"2027-07-05", "Independence Day"},
		{"2024-09-02", "Labor Day"},
		{"2024-11-28", "Thanksgiving"},
		{"2027-12-24", "Christmas"},
		{"2022-12-26", "Christmas"},
		{"2025-01-09", "National Day of Mourning for President Jimmy Carter"},
		{"2018-12-05", "National Day of Mourning for President George H. W. Bush"},
		{"2024-06-12", ""},
	}
	for _, tt := range tests {
		d, err := parseDate(tt.day)
		if err != nil {
			t.Fatal(err)
		}
		name, ok := cal.Holiday(time.Date(d.y, d.m, d.d, 15, 0, 0, 0, cal.Location()))
		if name != tt.name || ok != (tt.name != "") {
			t.Errorf("Holiday(%s) = %q, %v; want %q", tt.day, name, ok, tt.name)
		}
	}
}

// TestDayIsReadInItsOwnLocation pins the documented convention: a date built
// in UTC names that UTC date, although the instant is the evening before in
// New York.
func TestDayIsReadInItsOwnLocation(t *testing.T) {
	cal := NYSE()
	day := time.Date(2024, time.July, 4, 0, 0, 0, 0, time.UTC)
	if name, ok := cal.Holiday(day); !ok || name != "Independence Day" {
		t.Errorf("Holiday(2024-07-04 UTC) = %q, %v; want Independence Day", name, ok)
	}
	open, _, ok := cal.Session(time.Date(2024, time.July, 3, 23, 0, 0, 0, time.FixedZone("UTC+14", 14*3600)))
	if !ok || dateOf(open) != (date{2024, time.July, 3}) {
		t.Errorf("Session(2024-07-03 in UTC+14) = %v, %v; want the July 3 session", open, ok)
	}
}

func TestSessionHoursInUTCAcrossDST(t *testing.T) {
	cal := NYSE()
	tests := []struct {
		day      time.Time
		openUTC  string
		closeUTC string
	}{
		{time.Date(2024, time.January, 2, 0, 0, 0, 0, time.UTC), "14:30", "21:00"},
		{time.Date(2024, time.March, 8, 0, 0, 0, 0, time.UTC), "14:30", "21:00"},  // last EST Friday
		{time.Date(2024, time.March, 11, 0, 0, 0, 0, time.UTC), "13:30", "20:00"}, // first EDT Monday
		{time.Date(2024, time.November, 1, 0, 0, 0, 0, time.UTC), "13:30", "20:00"},
		{time.Date(2024, time.November, 4, 0, 0, 0, 0, time.UTC), "14:30", "21:00"},
		{time.Date(2024, time.November, 29, 0, 0, 0, 0, time.UTC), "14:30", "18:00"}, // early close
	}
	for _, tt := range tests {
		open, close, ok := cal.Session(tt.day)
		if !ok {
			t.Errorf("%s: no session", tt.day.Format(time.DateOnly))
			continue
		}
		if got := open.UTC().Format("15:04"); got != tt.openUTC {
			t.Errorf("%s: open %s UTC, want %s", tt.day.Format(time.DateOnly), got, tt.openUTC)
		}
		if got := close.UTC().Format("15:04"); got != tt.closeUTC {
			t.Errorf("%s: close %s UTC, want %s", tt.day.Format(time.DateOnly), got, tt.closeUTC)
		}
	}
}

func TestEaster(t *testing.T) {
	known := []string{
		"1818-03-22", "1943-04-25", "1961-04-02", "2000-04-23", "2008-03-23", "2011-04-24",
		"2019-04-21", "2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2028-04-16",
		"2029-04-01", "2030-04-21", "2038-04-25", "2285-03-22",
	}
	for _, s := range known {
		want, err := parseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := easter(want.y); got != want {
			t.Errorf("easter(%d) = %s, want %s", want.y, got, want)
		}
	}
	lo, hi := date{0, time.March, 22}, date{0, time.April, 25}
	for y := 1583; y <= 4099; y++ {
		e := easter(y)
		lo.y, hi.y = y, y
		if e.weekday() != time.Sunday || e.noon().Before(lo.noon()) || e.noon().After(hi.noon()) {
			t.Fatalf("easter(%d) = %s (%s): not a Sunday in Mar 22..Apr 25", y, e, e.weekday())
		}
	}
}

// TestRulesOverACentury checks invariants of every year 2000..2100: 9 or 10
// rule holidays (10 or 11 from 2022), all on weekdays, and a plausible number
// of trading days.
func TestRulesOverACentury(t *testing.T) {
	cal := NYSE()
	for y := 2000; y <= 2100; y++ {
		n := 0
		for d, name := range holidays(y) {
			n++
			if d.y != y || d.weekend() || name == "" {
				t.Errorf("%d: holiday %q on %s (%s)", y, name, d, d.weekday())
			}
		}
		minN, maxN := 8, 9
		if y >= juneteenthFirstYear {
			minN, maxN = 9, 10
		}
		if n < minN || n > maxN {
			t.Errorf("%d: %d rule holidays, want %d..%d", y, n, minN, maxN)
		}
		trading := 0
		for d := (date{y, time.January, 1}); d.y == y; d = d.addDays(1) {
			if cal.tradingDay(d) {
				trading++
			}
		}
		if trading < 245 || trading > 255 {
			t.Errorf("%d: %d trading days", y, trading)
		}
	}
}

func TestWithClosures(t *testing.T) {
	base := NYSE()
	extra, err := base.WithClosures(Closure{Date: "2030-06-12", Name: "Test closure"})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2030, time.June, 12, 0, 0, 0, 0, time.UTC)
	if name, ok := extra.Holiday(day); !ok || name != "Test closure" {
		t.Errorf("extra.Holiday = %q, %v", name, ok)
	}
	if _, ok := base.Holiday(day); ok {
		t.Error("WithClosures modified the calendar it was called on")
	}
	if _, ok := extra.Holiday(time.Date(2025, time.January, 9, 0, 0, 0, 0, time.UTC)); !ok {
		t.Error("WithClosures dropped the built-in closures")
	}
	for _, bad := range []Closure{
		{Date: "2030-02-30", Name: "x"},
		{Date: "12/06/2030", Name: "x"},
		{Date: "", Name: "x"},
		{Date: "2030-06-12", Name: ""},
	} {
		if _, err := base.WithClosures(bad); err == nil {
			t.Errorf("WithClosures(%+v) accepted", bad)
		}
	}
}
