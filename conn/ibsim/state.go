package ibsim

import (
	"context"
	"sort"
)

// State is the GET /state document.
type State struct {
	ServerVersionMax int           `json:"server_version_max"`
	Clients          []ClientState `json:"clients"`
	Faults           []Fault       `json:"faults"`
	Symbols          []string      `json:"symbols"`
}

// ClientState is one connection as the simulator sees it. Recently closed
// connections (the last 32) are listed too, with state "closed".
type ClientState struct {
	Addr          string `json:"addr"`
	ClientID      int    `json:"client_id"` // -1 until START_API is accepted
	State         string `json:"state"`     // "handshake", "ready", "stalled", "held", "closed"
	Version       int    `json:"version"`   // negotiated; 0 before the hello is answered
	Requests      int    `json:"requests"`
	Subscriptions int    `json:"subscriptions"`
	BarsSent      int    `json:"bars_sent"` // bars sent in historical replies
}

// Client returns the entry for addr (a client's local address), if listed.
// The newest entry wins when a port was reused.
func (st State) Client(addr string) (ClientState, bool) {
	for i := len(st.Clients) - 1; i >= 0; i-- {
		if st.Clients[i].Addr == addr {
			return st.Clients[i], true
		}
	}
	return ClientState{}, false
}

// Count returns how many listed clients are in state.
func (st State) Count(state string) int {
	n := 0
	for _, c := range st.Clients {
		if c.State == state {
			n++
		}
	}
	return n
}

type closedClient struct {
	seq int
	st  ClientState
}

func (s *Server) clientStateLocked(c *client) ClientState {
	st := ClientState{
		Addr: c.addr, ClientID: c.id, State: c.state, Requests: c.requests, BarsSent: c.barsSent,
		Subscriptions: len(c.hist) + len(c.mkt) + len(c.rtb),
	}
	if c.answered {
		st.Version = int(c.version.Load())
	}
	if c.stalled && (c.state == stateHandshake || c.state == stateReady) {
		st.State = stateStalled
	}
	return st
}

// State returns a snapshot of the simulator: clients, active faults,
// versions and the symbol universe.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stateLocked()
}

func (s *Server) stateLocked() State {
	all := append([]closedClient(nil), s.recent...)
	for c := range s.clients {
		all = append(all, closedClient{seq: c.seq, st: s.clientStateLocked(c)})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	st := State{
		ServerVersionMax: s.cfg.ServerVersion,
		Clients:          make([]ClientState, len(all)),
		Faults:           s.faultsLocked(),
		Symbols:          s.market.Symbols(),
	}
	for i, c := range all {
		st.Clients[i] = c.st
	}
	return st
}

// WaitFor blocks until cond holds for the current state or ctx ends. It
// re-checks on every state change: a client connecting, answering its hello,
// becoming ready, making a request or closing, and every fault change.
func (s *Server) WaitFor(ctx context.Context, cond func(State) bool) error {
	for {
		s.mu.Lock()
		st := s.stateLocked()
		changed := s.changed
		s.mu.Unlock()
		if cond(st) {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
