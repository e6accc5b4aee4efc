package conn

import (
	"testing"
	"time"
)

func TestWarmDuration(t *testing.T) {
	now := time.Date(2025, 3, 4, 17, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		since time.Duration
		full  string
		want  string
	}{
		{2 * time.Hour, "2 D", "7261 S"},   // the span, a minute of slack, rounded up
		{23 * time.Hour, "2 D", "82861 S"}, // still seconds: under a day
		{25 * time.Hour, "5 D", "2 D"},     // days beyond a day
		{25 * time.Hour, "2 D", "2 D"},     // never more than the full request
		{-time.Hour, "2 D", "61 S"},        // a stored bar "after" now: a minute
		{72 * time.Hour, "1 W", "4 D"},     // another unit: days
	} {
		if got := WarmDuration(now.Add(-c.since), now, c.full); got != c.want {
			t.Errorf("WarmDuration(%s, %q) = %q, want %q", c.since, c.full, got, c.want)
		}
	}
}
