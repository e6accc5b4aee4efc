package sockets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// ErrMalformed is wrapped by every error about an unparsable kernel socket table.
var ErrMalformed = errors.New("malformed socket table")

// rawSocket is one row of the kernel's socket table.
type rawSocket struct {
	local, remote netip.AddrPort
	state         State
	uid           uint32
	inode         uint64
	pid           int // owner given by the platform's table (not Linux); 0 when unknown
}

func (r rawSocket) String() string {
	return fmt.Sprintf("%v->%v %v uid=%d inode=%d pid=%d", r.local, r.remote, r.state, r.uid, r.inode, r.pid)
}

// queued reports whether a Linux row is a connection to port that the kernel
// has accepted but no process has yet: it has no inode while it waits in the
// listener's queue (a CLOSE_WAIT cannot be an orphan: closing it leaves CLOSE_WAIT).
func (r rawSocket) queued(port uint16) bool {
	return r.inode == 0 && r.local.Port() == port &&
		(r.state == Established || r.state == CloseWait || r.state == SynRecv)
}

// procNetFields is how many leading columns of /proc/net/tcp a row needs:
// sl, local, remote, st, tx:rx, tr:when, retrnsmt, uid, timeout, inode.
const procNetFields = 10

// parseProcNet appends to dst the rows of a /proc/net/tcp or /proc/net/tcp6
// file whose local or remote port is port (every row when port is 0).
// It does not allocate beyond growing dst.
func parseProcNet(data []byte, port uint16, dst []rawSocket) ([]rawSocket, error) {
	for lineNo := 1; len(data) > 0; lineNo++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		var f [procNetFields][]byte
		n := splitFields(line, f[:])
		if n == 0 || string(f[0]) == "sl" {
			continue
		}
		if n < procNetFields {
			return dst, fmt.Errorf("%w: line %d: %d columns, want at least %d", ErrMalformed, lineNo, n, procNetFields)
		}
		local, err := parseHexAddrPort(f[1])
		if err != nil {
			return dst, fmt.Errorf("%w: line %d: local address %q: %v", ErrMalformed, lineNo, f[1], err)
		}
		remote, err := parseHexAddrPort(f[2])
		if err != nil {
			return dst, fmt.Errorf("%w: line %d: remote address %q: %v", ErrMalformed, lineNo, f[2], err)
		}
		if port != 0 && local.Port() != port && remote.Port() != port {
			continue
		}
		st, ok := parseHex(f[3], 2)
		if !ok {
			return dst, fmt.Errorf("%w: line %d: state %q", ErrMalformed, lineNo, f[3])
		}
		uid, ok := parseDec(f[7], 10)
		if !ok || uid > uint64(^uint32(0)) {
			return dst, fmt.Errorf("%w: line %d: uid %q", ErrMalformed, lineNo, f[7])
		}
		inode, ok := parseDec(f[9], 20)
		if !ok {
			return dst, fmt.Errorf("%w: line %d: inode %q", ErrMalformed, lineNo, f[9])
		}
		dst = append(dst, rawSocket{local: local, remote: remote, state: State(st), uid: uint32(uid), inode: inode})
	}
	return dst, nil
}

// splitFields fills f with the space-separated fields of line and returns how
// many it filled; fields beyond len(f) are ignored.
func splitFields(line []byte, f [][]byte) int {
	n := 0
	for n < len(f) {
		for len(line) > 0 && (line[0] == ' ' || line[0] == '\t' || line[0] == '\r') {
			line = line[1:]
		}
		if len(line) == 0 {
			break
		}
		end := 0
		for end < len(line) && line[end] != ' ' && line[end] != '\t' && line[end] != '\r' {
			end++
		}
		f[n] = line[:end]
		line = line[end:]
		n++
	}
	return n
}

// parseHexAddrPort reads "0100007F:0FA2" (IPv4) or 32 hex digits and a port
// (IPv6). The kernel prints each 32-bit word of the address in host byte order.
func parseHexAddrPort(b []byte) (netip.AddrPort, error) {
	i := bytes.IndexByte(b, ':')
	if i < 0 {
		return netip.AddrPort{}, errors.New("no port")
	}
	hexIP, hexPort := b[:i], b[i+1:]
	port, ok := parseHex(hexPort, 4)
	if !ok {
		return netip.AddrPort{}, errors.New("bad port")
	}
	var raw [16]byte
	switch len(hexIP) {
	case 8, 32:
	default:
		return netip.AddrPort{}, fmt.Errorf("address of %d hex digits", len(hexIP))
	}
	for w := 0; w < len(hexIP)/8; w++ {
		v, ok := parseHex(hexIP[w*8:w*8+8], 8)
		if !ok {
			return netip.AddrPort{}, errors.New("bad address")
		}
		binary.NativeEndian.PutUint32(raw[w*4:], uint32(v))
	}
	var addr netip.Addr
	if len(hexIP) == 8 {
		addr = netip.AddrFrom4([4]byte(raw[:4]))
	} else {
		addr = netip.AddrFrom16(raw).Unmap()
	}
	return netip.AddrPortFrom(addr, uint16(port)), nil
}

func parseHex(b []byte, maxDigits int) (uint64, bool) {
	if len(b) == 0 || len(b) > maxDigits {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		default:
			return 0, false
		}
		v = v<<4 | uint64(c)
	}
	return v, true
}

func parseDec(b []byte, maxDigits int) (uint64, bool) {
	if len(b) == 0 || len(b) > maxDigits {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (^uint64(0)-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}
