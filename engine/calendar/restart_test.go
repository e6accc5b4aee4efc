package calendar

import (
	"testing"
	"time"
)

func TestRestartWindows(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	hk, _ := time.LoadLocation("Asia/Hong_Kong")
	na, _ := NewRestartWindows(RegionNA, "23:45")
	asia, _ := NewRestartWindows(RegionAsia, "")
	for _, c := range []struct {
		w     *RestartWindows
		at    time.Time
		in    bool
		until string // New York wall clock of the end
	}{
		{na, time.Date(2026, 1, 6, 0, 15, 0, 0, ny), true, "01:45"},
		{na, time.Date(2026, 1, 6, 1, 45, 0, 0, ny), false, ""},
		{na, time.Date(2026, 1, 6, 12, 0, 0, 0, ny), false, ""},
		{na, time.Date(2026, 1, 6, 23, 50, 0, 0, ny), true, "23:55"},   // restart_time
		{na, time.Date(2026, 1, 9, 23, 30, 0, 0, ny), true, "03:00"},   // Friday night: weekend maintenance
		{na, time.Date(2026, 1, 10, 2, 0, 0, 0, ny), true, "03:00"},    // Saturday morning
		{na, time.Date(2026, 1, 10, 0, 30, 0, 0, ny), true, "03:00"},   // Saturday: no daily reset, the weekend's
		{na, time.Date(2026, 1, 11, 1, 50, 0, 0, ny), true, "02:00"},   // Sunday re-login
		{asia, time.Date(2026, 1, 6, 20, 30, 0, 0, hk), true, "08:15"}, // HKT 21:15 = 08:15 ET
		{asia, time.Date(2026, 1, 6, 0, 30, 0, 0, ny), false, ""},
	} {
		in, name, until := c.w.In(c.at)
		if in != c.in || (in && until.In(ny).Format("15:04") != c.until) {
			t.Errorf("%s: in %v (%s) until %s, want %v until %s", c.at, in, name, until.In(ny).Format("15:04"), c.in, c.until)
		}
	}
	if _, err := NewRestartWindows(RegionNA, "7pm"); err == nil {
		t.Error("restart_time 7pm accepted")
	}
}
