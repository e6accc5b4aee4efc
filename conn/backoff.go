package conn

import (
	"math"
	"math/rand/v2"
	"time"
)

// BackoffConfig is the reconnect delay: Initial × Multiplier^n, capped at
// Max, spread by ±Jitter (a fraction).
type BackoffConfig struct {
	Initial    time.Duration // default 250 ms
	Multiplier float64       // default 2
	Max        time.Duration // default 30 s
	Jitter     float64       // default 0.2
}

func (c *BackoffConfig) defaults() {
	if c.Initial <= 0 {
		c.Initial = 250 * time.Millisecond
	}
	if c.Multiplier < 1 {
		c.Multiplier = 2
	}
	if c.Max <= 0 {
		c.Max = 30 * time.Second
	}
	if c.Jitter < 0 || c.Jitter > 1 {
		c.Jitter = 0.2
	}
}

type backoff struct {
	cfg  BackoffConfig
	n    int
	rand func() float64
}

// next returns the delay before the next attempt and counts the attempt.
func (b *backoff) next() time.Duration {
	d := float64(b.cfg.Initial) * math.Pow(b.cfg.Multiplier, float64(b.n))
	d = math.Min(d, float64(b.cfg.Max))
	b.n++
	r := rand.Float64
	if b.rand != nil {
		r = b.rand
	}
	d *= 1 + b.cfg.Jitter*(2*r()-1)
	return time.Duration(math.Min(d, float64(b.cfg.Max)))
}

func (b *backoff) reset() { b.n = 0 }
