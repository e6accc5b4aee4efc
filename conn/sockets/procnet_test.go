package sockets

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

// hexAddr encodes an address the way the kernel prints it in /proc/net/tcp{,6}.
func hexAddr(ap netip.AddrPort) string {
	var b strings.Builder
	raw := ap.Addr().AsSlice()
	for w := 0; w < len(raw); w += 4 {
		fmt.Fprintf(&b, "%08X", binary.NativeEndian.Uint32(raw[w:w+4]))
	}
	fmt.Fprintf(&b, ":%04X", ap.Port())
	return b.String()
}

func procLine(sl int, local, remote string, st State, uid uint32, inode uint64) string {
	return fmt.Sprintf("%4d: %s %s %02X 00000000:00000000 00:00000000 00000000 %5d        0 %d 1 0000000000000000 100 0 0 10 0\n",
		sl, hexAddr(netip.MustParseAddrPort(local)), hexAddr(netip.MustParseAddrPort(remote)), uint8(st), uid, inode)
}

const tcpHeader = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"

// Samples as read on a little-endian Linux machine.
const (
	sampleTCP = tcpHeader +
		"   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1060 1 0000000075e18974 100 0 0 10 0\n" +
		"   1: 0100007F:0FA2 0100007F:D431 08 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 20 4 30 10 -1\n" +
		"   2: 0100007F:D431 0100007F:0FA2 04 00000000:00000000 00:00000000 00000000  1000        0 0 3 0000000049a47553\n"
	sampleTCP6 = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
		"   0: 00000000000000000000000001000000:0FA2 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1 0000000000000000 100 0 0 10 0\n" +
		"   1: 0000000000000000FFFF00000100007F:0FA2 0000000000000000FFFF00000100007F:9C40 08 00000000:00000000 00:00000000 00000000  1000        0 778 1 0000000000000000 20 4 30 10 -1\n"
)

func littleEndian(t testing.TB) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("samples were captured on a little-endian machine")
	}
}

