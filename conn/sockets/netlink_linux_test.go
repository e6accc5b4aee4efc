package sockets

import (
	"encoding/binary"
	"net"
	"slices"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// listenBoth listens on [::1] and 127.0.0.1 with one port: a socket of each family on it.
func listenBoth(t *testing.T) int {
	t.Helper()
	v6, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	t.Cleanup(func() { v6.Close() })
	port := v6.Addr().(*net.TCPAddr).Port
	v4, err := net.Listen("tcp4", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Skipf("port %d taken on 127.0.0.1: %v", port, err)
	}
	t.Cleanup(func() { v4.Close() })
	return port
}

// rawSock is one socket of a raw dump: its family and TCP state.
type rawSock struct{ family, state uint8 } // state: the kernel's code, as State

// rawDump sends one request and returns every socket the kernel answered
// with, before any filtering here.
func rawDump(t *testing.T, req []byte) []rawSock {
	t.Helper()
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		t.Skipf("no sock_diag: %v", err)
	}
	defer unix.Close(fd)
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		t.Fatal(err)
	}
	var socks []rawSock
	buf := make([]byte, 64<<10)
	ne := binary.NativeEndian
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			t.Fatal(err)
		}
		for b := buf[:n]; len(b) >= nlmsgHeaderLen; {
			size := int(ne.Uint32(b))
			switch ne.Uint16(b[4:]) {
			case nlmsgDone:
				return socks
			case nlmsgError:
				t.Fatalf("kernel error %d", int32(ne.Uint32(b[nlmsgHeaderLen:])))
			default:
				socks = append(socks, rawSock{family: b[nlmsgHeaderLen], state: b[nlmsgHeaderLen+1]})
			}
			b = b[min(len(b), (size+3)&^3):]
		}
	}
}

// One TCPDIAG_GETSOCK dump answers for both families, and the kernel still
// applies the port filter: only the two listeners come back, though the
// machine has other sockets (this test's decoy at least).
func TestOneDumpCoversBothFamiliesFiltered(t *testing.T) {
	port := listenBoth(t)
	decoy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer decoy.Close()

	// Only listeners count: the table is the whole machine's, and another
	// process's connection may use this port number too (seen under load).
	var got []uint8
	for _, s := range rawDump(t, diagRequest(afUnspec, uint16(port), true, 1)) {
		if State(s.state) == Listen {
			got = append(got, s.family)
		}
	}
	slices.Sort(got)
	if want := []uint8{afInet, afInet6}; !slices.Equal(got, want) {
		t.Fatalf("one filtered dump answered with families %v, want %v (one socket of each)", got, want)
	}
	if all := rawDump(t, diagRequest(afUnspec, uint16(port), false, 2)); len(all) < 3 {
		t.Errorf("unfiltered dump found %d sockets, want the decoy too", len(all))
	}

	s := NewScanner()
	tb := scan(t, s, port, false)
	if tb.Count(Listen) != 2 {
		t.Errorf("scanner counted %v, want both listeners", tb.Counts.Map())
	}
	if s.diag.perFamily || s.diag.noFilter || s.procOnly {
		t.Errorf("scanner fell back (perFamily %v, noFilter %v, procOnly %v), want one filtered dump", s.diag.perFamily, s.diag.noFilter, s.procOnly)
	}
}

// The per-family dumps, the fallback for kernels without TCPDIAG_GETSOCK,
// find the same sockets.
func TestPerFamilyDumpsAgree(t *testing.T) {
	port := listenBoth(t)
	one := NewScanner()
	per := NewScanner()
	per.diag.perFamily = true
	a, b := scan(t, one, port, false), scan(t, per, port, false)
	// Listeners only: another process's connection may use this port number too.
	if a.Count(Listen) != 2 || b.Count(Listen) != 2 {
		t.Errorf("one dump counted %v, per family %v; want both listeners in each", a.Counts.Map(), b.Counts.Map())
	}
}
