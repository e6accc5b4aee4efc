package engine

// KillPlan is what a zombie kill would do, decided by conn/sockets' policy.
// A dry run returns it; confirming it acts on exactly these targets.
type KillPlan struct {
	Targets []KillTarget // client-side zombies the policy allows signalling
	Refused []Refusal    // zombies that will not be signalled, and why
	Port    int          // the gateway port scanned
	Error   string       // the scan failed: nothing can be planned
}

// KillTarget is one process that would be signalled.
type KillTarget struct {
	PID     int
	Command string
	User    string
	Sockets []string // "local -> remote" of its CLOSE_WAIT sockets
	Start   uint64   // process start time seen at the scan (PID-reuse guard)
}

// Refusal is a zombie the policy leaves alone.
type Refusal struct {
	PID     int
	Command string
	Side    string // "client" or "gateway"
	Reason  string // e.g. "gateway side: restart the gateway to clear it"
	Socket  string // "local -> remote" of the zombie
}

// KillResult is what happened to one target.
type KillResult struct {
	PID     int
	Command string
	Result  string // "killed", "gone", "refused"
	Reason  string
}

// Empty reports whether nothing would be signalled.
func (p KillPlan) Empty() bool { return len(p.Targets) == 0 }
