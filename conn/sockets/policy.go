package sockets

import (
	"path/filepath"
	"strings"
)

// Reason says why a zombie's owner is not signalled.
type Reason string

// Reasons for refusing, in the order the policy checks them.
const (
	ReasonGatewaySide  Reason = "gateway-side socket: restart the gateway to clear it"
	ReasonNoOwners     Reason = "table scanned without owners: nothing can be verified"
	ReasonOwnerUnknown Reason = "owner unknown (another user's process, or no process holds the socket)"
	ReasonPID1         Reason = "pid 1 is never signalled"
	ReasonSelf         Reason = "this process: its own sockets are closed by the session, not signalled"
	ReasonListener     Reason = "owns the listening socket (the gateway)"
	ReasonGatewayOwner Reason = "owns a gateway-side socket"
	ReasonLooksGateway Reason = "command looks like the gateway (java, ibgateway, tws)"
	ReasonOtherUser    Reason = "another user's process"
	ReasonNoStartTime  Reason = "start time unknown: PID reuse cannot be ruled out"
	ReasonShared       Reason = "shares the socket with a process that is not signalled: killing this one would not close it"
	// Decided when signalling, not by Plan.
	ReasonPIDReused     Reason = "pid reused: the process's start time changed since the scan"
	ReasonNotConfirmed  Reason = "not confirmed"
	ReasonGoneQuiet     Reason = "no longer holds a zombie socket to the gateway"
	ReasonRecheckFailed Reason = "not re-checked before signalling"
)

// Target is a process the policy allows to be signalled.
type Target struct {
	PID       int
	Command   string
	User      string
	StartTime uint64 // must still match when the signal is sent
	Sockets   []Conn // its client-side zombies
}

// Refusal is a zombie whose owner is not signalled, and why.
type Refusal struct {
	PID     int // 0 when the owner is unknown
	Command string
	Reason  Reason
	Socket  Conn
}

// KillPlan says, for every zombie in a table, who would be signalled and who not.
type KillPlan struct {
	Port    int
	Targets []Target
	Refused []Refusal
}

// Plan applies the kill policy to a table scanned with owners. It is a pure
// function: only client-side zombies whose owner is known, is not pid 1, not
// self, not the listener, owns no gateway-side socket, does not look like the
// gateway, belongs to self's user and has a known start time are targeted,
// together with the processes sharing the socket, which must pass too.
func Plan(t Table, self Identity) KillPlan {
	plan := KillPlan{Port: t.Port}
	protected := map[int]Reason{}
	if t.Listener != nil {
		protected[t.Listener.PID] = ReasonListener
	}
	for _, conns := range [][]Conn{t.Conns, t.Zombies} {
		for _, c := range conns {
			if c.Side != GatewaySide {
				continue
			}
			for _, p := range append([]*Process{c.Owner}, c.Sharers...) {
				if p == nil {
					continue
				}
				if _, ok := protected[p.PID]; !ok {
					protected[p.PID] = ReasonGatewayOwner
				}
			}
		}
	}
	index := map[int]int{} // pid → position in Targets
	for _, z := range t.Zombies {
		holders := append([]*Process{z.Owner}, z.Sharers...)
		var refused []Refusal
		for _, p := range holders {
			if reason := refusal(z, p, t.Detailed, self, protected); reason != "" {
				refused = append(refused, refusalOf(p, reason, z))
			}
		}
		if len(refused) > 0 {
			for _, p := range holders {
				if refusal(z, p, t.Detailed, self, protected) == "" {
					refused = append(refused, refusalOf(p, ReasonShared, z))
				}
			}
			plan.Refused = append(plan.Refused, refused...)
			continue
		}
		for _, p := range holders {
			i, ok := index[p.PID]
			if !ok {
				i = len(plan.Targets)
				index[p.PID] = i
				plan.Targets = append(plan.Targets, Target{PID: p.PID, Command: p.Command, User: p.User, StartTime: p.StartTime})
			}
			plan.Targets[i].Sockets = append(plan.Targets[i].Sockets, z)
		}
	}
	return plan
}

func refusalOf(p *Process, reason Reason, z Conn) Refusal {
	r := Refusal{Reason: reason, Socket: z}
	if p != nil {
		r.PID, r.Command = p.PID, p.Command
	}
	return r
}

// refusal returns why p, a holder of z, must not be signalled, or "" when it may be.
func refusal(z Conn, p *Process, detailed bool, self Identity, protected map[int]Reason) Reason {
	switch {
	case z.Side != ClientSide:
		return ReasonGatewaySide
	case !detailed:
		return ReasonNoOwners
	case p == nil || p.PID <= 0:
		return ReasonOwnerUnknown
	case p.PID == 1:
		return ReasonPID1
	case p.PID == self.PID:
		return ReasonSelf
	case protected[p.PID] != "":
		return protected[p.PID]
	case LooksLikeGateway(*p):
		return ReasonLooksGateway
	case p.UID != self.UID || p.User == "" || p.User != self.User:
		return ReasonOtherUser
	case p.StartTime == 0:
		return ReasonNoStartTime
	}
	return ""
}

// gatewayNames are executable name prefixes of IB Gateway, TWS and the JVM that runs them.
var gatewayNames = []string{"java", "ibgateway", "tws"}

// gatewayMarks are command-line fragments of IB Gateway, TWS and IBC.
var gatewayMarks = []string{"ibgateway", "jclient.loginframe", "ibcalpha", "/jts"}

// LooksLikeGateway reports whether a process's command suggests IB Gateway or TWS.
func LooksLikeGateway(p Process) bool {
	names := []string{strings.ToLower(p.Command)}
	cmdline := strings.ToLower(p.Cmdline)
	if first, _, _ := strings.Cut(cmdline, " "); first != "" {
		names = append(names, filepath.Base(strings.ReplaceAll(first, `\`, "/")))
	}
	for _, name := range names {
		for _, g := range gatewayNames {
			if strings.HasPrefix(name, g) {
				return true
			}
		}
	}
	for _, m := range gatewayMarks {
		if strings.Contains(cmdline, m) {
			return true
		}
	}
	return false
}
