package sockets

import (
	"fmt"
	"strings"
)

// State is a TCP state. Its values are the Linux kernel's codes (1..11).
type State uint8

// TCP states, numbered as in the Linux kernel (include/net/tcp_states.h).
const (
	StateUnknown State = iota
	Established
	SynSent
	SynRecv
	FinWait1
	FinWait2
	TimeWait
	Close
	CloseWait
	LastAck
	Listen
	Closing
	stateLimit
)

var stateNames = [stateLimit]string{
	StateUnknown: "UNKNOWN",
	Established:  "ESTABLISHED",
	SynSent:      "SYN_SENT",
	SynRecv:      "SYN_RECV",
	FinWait1:     "FIN_WAIT1",
	FinWait2:     "FIN_WAIT2",
	TimeWait:     "TIME_WAIT",
	Close:        "CLOSE",
	CloseWait:    "CLOSE_WAIT",
	LastAck:      "LAST_ACK",
	Listen:       "LISTEN",
	Closing:      "CLOSING",
}

// displayOrder lists the states by how much they matter to a trader.
var displayOrder = [...]State{
	Listen, Established, CloseWait, LastAck, FinWait1, FinWait2,
	Closing, TimeWait, SynSent, SynRecv, Close,
}

// States returns every known state in display order (a fresh slice).
func States() []State {
	out := make([]State, len(displayOrder))
	copy(out, displayOrder[:])
	return out
}

// String returns the state's name as in /proc and the JSON report, e.g. "CLOSE_WAIT".
func (s State) String() string {
	if s < stateLimit {
		return stateNames[s]
	}
	return fmt.Sprintf("STATE(%d)", uint8(s))
}

// MarshalText makes State print by name in JSON and text encodings.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseState accepts the names used by Linux, ss, lsof and Windows
// ("CLOSE_WAIT", "CLOSE-WAIT", "FIN_WAIT_1", "SYN_RECEIVED", "ESTAB", "CLOSED", ...).
func ParseState(name string) (State, bool) {
	key := strings.Map(func(r rune) rune {
		switch {
		case r == '_' || r == '-' || r == '(' || r == ')' || r == ' ':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, name)
	switch key {
	case "ESTABLISHED", "ESTAB":
		return Established, true
	case "SYNSENT":
		return SynSent, true
	case "SYNRECV", "SYNRECEIVED", "SYNRCVD":
		return SynRecv, true
	case "FINWAIT1":
		return FinWait1, true
	case "FINWAIT2":
		return FinWait2, true
	case "TIMEWAIT":
		return TimeWait, true
	case "CLOSE", "CLOSED", "UNCONN":
		return Close, true
	case "CLOSEWAIT":
		return CloseWait, true
	case "LASTACK":
		return LastAck, true
	case "LISTEN", "LISTENING":
		return Listen, true
	case "CLOSING":
		return Closing, true
	}
	return StateUnknown, false
}

// Counts holds the number of sockets per state, indexed by State;
// index StateUnknown counts rows with a state code outside 1..11.
// It is a value (comparable with ==), so a snapshot never aliases a scanner.
type Counts [stateLimit]int

// Get returns the count for one state (0 for an out-of-range state).
func (c Counts) Get(s State) int {
	if s < stateLimit {
		return c[s]
	}
	return 0
}

// Total is the number of sockets counted.
func (c Counts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// Map returns every known state by name, zeros included, so that scripts
// can read any key (the JSON contract's "counts" object).
func (c Counts) Map() map[string]int {
	m := make(map[string]int, len(displayOrder)+1)
	for _, s := range displayOrder {
		m[s.String()] = c[s]
	}
	if c[StateUnknown] > 0 {
		m[StateUnknown.String()] = c[StateUnknown]
	}
	return m
}

func (c *Counts) add(s State) {
	if s >= stateLimit {
		s = StateUnknown
	}
	c[s]++
}
