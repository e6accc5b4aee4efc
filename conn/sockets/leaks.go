package sockets

import "net/netip"

// OwnLeaks returns this process's client-side sockets on the port whose local
// address is not in held (the local addresses of the connections the session
// holds): a socket of ours the session no longer knows, e.g. one in
// CLOSE_WAIT. With a table scanned without owners only zombies are checked.
// A socket the kernel has reset and removed from its table cannot be seen here.
func OwnLeaks(t Table, held []netip.AddrPort) []Conn {
	conns := t.Conns
	if !t.Detailed {
		conns = t.Zombies
	}
	keep := make(map[netip.AddrPort]bool, len(held))
	for _, h := range held {
		keep[netip.AddrPortFrom(h.Addr().Unmap(), h.Port())] = true
	}
	var leaks []Conn
	for _, c := range conns {
		if c.Own && c.Side == ClientSide && c.State != Listen && !keep[c.Local] {
			leaks = append(leaks, c)
		}
	}
	return leaks
}
