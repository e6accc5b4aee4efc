package sockets

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"syscall"
	"testing"
)

func nlmsg(typ uint16, payload []byte) []byte {
	size := nlmsgHeaderLen + len(payload)
	b := make([]byte, (size+3)&^3)
	binary.NativeEndian.PutUint32(b, uint32(size))
	binary.NativeEndian.PutUint16(b[4:], typ)
	copy(b[nlmsgHeaderLen:], payload)
	return b
}

// diagMsg encodes struct inet_diag_msg for a socket.
func diagMsg(family uint8, local, remote string, st State, uid, inode uint32) []byte {
	m := make([]byte, diagMsgLen)
	m[0], m[1] = family, uint8(st)
	l, r := netip.MustParseAddrPort(local), netip.MustParseAddrPort(remote)
	binary.BigEndian.PutUint16(m[4:], l.Port())
	binary.BigEndian.PutUint16(m[6:], r.Port())
	if family == afInet {
		a, b := l.Addr().As4(), r.Addr().As4()
		copy(m[8:], a[:])
		copy(m[24:], b[:])
	} else {
		a, b := l.Addr().As16(), r.Addr().As16()
		copy(m[8:], a[:])
		copy(m[24:], b[:])
	}
	binary.NativeEndian.PutUint32(m[64:], uid)
	binary.NativeEndian.PutUint32(m[68:], inode)
	return m
}

func errMsg(code int32) []byte {
	p := make([]byte, 4+nlmsgHeaderLen)
	binary.NativeEndian.PutUint32(p, uint32(code))
	return nlmsg(nlmsgError, p)
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func TestParseDiag(t *testing.T) {
	v4 := nlmsg(sockDiagByFamily, diagMsg(afInet, "127.0.0.1:50001", "127.0.0.1:4002", CloseWait, 1000, 77))
	v6 := nlmsg(sockDiagByFamily, diagMsg(afInet6, "[::ffff:127.0.0.1]:4002", "[::ffff:127.0.0.1]:50002", Established, 0, 78))
	other := nlmsg(sockDiagByFamily, diagMsg(afInet, "127.0.0.1:6000", "127.0.0.1:7000", Established, 0, 79))
	unknownFamily := nlmsg(sockDiagByFamily, append([]byte{99}, make([]byte, diagMsgLen-1)...))
	done := nlmsg(nlmsgDone, make([]byte, 4))
	tests := []struct {
		name     string
		data     []byte
		want     string
		wantDone bool
		wantErr  error
	}{
		{"rows then done", cat(v4, v6, other, unknownFamily, done),
			"[127.0.0.1:50001->127.0.0.1:4002 CLOSE_WAIT uid=1000 inode=77 pid=0 127.0.0.1:4002->127.0.0.1:50002 ESTABLISHED uid=0 inode=78 pid=0]", true, nil},
		{"replies to the old request", cat(nlmsg(tcpDiagGetSock, diagMsg(afInet, "127.0.0.1:50001", "127.0.0.1:4002", CloseWait, 1000, 77)), done),
			"[127.0.0.1:50001->127.0.0.1:4002 CLOSE_WAIT uid=1000 inode=77 pid=0]", true, nil},
		{"more to come", cat(v4), "[127.0.0.1:50001->127.0.0.1:4002 CLOSE_WAIT uid=1000 inode=77 pid=0]", false, nil},
		{"empty datagram", nil, "[]", false, nil},
		{"acknowledgement is no error", cat(errMsg(0), done), "[]", true, nil},
		{"kernel error", cat(v4, errMsg(-int32(syscall.EINVAL))), "[127.0.0.1:50001->127.0.0.1:4002 CLOSE_WAIT uid=1000 inode=77 pid=0]", false, syscall.EINVAL},
		{"short header", []byte{1, 2, 3}, "[]", false, ErrMalformed},
		{"length beyond the datagram", func() []byte { b := cat(v4); binary.NativeEndian.PutUint32(b, 500); return b }(), "[]", false, ErrMalformed},
		{"length below a header", func() []byte { b := cat(v4); binary.NativeEndian.PutUint32(b, 3); return b }(), "[]", false, ErrMalformed},
		{"short diag message", nlmsg(sockDiagByFamily, make([]byte, 10)), "[]", false, ErrMalformed},
		{"short error message", nlmsg(nlmsgError, []byte{1}), "[]", false, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, done, err := parseDiag(tt.data, 4002, []rawSocket{})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			if got := fmt.Sprint(rows); got != tt.want || done != tt.wantDone {
				t.Errorf("rows %s done %v; want %s done %v", got, done, tt.want, tt.wantDone)
			}
		})
	}
}

