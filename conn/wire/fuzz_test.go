package wire

import (
	"bytes"
	"testing"
)

func FuzzReadFrame(f *testing.F) {
	ok, _ := AppendFrame(nil, []byte("49\x001\x001700000000\x00"))
	f.Add(ok)
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0, 0xff, 0xff, 0xff, 1})
	f.Add(append(ok, 0, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		for i := 0; i < 64; i++ {
			p, err := r.ReadFrame()
			if err != nil {
				break
			}
			if len(p) == 0 || len(p) > MaxPayload {
				t.Fatalf("frame of %d bytes accepted", len(p))
			}
		}
		rest := data
		for len(rest) > 0 {
			p, r2, err := SplitFrame(rest)
			if err != nil {
				break
			}
			if len(r2) >= len(rest) || len(p) == 0 {
				t.Fatalf("SplitFrame made no progress")
			}
			rest = r2
		}
	})
}

func FuzzParseHello(f *testing.F) {
	for _, s := range []string{"v100..178", "v157..178 +PACEAPI", "v176", "v1..", "vx..y", "", "v99999999999..1"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ParseHello(data)
		if err == nil && (h.Min < 1 || h.Min > h.Max) {
			t.Fatalf("accepted bad range %+v", h)
		}
		sh, err := ParseServerHello(data)
		if err == nil && sh.Version != -1 && sh.Version <= 0 {
			t.Fatalf("accepted server version %d", sh.Version)
		}
	})
}

func fuzzSeeds(f *testing.F, server bool) {
	for _, sm := range samples() {
		if sm.server != server {
			continue
		}
		for _, v := range []int{100, 124, 176, 196, 200} {
			f.Add(sm.msg.AppendFields(nil, v), v)
		}
	}
	for _, sm := range tradingSamples() {
		if sm.server != server {
			continue
		}
		for _, v := range []int{100, 136, 157, 165, 176, 178, 187, 195, 200} {
			f.Add(sm.msg.AppendFields(nil, v), v)
		}
	}
}

// decodeStable checks that a decoded message re-encodes to something that
// decodes to the same value: the decoder never invents state.
func decodeStable(t *testing.T, decode func([]byte, int) (Message, error), data []byte, v int) {
	m, err := decode(data, v)
	if err != nil {
		return
	}
	again, err := decode(m.AppendFields(nil, v), v)
	if err != nil {
		t.Fatalf("re-encoded %T does not decode: %v", m, err)
	}
	if again.MsgID() != m.MsgID() {
		t.Fatalf("id changed %d -> %d", m.MsgID(), again.MsgID())
	}
}

func FuzzDecodeServerMessage(f *testing.F) {
	fuzzSeeds(f, true)
	f.Fuzz(func(t *testing.T, data []byte, v int) {
		v = MinVersion + abs(v)%(MaxVersion-MinVersion+1)
		decodeStable(t, DecodeServerMessage, data, v)
	})
}

func FuzzDecodeClientMessage(f *testing.F) {
	fuzzSeeds(f, false)
	f.Fuzz(func(t *testing.T, data []byte, v int) {
		v = MinVersion + abs(v)%(MaxVersion-MinVersion+1)
		decodeStable(t, DecodeClientMessage, data, v)
	})
}

func abs(v int) int {
	if v < 0 {
		if v == -v {
			return 0
		}
		return -v
	}
	return v
}
