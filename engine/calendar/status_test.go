package calendar

import (
	"testing"
	"time"
)

func TestStatus(t *testing.T) {
	cal := NYSE()
	ny := func(y int, m time.Month, d, hh, mm, ss int) time.Time {
		return time.Date(y, m, d, hh, mm, ss, 0, cal.Location())
	}
	utc := func(y int, m time.Month, d, hh, mm int) time.Time {
		return time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
	}
	tokyo := time.FixedZone("JST", 9*3600)
	tests := []struct {
		name string
		now  time.Time
		want Status
	}{
		{"pre-market", ny(2024, 6, 12, 9, 29, 59), Status{Reason: ReasonPreMarket, NextChange: ny(2024, 6, 12, 9, 30, 0)}},
		{"at the open", ny(2024, 6, 12, 9, 30, 0), Status{Open: true, Reason: ReasonOpen, NextChange: ny(2024, 6, 12, 16, 0, 0)}},
		{"last second", ny(2024, 6, 12, 15, 59, 59), Status{Open: true, Reason: ReasonOpen, NextChange: ny(2024, 6, 12, 16, 0, 0)}},
		{"at the close", ny(2024, 6, 12, 16, 0, 0), Status{Reason: ReasonAfterHours, NextChange: ny(2024, 6, 13, 9, 30, 0)}},
		{"midnight before", ny(2024, 6, 12, 0, 0, 0), Status{Reason: ReasonPreMarket, NextChange: ny(2024, 6, 12, 9, 30, 0)}},
		{"friday after close skips weekend", ny(2024, 6, 14, 17, 0, 0), Status{Reason: ReasonAfterHours, NextChange: ny(2024, 6, 17, 9, 30, 0)}},
		{"friday after close skips monday holiday", ny(2025, 1, 17, 16, 30, 0), Status{Reason: ReasonAfterHours, NextChange: ny(2025, 1, 21, 9, 30, 0)}},
		{"saturday", ny(2025, 1, 18, 12, 0, 0), Status{Reason: ReasonWeekend, NextChange: ny(2025, 1, 21, 9, 30, 0)}},
		{"sunday late", ny(2024, 6, 16, 23, 59, 59), Status{Reason: ReasonWeekend, NextChange: ny(2024, 6, 17, 9, 30, 0)}},
		{"holiday", ny(2025, 1, 20, 10, 0, 0), Status{Reason: HolidayPrefix + "Martin Luther King Jr. Day", NextChange: ny(2025, 1, 21, 9, 30, 0)}},
		{"before ad-hoc closure", ny(2025, 1, 8, 16, 0, 0), Status{Reason: ReasonAfterHours, NextChange: ny(2025, 1, 10, 9, 30, 0)}},
		{"ad-hoc closure", ny(2025, 1, 9, 11, 0, 0), Status{Reason: HolidayPrefix + "National Day of Mourning for President Jimmy Carter", NextChange: ny(2025, 1, 10, 9, 30, 0)}},
		{"thanksgiving", ny(2024, 11, 28, 10, 0, 0), Status{Reason: HolidayPrefix + "Thanksgiving", NextChange: ny(2024, 11, 29, 9, 30, 0)}},
		{"early day pre-market", ny(2024, 7, 3, 9, 0, 0), Status{Reason: ReasonPreMarket, NextChange: ny(2024, 7, 3, 9, 30, 0), Early: true}},
		{"early day open", ny(2024, 7, 3, 12, 59, 59), Status{Open: true, Reason: ReasonEarlyClose, NextChange: ny(2024, 7, 3, 13, 0, 0), Early: true}},
		{"early close skips holiday", ny(2024, 7, 3, 13, 0, 0), Status{Reason: ReasonAfterHours, NextChange: ny(2024, 7, 5, 9, 30, 0), Early: true}},
		{"day after thanksgiving", ny(2024, 11, 29, 12, 0, 0), Status{Open: true, Reason: ReasonEarlyClose, NextChange: ny(2024, 11, 29, 13, 0, 0), Early: true}},
		{"christmas eve to monday", ny(2026, 12, 24, 14, 0, 0), Status{Reason: ReasonAfterHours, NextChange: ny(2026, 12, 28, 9, 30, 0), Early: true}},
		{"observed independence day", ny(2026, 7, 3, 10, 0, 0), Status{Reason: HolidayPrefix + "Independence Day", NextChange: ny(2026, 7, 6, 9, 30, 0)}},
		{"jul 2 2026 full day", ny(2026, 7, 2, 15, 0, 0), Status{Open: true, Reason: ReasonOpen, NextChange: ny(2026, 7, 2, 16, 0, 0)}},
		{"dec 31 2021 open", ny(2021, 12, 31, 15, 0, 0), Status{Open: true, Reason: ReasonOpen, NextChange: ny(2021, 12, 31, 16, 0, 0)}},
		{"saturday new year", ny(2022, 1, 1, 12, 0, 0), Status{Reason: ReasonWeekend, NextChange: ny(2022, 1, 3, 9, 30, 0)}},
		{"sunday new year observed monday", ny(2022, 12, 31, 12, 0, 0), Status{Reason: ReasonWeekend, NextChange: ny(2023, 1, 3, 9, 30, 0)}},
		{"spring DST: last EST close", utc(2024, 3, 8, 21, 0), Status{Reason: ReasonAfterHours, NextChange: utc(2024, 3, 11, 13, 30)}},
		{"spring DST: sunday after jump", utc(2024, 3, 10, 7, 0), Status{Reason: ReasonWeekend, NextChange: utc(2024, 3, 11, 13, 30)}},
		{"spring DST: EST open", utc(2024, 3, 8, 14, 30), Status{Open: true, Reason: ReasonOpen, NextChange: utc(2024, 3, 8, 21, 0)}},
		{"spring DST: EDT pre-open", utc(2024, 3, 11, 13, 29), Status{Reason: ReasonPreMarket, NextChange: utc(2024, 3, 11, 13, 30)}},
		{"spring DST: EDT open", utc(2024, 3, 11, 13, 30), Status{Open: true, Reason: ReasonOpen, NextChange: utc(2024, 3, 11, 20, 0)}},
		{"fall DST: last EDT close", utc(2024, 11, 1, 20, 0), Status{Reason: ReasonAfterHours, NextChange: utc(2024, 11, 4, 14, 30)}},
		{"fall DST: sunday repeated hour", utc(2024, 11, 3, 6, 30), Status{Reason: ReasonWeekend, NextChange: utc(2024, 11, 4, 14, 30)}},
		{"fall DST: EST pre-open", utc(2024, 11, 4, 14, 29), Status{Reason: ReasonPreMarket, NextChange: utc(2024, 11, 4, 14, 30)}},
		{"UTC saturday is New York friday", utc(2024, 6, 15, 3, 0), Status{Reason: ReasonAfterHours, NextChange: ny(2024, 6, 17, 9, 30, 0)}},
		{"tokyo instant", time.Date(2024, 6, 12, 22, 30, 0, 0, tokyo), Status{Open: true, Reason: ReasonOpen, NextChange: ny(2024, 6, 12, 16, 0, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cal.Status(tt.now)
			if got.Open != tt.want.Open || got.Reason != tt.want.Reason || got.Early != tt.want.Early || !got.NextChange.Equal(tt.want.NextChange) {
				t.Errorf("Status(%v)\n got  %+v\n want %+v", tt.now, got, tt.want)
			}
			if got.NextChange.Location() != cal.Location() {
				t.Errorf("NextChange in %v, want New York", got.NextChange.Location())
			}
		})
	}
}

// TestStatusTransitions walks 2024..2027 minute by minute around every day's
// boundaries: NextChange is in the future and flips Open when reached, and
// the state just before NextChange is the current one.
func TestStatusTransitions(t *testing.T) {
	cal := NYSE()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, cal.Location())
	end := time.Date(2028, 1, 1, 0, 0, 0, 0, cal.Location())
	for now := start; now.Before(end); now = now.Add(37 * time.Minute) {
		s := cal.Status(now)
		if !s.NextChange.After(now) {
			t.Fatalf("Status(%v).NextChange = %v, not after now", now, s.NextChange)
		}
		if next := cal.Status(s.NextChange); next.Open == s.Open {
			t.Fatalf("Status(%v) = %+v, but at NextChange Open is still %v", now, s, next.Open)
		}
		if before := cal.Status(s.NextChange.Add(-time.Nanosecond)); before.Open != s.Open {
			t.Fatalf("Status(%v) = %+v, but just before NextChange Open is %v", now, s, before.Open)
		}
	}
}

func FuzzStatus(f *testing.F) {
	for _, sec := range []int64{0, -1, 1704205800, 1735689600, 1782864000, -62135596800, 253402300799, 1 << 62, -1 << 62} {
		f.Add(sec, int64(0))
	}
	cal := NYSE()
	f.Fuzz(func(t *testing.T, sec, nsec int64) {
		now := time.Unix(sec, nsec)
		s := cal.Status(now)
		if y := now.In(cal.Location()).Year(); y < 1900 || y > 2200 {
			return // only no-panic is promised this far out
		}
		if !s.NextChange.After(now) {
			t.Fatalf("Status(%v).NextChange = %v, not after now", now, s.NextChange)
		}
		if s.Reason == "" {
			t.Fatalf("Status(%v) has no reason", now)
		}
	})
}

func BenchmarkStatus(b *testing.B) {
	cal := NYSE()
	now := time.Date(2025, 1, 17, 16, 30, 0, 0, cal.Location())
	for b.Loop() {
		cal.Status(now)
	}
}