// runBytecode interprets an inet_diag filter as the kernel's inet_diag_bc_run does.
func runBytecode(bc []byte, sport, dport uint16) bool {
	for pos := 0; pos < len(bc); {
		code, yes, no := bc[pos], int(bc[pos+1]), int(binary.NativeEndian.Uint16(bc[pos+2:]))
		var arg uint16
		if pos+6 <= len(bc) {
			arg = binary.NativeEndian.Uint16(bc[pos+6:])
		}
		ok := false
		switch code {
		case diagBcJMP:
		case diagBcSGE:
			ok = sport >= arg
		case diagBcSLE:
			ok = sport <= arg
		case diagBcDGE:
			ok = dport >= arg
		case diagBcDLE:
			ok = dport <= arg
		default:
			panic(code)
		}
		if ok {
			pos += yes
		} else {
			pos += no
		}
		if pos > len(bc) {
			return false
		}
	}
	return true
}

func TestPortBytecode(t *testing.T) {
	bc := portBytecode(4002)
	if len(bc) != 36 {
		t.Fatalf("bytecode of %d bytes, want 36", len(bc))
	}
	tests := []struct {
		sport, dport uint16
		want         bool
	}{
		{4002, 50000, true}, {50000, 4002, true}, {4002, 4002, true}, {0, 4002, true}, {4002, 0, true},
		{4001, 4003, false}, {4003, 4001, false}, {50000, 50001, false}, {0, 0, false}, {65535, 65535, false},
	}
	for _, tt := range tests {
		if got := runBytecode(bc, tt.sport, tt.dport); got != tt.want {
			t.Errorf("sport %d dport %d: accepted %v, want %v", tt.sport, tt.dport, got, tt.want)
		}
	}
}

func TestDiagRequest(t *testing.T) {
	req := diagRequest(afInet6, 4002, true, 9)
	ne := binary.NativeEndian
	if int(ne.Uint32(req)) != len(req) || len(req) != nlmsgHeaderLen+diagReqLen+4+36 {
		t.Fatalf("length %d in a request of %d bytes", ne.Uint32(req), len(req))
	}
	if ne.Uint16(req[4:]) != sockDiagByFamily || ne.Uint16(req[6:]) != nlmFRequest|nlmFDump || ne.Uint32(req[8:]) != 9 {
		t.Errorf("header %x", req[:16])
	}
	r := req[nlmsgHeaderLen:]
	if r[0] != afInet6 || r[1] != ipprotoTCP || ne.Uint32(r[4:]) != diagAllStates {
		t.Errorf("request %x", r[:8])
	}
	if a := r[diagReqLen:]; ne.Uint16(a) != 40 || ne.Uint16(a[2:]) != diagReqBytecode {
		t.Errorf("attribute header %x", a[:4])
	}
	if plain := diagRequest(afInet, 4002, false, 1); len(plain) != nlmsgHeaderLen+diagReqLen {
		t.Errorf("unfiltered request of %d bytes", len(plain))
	}
}

// Both families at once: the TCPDIAG_GETSOCK request, struct inet_diag_req.
func TestDiagRequestBothFamilies(t *testing.T) {
	req := diagRequest(afUnspec, 4002, true, 3)
	ne := binary.NativeEndian
	if int(ne.Uint32(req)) != len(req) || len(req) != nlmsgHeaderLen+compatReqLen+4+36 {
		t.Fatalf("length %d in a request of %d bytes", ne.Uint32(req), len(req))
	}
	if ne.Uint16(req[4:]) != tcpDiagGetSock || ne.Uint16(req[6:]) != nlmFRequest|nlmFDump || ne.Uint32(req[8:]) != 3 {
		t.Errorf("header %x", req[:16])
	}
	r := req[nlmsgHeaderLen:]
	if r[0] != afUnspec || ne.Uint32(r[52:]) != diagAllStates || ne.Uint32(r[56:]) != 0 {
		t.Errorf("request %x", r[:compatReqLen])
	}
	if a := r[compatReqLen:]; ne.Uint16(a) != 40 || ne.Uint16(a[2:]) != diagReqBytecode || string(a[4:]) != string(portBytecode(4002)) {
		t.Errorf("attribute %x", a)
	}
}

func FuzzParseDiag(f *testing.F) {
	f.Add(cat(nlmsg(sockDiagByFamily, diagMsg(afInet, "127.0.0.1:50001", "127.0.0.1:4002", CloseWait, 1, 2)), nlmsg(nlmsgDone, nil)), uint16(4002))
	f.Add(nlmsg(sockDiagByFamily, diagMsg(afInet6, "[::1]:4002", "[::1]:1", Listen, 1, 2)), uint16(4002))
	f.Add(nlmsg(tcpDiagGetSock, diagMsg(afInet, "127.0.0.1:4002", "127.0.0.1:1", Established, 1, 2)), uint16(4002))
	f.Add(errMsg(-22), uint16(1))
	f.Add([]byte{}, uint16(0))
	f.Fuzz(func(t *testing.T, data []byte, port uint16) {
		rows, _, err := parseDiag(data, port, nil)
		var errno syscall.Errno
		if err != nil && !errors.Is(err, ErrMalformed) && !errors.As(err, &errno) {
			t.Fatalf("unexpected error type: %v", err)
		}
		for _, r := range rows {
			if r.local.Port() != port && r.remote.Port() != port {
				t.Fatalf("row %v not on port %d", r, port)
			}
		}
	})
}
