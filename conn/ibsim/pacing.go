package ibsim

import "time"

// Historical data pacing (PROTOCOL.md section 6), measured in wall time.
const (
	paceIdentical    = 15 * time.Second
	paceBurstWindow  = 2 * time.Second
	paceBurstMax     = 5 // a 6th request for the same contract in the window violates
	paceLongWindow   = 10 * time.Minute
	paceLongMax      = 60
	paceSmallBar     = 30 * time.Second // IB enforces the three window rules strictly only up to here
	paceOpenMax      = 50
	paceHistoryLimit = 4096
)

type paceEntry struct {
	at        time.Time
	identical string // every parameter of the request
	group     string // contract, exchange and whatToShow
	small     bool   // bar size of 30 secs or less
}

// pacer decides whether a historical request violates IB's pacing rules.
// It is guarded by the server's lock.
type pacer struct {
	now     func() time.Time
	history []paceEntry // accepted requests of the last 10 minutes, oldest first
	open    int         // accepted requests whose answer is not written yet
}

// admit records the request and returns "" when it is allowed, or why not.
func (p *pacer) admit(identical, group string, small bool) string {
	now := p.now()
	cut := 0
	for cut < len(p.history) && now.Sub(p.history[cut].at) >= paceLongWindow {
		cut++
	}
	p.history = append(p.history[:0], p.history[cut:]...)
	if p.open >= paceOpenMax {
		return "more than 50 simultaneous requests"
	}
	burst, smalls := 0, 0
	for _, e := range p.history {
		age := now.Sub(e.at)
		// Bars above 30 secs are paced only softly by IB: the window rules are for small bars.
		if small && e.identical == identical && age < paceIdentical {
			return "identical request within 15 seconds"
		}
		if small && e.group == group && age < paceBurstWindow {
			burst++
		}
		if e.small {
			smalls++
		}
	}
	if burst >= paceBurstMax {
		return "6 or more requests for the same contract within 2 seconds"
	}
	if small && smalls >= paceLongMax {
		return "more than 60 requests within 10 minutes"
	}
	if len(p.history) >= paceHistoryLimit {
		p.history = p.history[1:]
	}
	p.history = append(p.history, paceEntry{at: now, identical: identical, group: group, small: small})
	p.open++
	return ""
}

func (p *pacer) answered() { p.open-- }