func TestParseProcNetSamples(t *testing.T) {
	littleEndian(t)
	tests := []struct {
		name string
		data string
		port uint16
		want []rawSocket
	}{
		{"ipv4 filtered by port 4002", sampleTCP, 4002, []rawSocket{
			{local: ap("127.0.0.1:4002"), remote: ap("127.0.0.1:54321"), state: CloseWait, uid: 1000, inode: 4242},
			{local: ap("127.0.0.1:54321"), remote: ap("127.0.0.1:4002"), state: FinWait1, uid: 1000, inode: 0},
		}},
		{"ipv4 every row", sampleTCP, 0, []rawSocket{
			{local: ap("0.0.0.0:2024"), remote: ap("0.0.0.0:0"), state: Listen, uid: 0, inode: 1060},
			{local: ap("127.0.0.1:4002"), remote: ap("127.0.0.1:54321"), state: CloseWait, uid: 1000, inode: 4242},
			{local: ap("127.0.0.1:54321"), remote: ap("127.0.0.1:4002"), state: FinWait1, uid: 1000, inode: 0},
		}},
		{"ipv4 other port", sampleTCP, 7497, nil},
		{"ipv6 with mapped ipv4 unmapped", sampleTCP6, 4002, []rawSocket{
			{local: ap("[::1]:4002"), remote: ap("[::]:0"), state: Listen, uid: 1000, inode: 777},
			{local: ap("127.0.0.1:4002"), remote: ap("127.0.0.1:40000"), state: CloseWait, uid: 1000, inode: 778},
		}},
		{"empty", "", 4002, nil},
		{"header only", tcpHeader, 4002, nil},
		{"no trailing newline, blank lines", "\n" + strings.TrimSuffix(procLine(0, "127.0.0.1:1", "127.0.0.1:4002", Established, 5, 9), "\n"), 4002, []rawSocket{
			{local: ap("127.0.0.1:1"), remote: ap("127.0.0.1:4002"), state: Established, uid: 5, inode: 9},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProcNet([]byte(tt.data), tt.port, nil)
			if err != nil {
				t.Fatalf("parseProcNet: %v", err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestParseProcNetAppendsToDst(t *testing.T) {
	littleEndian(t)
	dst := []rawSocket{{state: Established}}
	got, err := parseProcNet([]byte(sampleTCP), 4002, dst)
	if err != nil || len(got) != 3 || got[0].state != Established {
		t.Fatalf("got %v, %v; want the old row kept and two appended", got, err)
	}
}

func TestParseProcNetMalformed(t *testing.T) {
	good := "   1: 0100007F:0FA2 0100007F:D431 08 00000000:00000000 00:00000000 00000000  1000        0 4242 1\n"
	tests := []struct {
		name, line string
	}{
		{"too few columns", "   1: 0100007F:0FA2 0100007F:D431 08\n"},
		{"address without port", strings.Replace(good, "0100007F:0FA2", "0100007F0FA2", 1)},
		{"odd address length", strings.Replace(good, "0100007F:0FA2", "0100007:0FA2", 1)},
		{"bad hex in address", strings.Replace(good, "0100007F:0FA2", "0100007G:0FA2", 1)},
		{"port too long", strings.Replace(good, "0100007F:0FA2", "0100007F:00FA2", 1)},
		{"bad state", strings.Replace(good, " 08 ", " 8X ", 1)},
		{"state too long", strings.Replace(good, " 08 ", " 008 ", 1)},
		{"uid not a number", strings.Replace(good, " 1000 ", " 10a0 ", 1)},
		{"uid above 32 bits", strings.Replace(good, " 1000 ", " 4294967296 ", 1)},
		{"inode not a number", strings.Replace(good, " 4242 ", " -4242 ", 1)},
		{"inode overflows", strings.Replace(good, " 4242 ", " 99999999999999999999 ", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseProcNet([]byte(tcpHeader+tt.line), 4002, nil)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), "line 2") {
				t.Errorf("error %q does not name line 2", err)
			}
		})
	}
}

func TestParseProcNetUnknownStateIsKept(t *testing.T) {
	rows, err := parseProcNet([]byte(procLine(0, "127.0.0.1:1", "127.0.0.1:4002", State(0x0C), 0, 1)), 4002, nil)
	if err != nil || len(rows) != 1 || rows[0].state != State(12) {
		t.Fatalf("rows %v, err %v; want one row in state 12", rows, err)
	}
	var c Counts
	c.add(rows[0].state)
	if c.Get(StateUnknown) != 1 {
		t.Errorf("state 12 not counted as unknown: %v", c)
	}
}

func FuzzParseProcNet(f *testing.F) {
	f.Add([]byte(sampleTCP), uint16(4002))
	f.Add([]byte(sampleTCP6), uint16(4002))
	f.Add([]byte(sampleTCP), uint16(0))
	f.Add([]byte(tcpHeader+"   1: 0100007F:0FA2 0100007F:D431 08 0 0 0 1000 0 4242\n"), uint16(4002))
	f.Add([]byte("sl\n\n\t \r\n"), uint16(1))
	f.Fuzz(func(t *testing.T, data []byte, port uint16) {
		rows, err := parseProcNet(data, port, nil)
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("error does not wrap ErrMalformed: %v", err)
		}
		for _, r := range rows {
			if port != 0 && r.local.Port() != port && r.remote.Port() != port {
				t.Fatalf("row %v is not on port %d", r, port)
			}
			if !r.local.IsValid() || !r.remote.IsValid() || r.local.Addr().Is4In6() {
				t.Fatalf("row %v has an invalid or mapped address", r)
			}
		}
	})
}

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

func TestDedupeDropsRepeatedRows(t *testing.T) {
	a := rawSocket{local: ap("127.0.0.1:4002"), remote: ap("127.0.0.1:50001"), state: Established, inode: 7}
	b := rawSocket{local: ap("127.0.0.1:50001"), remote: ap("127.0.0.1:4002"), state: Established, inode: 8}
	l1 := rawSocket{local: ap("0.0.0.0:4002"), remote: ap("0.0.0.0:0"), state: Listen, inode: 1}
	l2 := l1
	l2.inode = 2 // SO_REUSEPORT: a second listener on the same address
	got := dedupe([]rawSocket{a, b, a, l1, l2, b, l1})
	if len(got) != 4 {
		t.Fatalf("dedupe kept %v, want 4 distinct rows", got)
	}
}
