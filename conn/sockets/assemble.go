package sockets

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// ErrBadPort is returned for a port outside 1..65535.
var ErrBadPort = errors.New("port out of range 1..65535")

func checkPort(port int) (uint16, error) {
	if port < 1 || port > 65535 {
		return 0, fmt.Errorf("sockets: port %d: %w", port, ErrBadPort)
	}
	return uint16(port), nil
}

// ownerWanted reports whether a row must be explained: always with
// withOwners, otherwise only zombies and the listener.
func ownerWanted(r rawSocket, port uint16, withOwners bool) bool {
	return withOwners || r.state == CloseWait || isListener(r, port)
}

func isListener(r rawSocket, port uint16) bool {
	return r.state == Listen && r.local.Port() == port
}

// assemble builds a Table from the port's rows and their owners (owners[i]
// belongs to rows[i], nil when unknown; sharers[i] are further holders). The
// Table shares nothing with its inputs except the *Process values, which the
// caller allocates per scan.
// Rows queued in the listener's accept queue (queuedKnown: Linux) are given
// the listener's process as owner.
func assemble(port uint16, rows []rawSocket, owners []*Process, sharers map[int][]*Process, queuedKnown, withOwners bool, self int, now time.Time) Table {
	t := Table{Port: int(port), ScannedAt: now, Detailed: withOwners}
	owner := func(i int) *Process {
		if i < len(owners) {
			return owners[i]
		}
		return nil
	}
	for i, r := range rows {
		t.Counts.add(r.state)
		if isListener(r, port) {
			t.Listening = true
			if t.Listener == nil {
				t.Listener = owner(i)
			}
		}
	}
	for i, r := range rows {
		if r.state != CloseWait && !withOwners {
			continue
		}
		c := Conn{
			Local: r.local, Remote: r.remote, State: r.state,
			Side:  sideOf(r.local, port),
			Owner: owner(i),
			Inode: r.inode, UID: r.uid,
		}
		if queuedKnown && r.queued(port) {
			c.Queued, c.Owner = true, t.Listener
		}
		c.Sharers = sharers[i]
		c.Own = c.Owner != nil && c.Owner.PID == self
		for _, p := range c.Sharers {
			c.Own = c.Own || p.PID == self
		}
		if r.state == CloseWait {
			t.Zombies = append(t.Zombies, c)
		}
		if withOwners {
			t.Conns = append(t.Conns, c)
		}
	}
	slices.SortFunc(t.Zombies, compareConns)
	slices.SortFunc(t.Conns, compareConns)
	return t
}

// dedupe drops repeated rows in place. A kernel table read in several parts
// (/proc's read calls, netlink's datagrams) resumes by position, so a table
// changing meanwhile can show a socket twice (or, unavoidably, not at all).
func dedupe(rows []rawSocket) []rawSocket {
	slices.SortFunc(rows, func(a, b rawSocket) int {
		if c := compareAddrPort(a.local, b.local); c != 0 {
			return c
		}
		if c := compareAddrPort(a.remote, b.remote); c != 0 {
			return c
		}
		if c := cmp.Compare(a.inode, b.inode); c != 0 {
			return c
		}
		return cmp.Compare(a.state, b.state)
	})
	return slices.Compact(rows)
}

// compareConns orders client side first, then by state, local and remote address.
func compareConns(a, b Conn) int {
	if c := cmp.Compare(a.Side, b.Side); c != 0 {
		return c
	}
	if c := cmp.Compare(a.State, b.State); c != 0 {
		return c
	}
	if c := compareAddrPort(a.Local, b.Local); c != 0 {
		return c
	}
	return compareAddrPort(a.Remote, b.Remote)
}

func compareAddrPort(a, b netip.AddrPort) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Port(), b.Port())
}
