package main

import (
	"testing"
	"time"

	"github.com/robotui/robotui/engine/calendar"
)

// TestDemoStart: --sim without sim.start keeps regular-hours bars coming at
// any hour: now while the market is open, else the last session's first hour.
func TestDemoStart(t *testing.T) {
	cal := calendar.NYSE()
	ny := cal.Location()
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, ny)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct{ now, want string }{
		{"2026-01-06 11:00", "2026-01-06 11:00"}, // Tuesday, open
		{"2026-01-06 20:00", "2026-01-06 10:00"}, // after the close
		{"2026-01-06 08:00", "2026-01-05 10:00"}, // before the open
		{"2026-01-10 12:00", "2026-01-09 10:00"}, // Saturday
		{"2025-12-25 12:00", "2025-12-24 10:00"}, // Christmas: the day before
	}
	for _, tt := range tests {
		if got := demoStart(at(tt.now), cal); !got.Equal(at(tt.want)) {
			t.Errorf("demoStart(%s) = %s, want %s", tt.now, got.In(ny).Format("2006-01-02 15:04"), tt.want)
		}
	}
}
