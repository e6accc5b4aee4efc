package ibsim

import (
	"encoding/binary"
	"testing"

	"github.com/robotui/robotui/conn/wire"
)

func frame(payload string) []byte {
	b, _ := wire.AppendFrame(nil, []byte(payload))
	return b
}

func rawLen(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var prefix = []byte(wire.APIPrefix)

// TestBadInputDropsOnlyThatClient feeds broken streams, before and after
// the handshake; the offender is dropped (or the bad frame ignored) while a
// well-behaved session keeps being served. TestMain's goleak check proves no
// goroutine is left behind.
func TestBadInputDropsOnlyThatClient(t *testing.T) {
	tests := []struct {
		name      string
		handshake bool   // send a good hello and START_API first
		data      []byte // then this
		closeSend bool   // then close the client's side
		dropped   bool   // the simulator must close the connection
	}{
		{name: "not the API prefix", data: []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), dropped: true},
		{name: "malformed hello", data: cat(prefix, frame("hello")), dropped: true},
		{name: "empty version range", data: cat(prefix, frame("v200..100")), dropped: true},
		{name: "oversized hello length", data: cat(prefix, []byte{1, 0, 0, 0}), dropped: true},
		{name: "empty hello frame", data: cat(prefix, rawLen(0)), dropped: true},
		{name: "vanishes mid-hello", data: cat(prefix, rawLen(100), []byte("v100..")), closeSend: true, dropped: true},
		{name: "vanishes inside the prefix", data: []byte("AP"), closeSend: true, dropped: true},
		{name: "non-numeric message id", handshake: true, data: frame("abc\x00def\x00")},
		{name: "unknown message id", handshake: true, data: frame("999\x001\x00x\x00")},
		{name: "undecodable known message", handshake: true, data: frame("20\x00notanid\x00")},
		{name: "truncated known message", handshake: true, data: frame("62\x001\x00")},
		{name: "oversized length after the handshake", handshake: true, data: []byte{0xff, 0xff, 0xff, 0xff}, dropped: true},
		{name: "empty frame after the handshake", handshake: true, data: rawLen(0), dropped: true},
		{name: "vanishes mid-frame", handshake: true, data: cat(rawLen(50), []byte("49\x001")), closeSend: true, dropped: true},
	}
	s, _ := manualSim(t, Config{})
	good := connect(t, s, 1)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, s.Addr())
			if tt.handshake {
				if _, err := c.hello(100, 178); err != nil {
					t.Fatal(err)
				}
				c.send(&wire.StartAPI{ClientID: 100 + i})
				c.until(isCode(2158))
			}
			c.writeRaw(tt.data)
			if tt.closeSend {
				c.conn.Close()
			}
			switch {
			case tt.closeSend:
			case tt.dropped:
				c.expectEOF()
			default:
				c.fence() // ignored: the session goes on
			}
			if tt.dropped {
				waitFor(t, s, "dropped", func(st State) bool {
					cs, ok := st.Client(c.local())
					return ok && cs.State == stateClosed
				})
			}
			good.fence()
		})
	}
	if cs, _ := s.State().Client(good.local()); cs.State != stateReady || cs.Requests != len(tests) {
		t.Errorf("the good session after bad input: %+v", cs)
	}
}
