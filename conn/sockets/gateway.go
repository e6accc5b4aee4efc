package sockets

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"time"
)

// SetGateway restricts every later scan to the connections of the gateway
// reached at addrs (the IPs its host resolves to). Without it a scan counts
// every socket on the port, which is only right when nothing else on this
// machine uses that port: a process talking to another host on the same
// port is none of the gateway's business, and must never be signalled.
// An empty, non-nil addrs matches nothing.
func (s *Scanner) SetGateway(addrs []netip.Addr) {
	m := &gatewayAddrs{addrs: make([]netip.Addr, 0, len(addrs)), local: localAddrs()}
	for _, a := range addrs {
		m.addrs = append(m.addrs, a.Unmap())
	}
	s.mu.Lock()
	s.gateway = m
	s.mu.Unlock()
}

// hasGateway says whether SetGateway was called.
func (s *Scanner) hasGateway() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gateway != nil
}

// gatewayAddrs decides which rows belong to the gateway.
type gatewayAddrs struct {
	addrs []netip.Addr // the gateway's IPs as clients dial them
	local []netip.Addr // this machine's interface addresses
}

func (g *gatewayAddrs) isLocal(a netip.Addr) bool {
	return a.IsLoopback() || slices.Contains(g.local, a)
}

// onThisMachine reports whether the gateway runs here: then its listener,
// its side of each connection and its zombies are visible to us.
func (g *gatewayAddrs) onThisMachine() bool {
	return slices.ContainsFunc(g.addrs, g.isLocal)
}

// filter keeps the rows of the gateway's connections, in place.
func (g *gatewayAddrs) filter(rows []rawSocket, port uint16) []rawSocket {
	keep := g.keeper(rows, port)
	return slices.DeleteFunc(rows, func(r rawSocket) bool { return !keep(r) })
}

// keeper decides row by row. A local gateway's listener decides which
// addresses reach it: one bound to the unspecified address takes connections
// to any local address, one bound to a single address only those; with no
// listener (gateway down), the configured addresses. A remote gateway has
// only client-side rows on this machine.
func (g *gatewayAddrs) keeper(rows []rawSocket, port uint16) func(rawSocket) bool {
	if !g.onThisMachine() {
		return func(r rawSocket) bool {
			return r.remote.Port() == port && slices.Contains(g.addrs, r.remote.Addr().Unmap())
		}
	}
	var bound []netip.Addr
	anyAddr := false
	for _, r := range rows {
		if isListener(r, port) {
			a := r.local.Addr().Unmap()
			if a.IsUnspecified() {
				anyAddr = true
			} else if slices.Contains(g.addrs, a) {
				bound = append(bound, a)
			}
		}
	}
	accepts := func(a netip.Addr) bool {
		a = a.Unmap()
		switch {
		case anyAddr:
			return g.isLocal(a)
		case len(bound) > 0:
			return slices.Contains(bound, a)
		}
		return slices.Contains(g.addrs, a)
	}
	return func(r rawSocket) bool {
		switch {
		case isListener(r, port):
			a := r.local.Addr().Unmap()
			return a.IsUnspecified() || slices.Contains(g.addrs, a)
		case r.local.Port() == port:
			return accepts(r.local.Addr())
		case r.remote.Port() == port:
			return accepts(r.remote.Addr())
		}
		return false
	}
}

// localAddrs lists this machine's interface addresses; on error, none
// (loopback is recognised without them).
func localAddrs() []netip.Addr {
	ifs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, a := range ifs {
		if p, err := netip.ParsePrefix(a.String()); err == nil {
			out = append(out, p.Addr().Unmap())
		}
	}
	return out
}

// keepRows filters rows and moves their holders along with them.
func keepRows(rows []rawSocket, holders map[int][]int, keep func(rawSocket) bool) ([]rawSocket, map[int][]int) {
	out, moved := rows[:0], map[int][]int{}
	for i, r := range rows {
		if !keep(r) {
			continue
		}
		if h, ok := holders[i]; ok {
			moved[len(out)] = h
		}
		out = append(out, r)
	}
	return out, moved
}

// ResolveGateway turns the gateway's host into the addresses SetGateway
// takes: an IP literal as it is, a name through the resolver.
func ResolveGateway(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}
