package conn

import (
	"sync"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/conn/wire"
)

// tickCollector counts the TICK_CLOSE ticks and errors of one subscription:
// the simulator sends the close once per request, so each one is a request
// answered.
type tickCollector struct {
	mu     sync.Mutex
	closes int
	codes  []int
	wake   chan struct{}
}

func newTickCollector() *tickCollector { return &tickCollector{wake: make(chan struct{}, 1)} }

func (c *tickCollector) handle(ev TickEvent) {
	c.mu.Lock()
	switch {
	case ev.Code != 0:
		c.codes = append(c.codes, ev.Code)
	case ev.TickType == wire.TickClose && !ev.IsSize:
		c.closes++
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *tickCollector) wait(t *testing.T, what string, within time.Duration, ok func(closes int, codes []int) bool) {
	t.Helper()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		done := ok(c.closes, c.codes)
		closes, codes := c.closes, append([]int(nil), c.codes...)
		c.mu.Unlock()
		if done {
			return
		}
		select {
		case <-c.wake:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s: %d answers, errors %v", what, closes, codes)
		}
	}
}

func TestQuotesAreAskedAgainAfterReconnectAndCodes(t *testing.T) {
	tests := []struct {
		name  string
		fault ibsim.Fault
	}{
		{name: "drop", fault: ibsim.Fault{Kind: "drop", Mode: "fin"}},
		{name: "1101", fault: ibsim.Fault{Kind: "codes", Codes: []int{1100, 1101}, Gap: ibsim.Duration(20 * time.Millisecond)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, s, rec, _ := readyWithBars(t, ibsim.Config{}, nil)
			ticks := newTickCollector()
			q := s.SubscribeQuotes(wire.Stock("MSFT"), ticks.handle)
			ticks.wait(t, "the first quote", 5*time.Second, func(n int, _ []int) bool { return n == 1 })
			mark := rec.len()
			if err := sim.Inject(tt.fault); err != nil {
				t.Fatal(err)
			}
			rec.waitFor(t, mark, 5*time.Second, "ready again", func(ev Event) bool {
				sc, ok := ev.(StateChange)
				return ok && sc.State == Ready && sc.Prev != Ready
			})
			ticks.wait(t, "the quote asked again", 5*time.Second, func(n int, _ []int) bool { return n == 2 })
			ticks.mu.Lock()
			codes := ticks.codes
			ticks.mu.Unlock()
			if len(codes) != 0 {
				t.Errorf("errors on the quote request: %v (a re-request must not be a duplicate)", codes)
			}
			if why := q.Refused(); why != "" {
				t.Errorf("refused: %s", why)
			}
		})
	}
}

func TestQuoteRefusalAndCancel(t *testing.T) {
	_, s, _, _ := readyWithBars(t, ibsim.Config{}, nil)
	bad := newTickCollector()
	q := s.SubscribeQuotes(wire.Stock("NOSUCHSYM"), bad.handle)
	bad.wait(t, "the refusal", 5*time.Second, func(_ int, codes []int) bool { return len(codes) == 1 })
	if bad.codes[0] != 200 {
		t.Errorf("refused with %v, want 200", bad.codes)
	}
	if why := q.Refused(); why == "" { // set before the handler runs
		t.Error("Refused is empty after the refusal")
	}
	q.Cancel()
	if q.Contract().Symbol != "NOSUCHSYM" {
		t.Errorf("contract %+v", q.Contract())
	}
}

func TestQuotesAskedAgainAfterFarmFlapAndCompetingSession(t *testing.T) {
	tests := []struct {
		name  string
		fault ibsim.Fault
	}{
		// The farm's live updates stop until re-requested: its OK has them asked again.
		{name: "farm flap", fault: ibsim.Fault{Kind: "farm_flap", Farm: "usfarm", For: ibsim.Duration(50 * time.Millisecond)}},
		// 10197 interrupts the request: asked again after RetryDelay.
		{name: "competing session", fault: ibsim.Fault{Kind: "competing_session", For: ibsim.Duration(50 * time.Millisecond)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, s, _, _ := readyWithBars(t, ibsim.Config{}, func(c *Config) { c.RetryDelay = 100 * time.Millisecond })
			ticks := newTickCollector()
			q := s.SubscribeQuotes(wire.Stock("MSFT"), ticks.handle)
			if tt.name == "competing session" {
				// The fault answers requests made while it lasts: start it first.
				q.Cancel()
				if err := sim.Inject(tt.fault); err != nil {
					t.Fatal(err)
				}
				q = s.SubscribeQuotes(wire.Stock("MSFT"), ticks.handle)
				ticks.wait(t, "10197", 5*time.Second, func(_ int, codes []int) bool { return len(codes) == 1 && codes[0] == 10197 })
				ticks.wait(t, "the quote asked again", 5*time.Second, func(n int, _ []int) bool { return n == 1 })
				if why := q.Refused(); why != "" {
					t.Errorf("an interruption left it refused: %s", why)
				}
				return
			}
			ticks.wait(t, "the first quote", 5*time.Second, func(n int, _ []int) bool { return n == 1 })
			if err := sim.Inject(tt.fault); err != nil {
				t.Fatal(err)
			}
			ticks.wait(t, "the quote asked again", 5*time.Second, func(n int, _ []int) bool { return n == 2 })
			if why := q.Refused(); why != "" {
				t.Errorf("refused: %s", why)
			}
		})
	}
}
