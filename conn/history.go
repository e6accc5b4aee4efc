package conn

import (
	"slices"
	"time"
)

// PingSample is one keepalive round trip.
type PingSample struct {
	At  time.Time     // when the ping was sent
	RTT time.Duration // round trip; for a miss, the time waited
	OK  bool          // answered within the timeout
}

// pingRing is a bounded history of samples, newest last.
type pingRing struct {
	buf  []PingSample
	next int
	full bool
}

func newPingRing(n int) *pingRing {
	if n < 1 {
		n = 1
	}
	return &pingRing{buf: make([]PingSample, n)}
}

func (r *pingRing) add(s PingSample) {
	r.buf[r.next] = s
	r.next++
	if r.next == len(r.buf) {
		r.next, r.full = 0, true
	}
}

// samples returns a copy, oldest first.
func (r *pingRing) samples() []PingSample {
	if !r.full {
		return slices.Clone(r.buf[:r.next])
	}
	out := make([]PingSample, 0, len(r.buf))
	out = append(out, r.buf[r.next:]...)
	return append(out, r.buf[:r.next]...)
}

// Percentile returns the p-th percentile (0..100) of the answered round trips.
func Percentile(samples []PingSample, p float64) time.Duration {
	rtts := make([]time.Duration, 0, len(samples))
	for _, s := range samples {
		if s.OK {
			rtts = append(rtts, s.RTT)
		}
	}
	if len(rtts) == 0 {
		return 0
	}
	slices.Sort(rtts)
	i := int(p / 100 * float64(len(rtts)-1))
	return rtts[min(max(i, 0), len(rtts)-1)]
}
