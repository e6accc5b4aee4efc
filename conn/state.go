package conn

// State is the session's connection state (DESIGN.md).
type State uint8

const (
	Disconnected State = iota
	Connecting
	Handshaking
	Ready
	Degraded
	Backoff
	Closed
)

var stateNames = [...]string{"disconnected", "connecting", "handshaking", "ready", "degraded", "backoff", "closed"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// States lists every state, in order.
func States() []State {
	out := make([]State, len(stateNames))
	for i := range out {
		out[i] = State(i)
	}
	return out
}

// Up reports whether the session holds a working connection.
func (s State) Up() bool { return s == Ready || s == Degraded }
