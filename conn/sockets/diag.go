package sockets

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"syscall"
)

// Netlink sock_diag wire format (linux/netlink.h, linux/inet_diag.h). Kept
// here, free of build tags, so the parser can be tested and fuzzed anywhere.
const (
	nlmsgHeaderLen   = 16
	nlmsgError       = 2
	nlmsgDone        = 3
	nlmFRequest      = 0x1
	nlmFDump         = 0x300
	tcpDiagGetSock   = 18 // TCPDIAG_GETSOCK, the request before SOCK_DIAG_BY_FAMILY
	sockDiagByFamily = 20
	diagReqLen       = 56 // struct inet_diag_req_v2
	compatReqLen     = 60 // struct inet_diag_req, TCPDIAG_GETSOCK's
	diagMsgLen       = 72 // struct inet_diag_msg
	diagReqBytecode  = 1  // INET_DIAG_REQ_BYTECODE
	diagBcJMP        = 1  // INET_DIAG_BC_JMP
	diagBcSGE        = 2  // INET_DIAG_BC_S_GE
	diagBcSLE        = 3
	diagBcDGE        = 4
	diagBcDLE        = 5
	diagAllStates    = 1<<13 - 1 // every TCP state, as ss asks
	afUnspec         = 0
	afInet           = 2
	afInet6          = 10
	ipprotoTCP       = 6
)

// diagRequest builds a dump request for one address family's TCP sockets,
// filtered in the kernel to sport == port || dport == port when filter is set.
// Family afUnspec asks for both families in the older TCPDIAG_GETSOCK form:
// the kernel then walks its TCP tables once rather than once per family
// (SOCK_DIAG_BY_FAMILY has no "any family"), and the filter works the same.
func diagRequest(family uint8, port uint16, filter bool, seq uint32) []byte {
	typ, reqLen := uint16(sockDiagByFamily), diagReqLen
	if family == afUnspec {
		typ, reqLen = tcpDiagGetSock, compatReqLen
	}
	n := nlmsgHeaderLen + reqLen
	var bc []byte
	if filter {
		bc = portBytecode(port)
		n += 4 + len(bc)
	}
	b := make([]byte, n)
	ne := binary.NativeEndian
	ne.PutUint32(b[0:], uint32(n))
	ne.PutUint16(b[4:], typ)
	ne.PutUint16(b[6:], nlmFRequest|nlmFDump)
	ne.PutUint32(b[8:], seq)
	r := b[nlmsgHeaderLen:]
	if family == afUnspec {
		ne.PutUint32(r[52:], diagAllStates) // after family, lengths, ext and the 48-byte socket id
	} else {
		r[0], r[1] = family, ipprotoTCP
		ne.PutUint32(r[4:], diagAllStates)
	}
	if filter {
		a := r[reqLen:]
		ne.PutUint16(a[0:], uint16(4+len(bc)))
		ne.PutUint16(a[2:], diagReqBytecode)
		copy(a[4:], bc)
	}
	return b
}

// portBytecode is an inet_diag filter for "sport == port || dport == port",
// written with >= and <= (understood by every kernel with sock_diag). An op is
// {code, yes, no}: the jump taken when its test holds or not; a port test is
// followed by an op carrying the port in "no"; JMP always takes "no". Landing
// exactly on the end accepts, one op past it rejects. The kernel's audit
// requires every "no" target to lie on the chain of "yes" jumps, hence JMP.
func portBytecode(port uint16) []byte {
	type op struct {
		code, yes uint8
		no        uint16
	}
	prog := []op{
		{diagBcSGE, 8, 20}, {0, 0, port}, //  0: sport >= port, else to 20
		{diagBcSLE, 8, 12}, {0, 0, port}, //  8: sport <= port, else to 20
		{diagBcJMP, 4, 20},               // 16: both held: accept (36)
		{diagBcDGE, 8, 20}, {0, 0, port}, // 20: dport >= port, else reject (40)
		{diagBcDLE, 8, 12}, {0, 0, port}, // 28: dport <= port: accept (36), else reject (40)
	}
	b := make([]byte, 0, 4*len(prog))
	for _, o := range prog {
		b = append(b, o.code, o.yes)
		b = binary.NativeEndian.AppendUint16(b, o.no)
	}
	return b
}

// parseDiag appends the sockets on port found in one netlink datagram.
// done reports the end of the dump; a kernel error comes back as a syscall.Errno.
func parseDiag(b []byte, port uint16, dst []rawSocket) (rows []rawSocket, done bool, err error) {
	ne := binary.NativeEndian
	for len(b) > 0 {
		if len(b) < nlmsgHeaderLen {
			return dst, false, fmt.Errorf("%w: netlink: %d trailing bytes", ErrMalformed, len(b))
		}
		size := int(ne.Uint32(b))
		if size < nlmsgHeaderLen || size > len(b) {
			return dst, false, fmt.Errorf("%w: netlink: message length %d of %d bytes", ErrMalformed, size, len(b))
		}
		msg := b[nlmsgHeaderLen:size]
		switch ne.Uint16(b[4:]) {
		case nlmsgDone:
			return dst, true, nil
		case nlmsgError:
			if len(msg) < 4 {
				return dst, false, fmt.Errorf("%w: netlink: short error message", ErrMalformed)
			}
			if code := int32(ne.Uint32(msg)); code != 0 {
				return dst, false, syscall.Errno(-code)
			}
		case sockDiagByFamily, tcpDiagGetSock: // a reply has its request's type
			if len(msg) < diagMsgLen {
				return dst, false, fmt.Errorf("%w: netlink: diag message of %d bytes", ErrMalformed, len(msg))
			}
			if r, ok := diagRow(msg); ok && (r.local.Port() == port || r.remote.Port() == port) {
				dst = append(dst, r)
			}
		}
		aligned := (size + 3) &^ 3
		if aligned >= len(b) {
			break
		}
		b = b[aligned:]
	}
	return dst, false, nil
}

// diagRow decodes struct inet_diag_msg; ports and addresses are big-endian.
func diagRow(m []byte) (rawSocket, bool) {
	var local, remote netip.Addr
	switch m[0] {
	case afInet:
		local, remote = netip.AddrFrom4([4]byte(m[8:12])), netip.AddrFrom4([4]byte(m[24:28]))
	case afInet6:
		local, remote = netip.AddrFrom16([16]byte(m[8:24])).Unmap(), netip.AddrFrom16([16]byte(m[24:40])).Unmap()
	default:
		return rawSocket{}, false
	}
	ne := binary.NativeEndian
	return rawSocket{
		local:  netip.AddrPortFrom(local, binary.BigEndian.Uint16(m[4:])),
		remote: netip.AddrPortFrom(remote, binary.BigEndian.Uint16(m[6:])),
		state:  State(m[1]),
		uid:    ne.Uint32(m[64:]),
		inode:  uint64(ne.Uint32(m[68:])),
	}, true
}
