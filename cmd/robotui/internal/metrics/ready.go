package metrics

import (
	"encoding/json"
	"net/http"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
)

// Readiness is the /readyz verdict and body: ready only while the session
// is ready, no watched symbol is silent, and fewer than the threshold of
// gateway-side CLOSE_WAIT sockets sit on the gateway port.
type Readiness struct {
	Ready  bool   `json:"ready"`
	Status string `json:"status"` // "ready" or "unavailable"
	// Failing names the conditions that fail: "session", "data", "gateway_zombies".
	Failing        []string `json:"failing"`
	State          string   `json:"state"`
	SilentSymbols  []string `json:"silent_symbols"`
	GatewayZombies int      `json:"gateway_zombies"`
	Threshold      int      `json:"gateway_zombies_threshold"`
}

// Ready judges one snapshot against threshold ([health] gateway_zombies,
// whose default the config holds; < 1 counts as 1: any gateway-side zombie
// fails). It is the one definition of "ready" (/readyz, the push, robotui
// health --ready).
func Ready(s engine.Snapshot, threshold int) Readiness {
	threshold = max(threshold, 1)
	r := Readiness{State: s.Conn.State.String(), Threshold: threshold, Failing: []string{}, SilentSymbols: []string{}}
	if s.Conn.State != conn.Ready {
		r.Failing = append(r.Failing, "session")
	}
	for _, row := range s.Symbols {
		if row.Status == engine.StatusSilent {
			r.SilentSymbols = append(r.SilentSymbols, row.Symbol)
		}
	}
	if len(r.SilentSymbols) > 0 {
		r.Failing = append(r.Failing, "data")
	}
	for _, z := range s.Sockets.Zombies {
		if z.Side == "gateway" {
			r.GatewayZombies++
		}
	}
	if r.GatewayZombies >= threshold {
		r.Failing = append(r.Failing, "gateway_zombies")
	}
	r.Ready = len(r.Failing) == 0
	r.Status = "unavailable"
	if r.Ready {
		r.Status = "ready"
	}
	return r
}

// SetReadyThreshold sets [health] gateway_zombies for /readyz.
func (m *Metrics) SetReadyThreshold(n int) { m.readyThreshold.Store(int64(n)) }

// Readiness judges the latest snapshot; not ready before SetSource.
func (m *Metrics) Readiness() Readiness {
	p := m.src.Load()
	if p == nil {
		return Readiness{Status: "unavailable", State: "starting", Failing: []string{"session"}, SilentSymbols: []string{}}
	}
	return Ready((*p).Latest(), int(m.readyThreshold.Load()))
}

func (m *Metrics) readyz(w http.ResponseWriter, _ *http.Request) {
	r := m.Readiness()
	w.Header().Set("Content-Type", "application/json")
	if !r.Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(r)
}
