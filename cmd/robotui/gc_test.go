package main

import "testing"

func TestGCPercent(t *testing.T) {
	for _, tt := range []struct {
		live uint64
		want int
	}{
		{0, 100}, {1 << 20, 100}, {4 << 20, 100}, {8 << 20, 50}, {10 << 20, 40}, {17 << 20, 25}, {200 << 20, 25},
	} {
		if got := gcPercent(tt.live); got != tt.want {
			t.Errorf("live %d MB: GOGC %d, want %d", tt.live>>20, got, tt.want)
		}
	}
}
