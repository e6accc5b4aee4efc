package sockets

import (
	"net/netip"
	"time"
)

// Side says which end of a connection to the gateway port a socket is.
type Side string

// Sides of a connection.
const (
	// ClientSide sockets have an ephemeral local port and the gateway port as remote.
	ClientSide Side = "client"
	// GatewaySide sockets have the gateway port as local port; they belong to the gateway.
	GatewaySide Side = "gateway"
)

// Process identifies a socket's owner as seen at the scan.
type Process struct {
	PID     int
	Command string // short name: Linux comm, or the executable's name elsewhere
	Cmdline string // full command line, possibly truncated; may be empty
	User    string
	UID     uint32 // UnknownUID where the platform has no numeric uid (Windows)
	// StartTime is only compared for equality, to detect PID reuse:
	// clock ticks since boot on Linux, milliseconds since the epoch elsewhere.
	StartTime uint64
}

// UnknownUID stands for "no numeric uid" (Windows, or unreadable).
const UnknownUID = ^uint32(0)

// Conn is one socket on the gateway port.
type Conn struct {
	Local, Remote netip.AddrPort // IPv4-mapped IPv6 addresses are unmapped
	State         State
	Side          Side
	Owner         *Process // nil when unknown (not looked up, another user's, or no descriptor)
	// Sharers are other processes holding the same socket (inherited across
	// fork); the socket closes only when all are gone. Known from detailed
	// scans with client-side zombies.
	Sharers []*Process
	Own     bool // the owner or a sharer is this process
	// Queued marks a gateway-side connection waiting in the listener's accept
	// queue (Linux): the kernel accepted it, the gateway has not. Its Owner is
	// the listener's process. Many of them mean the gateway stopped accepting.
	Queued bool
	Inode  uint64 // Linux socket inode; 0 elsewhere or when no process holds it
	UID    uint32 // socket's uid from the kernel table (Linux), else UnknownUID
}

// Table is the gateway port's socket table at one moment. It shares no
// memory with the Scanner that made it.
type Table struct {
	Port      int
	ScannedAt time.Time
	Counts    Counts
	// Listening is true when a LISTEN socket is bound to the port; Listener is
	// its owner, nil when that is unknown (for example another user's process).
	Listening bool
	Listener  *Process
	// Zombies are the CLOSE_WAIT sockets, on either side, with owners looked up.
	Zombies []Conn
	// Detailed is set when the scan was asked for every connection: Conns then
	// holds every socket on the port (the LISTEN rows included) with its owner.
	Detailed bool
	Conns    []Conn
}

// Count returns the number of sockets on the port in state s.
func (t Table) Count(s State) int { return t.Counts.Get(s) }

// GatewayZombies reports whether any zombie is on the gateway side: those are
// cleared only by restarting the gateway.
func (t Table) GatewayZombies() bool {
	for _, z := range t.Zombies {
		if z.Side == GatewaySide {
			return true
		}
	}
	return false
}

// GatewayAdvice is the advice given for gateway-side zombies.
const GatewayAdvice = "gateway-side CLOSE_WAIT sockets belong to the gateway and are never signalled: restart IB Gateway (or TWS) to clear them"

func sideOf(local netip.AddrPort, port uint16) Side {
	if local.Port() == port {
		return GatewaySide
	}
	return ClientSide
}
