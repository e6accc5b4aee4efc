package conn

import "time"

// inflight is the one keepalive ping awaiting its answer.
type inflight struct {
	sent  time.Time
	ch    <-chan time.Duration
	timer *time.Timer
}

// reply and expired are nil-safe so serve can select on a ping that may not exist.
func (p *inflight) reply() <-chan time.Duration {
	if p == nil {
		return nil
	}
	return p.ch
}

func (p *inflight) expired() <-chan time.Time {
	if p == nil {
		return nil
	}
	return p.timer.C
}

func (p *inflight) stop() {
	if p != nil {
		p.timer.Stop()
	}
}

// startPing sends REQ_CURRENT_TIME. A failed send kills the client, which
// serve then sees through Done.
func (s *Session) startPing(c *Client) *inflight {
	p := &inflight{sent: time.Now(), timer: time.NewTimer(s.cfg.Keepalive.Timeout)}
	ch, err := c.SendPing()
	if err != nil {
		ch = nil
	}
	p.ch = ch
	s.mu.Lock()
	s.st.PingsSent++
	s.mu.Unlock()
	return p
}

func (s *Session) recordPing(sample PingSample) {
	if sample.OK {
		s.misses = 0
	} else {
		s.misses++
	}
	s.mu.Lock()
	s.ring.add(sample)
	s.st.Misses = s.misses
	if !sample.OK {
		s.st.PingsMissed++
	}
	s.mu.Unlock()
	s.emit(PingResult{Sample: sample, Misses: s.misses})
}
