package ibsim

import (
	"sync"
	"time"
)

// Clock is the simulator's market time. It may run faster than wall time.
type Clock interface{ Now() time.Time }

// scaledClock runs from start at speed times wall time.
type scaledClock struct {
	start time.Time
	wall  time.Time // wall time at start; carries the monotonic reading
	speed float64
}

func newScaledClock(start time.Time, speed float64) *scaledClock {
	return &scaledClock{start: start, wall: time.Now(), speed: speed}
}

func (c *scaledClock) Now() time.Time {
	elapsed := time.Since(c.wall)
	if c.speed == 1 {
		return c.start.Add(elapsed)
	}
	return c.start.Add(time.Duration(float64(elapsed) * c.speed))
}

// ManualClock is a Clock that moves only when told to. A server using it
// pushes live updates on every Advance instead of on a timer.
type ManualClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters map[*clockWaiter]struct{}
}

// clockWaiter is one server's pusher listening to a ManualClock.
type clockWaiter struct {
	wake chan chan struct{} // each wake carries a channel the pusher closes when done
	quit <-chan struct{}
}

// NewManualClock returns a clock standing at t.
func NewManualClock(t time.Time) *ManualClock {
	return &ManualClock{now: t, waiters: map[*clockWaiter]struct{}{}}
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (a negative d only wakes the
// pushers) and returns once every server using the clock has queued the live
// updates for the new time.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	waiters := make([]*clockWaiter, 0, len(c.waiters))
	for w := range c.waiters {
		waiters = append(waiters, w)
	}
	c.mu.Unlock()
	for _, w := range waiters {
		done := make(chan struct{})
		select {
		case w.wake <- done:
		case <-w.quit:
			continue
		}
		select {
		case <-done:
		case <-w.quit:
		}
	}
}

func (c *ManualClock) subscribe(quit <-chan struct{}) *clockWaiter {
	w := &clockWaiter{wake: make(chan chan struct{}), quit: quit}
	c.mu.Lock()
	c.waiters[w] = struct{}{}
	c.mu.Unlock()
	return w
}

func (c *ManualClock) unsubscribe(w *clockWaiter) {
	c.mu.Lock()
	delete(c.waiters, w)
	c.mu.Unlock()
}
