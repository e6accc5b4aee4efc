package fanout

import (
	"github.com/robotui/robotui/conn"
)

// onSession turns the session's events into what a gateway's own outage
// looks like to its clients: 1100 when the session goes, 1102 when it is
// back (robotui has asked again for every subscription, so from the
// client's side the data is maintained), farm notices as they come.
func (s *Server) onSession(ev conn.Event) {
	switch ev := ev.(type) {
	case conn.StateChange:
		if ev.State == conn.Ready && ev.ServerVersion > 0 {
			s.newVersion(ev.ServerVersion)
		}
		switch {
		case !ev.State.Up() && ev.Prev.Up():
			s.announce(1100, text1100, true)
		case ev.State == conn.Ready && ev.Cause != conn.CauseDataRestored:
			s.announce(1102, text1102, false)
		}
	case conn.Notice:
		if ev.ReqID >= 0 {
			return
		}
		switch {
		case ev.Code == 1100:
			s.announce(1100, text1100, true)
		case ev.Code == 1101 || ev.Code == 1102:
			s.announce(1102, text1102, false)
		case ev.Code >= 2100 && ev.Code < 2200:
			s.broadcast(ev.Code, ev.Text)
		}
	}
}

// announce sends an outage's start (down) or end once to every client.
func (s *Server) announce(code int, text string, down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down == down {
		return
	}
	s.down = down
	for c := range s.clients {
		if c.clientID >= 0 {
			c.sendErr(-1, code, text)
		}
	}
}

func (s *Server) broadcast(code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.clients {
		if c.clientID >= 0 {
			c.sendErr(-1, code, text)
		}
	}
}

// newVersion records the session's version; a client that negotiated more
// than a new gateway speaks cannot be served and is dropped.
func (s *Server) newVersion(v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.upVer = v
	for c := range s.clients {
		if c.clientID >= 0 && c.version > v {
			c.drop("the gateway's version went down below the client's", false)
		}
	}
}
