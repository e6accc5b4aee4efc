package wire

import (
	"bytes"
	"testing"
)

// The request id found by position is the one the typed codec writes, at
// every version, for every message both tables and the codec know.
func TestReqIDFieldsAgreeWithTheCodec(t *testing.T) {
	for v := MinVersion; v <= MaxVersion; v++ {
		server := []Message{
			&TickPrice{ReqID: 4242}, &TickSize{ReqID: 4242}, &ErrMsg{ReqID: 4242, Code: 200},
			&HistoricalData{ReqID: 4242}, &HistoricalDataEnd{ReqID: 4242}, &HistoricalDataUpdate{ReqID: 4242},
			&RealTimeBar{ReqID: 4242}, &AccountSummary{ReqID: 4242}, &AccountSummaryEnd{ReqID: 4242},
		}
		for _, m := range server {
			p := m.AppendFields(nil, v)
			i := ServerReqIDField(m.MsgID(), v)
			if got, err := FieldInt(p, i); err != nil || got != 4242 {
				t.Errorf("v%d server %d: field %d is %d (%v)", v, m.MsgID(), i, got, err)
			}
		}
		client := []Message{
			&ReqMktData{ReqID: 4242}, &CancelMktData{ReqID: 4242}, &ReqHistoricalData{ReqID: 4242},
			&CancelHistoricalData{ReqID: 4242}, &ReqRealTimeBars{ReqID: 4242}, &CancelRealTimeBars{ReqID: 4242},
			&ReqAccountSummary{ReqID: 4242}, &CancelAccountSummary{ReqID: 4242},
		}
		for _, m := range client {
			p := m.AppendFields(nil, v)
			i := ClientReqIDField(m.MsgID(), v)
			if got, err := FieldInt(p, i); err != nil || got != 4242 {
				t.Errorf("v%d client %d: field %d is %d (%v)", v, m.MsgID(), i, got, err)
			}
		}
	}
}

func TestSetIntField(t *testing.T) {
	p := []byte("1\x006\x00123\x004\x00")
	out, err := SetIntField(nil, p, 2, 9)
	if err != nil || string(out) != "1\x006\x009\x004\x00" {
		t.Fatalf("%q %v", out, err)
	}
	if _, err := SetIntField(nil, p, 4, 9); err == nil {
		t.Error("no error for a missing field")
	}
	if got := TruncateFields(p, 2); string(got) != "1\x006\x00" || CountFields(p) != 4 {
		t.Errorf("truncate: %q, count %d", got, CountFields(p))
	}
}

// FuzzSetIntField: rewriting a field never panics, and only that field changes.
func FuzzSetIntField(f *testing.F) {
	f.Add([]byte("1\x006\x00123\x004\x00"), 2, int64(7))
	f.Add([]byte("\x00\x00"), 0, int64(-1))
	f.Fuzz(func(t *testing.T, p []byte, i int, v int64) {
		if i < 0 || i > 64 {
			return
		}
		out, err := SetIntField(nil, p, i, v)
		if err != nil {
			return
		}
		if got, err := FieldInt(out, i); err == nil && int64(got) != v && v >= -1<<31 && v < 1<<31 {
			t.Fatalf("field %d of %q is %d, want %d", i, out, got, v)
		}
		if bytes.Count(out, []byte{0}) != bytes.Count(p, []byte{0}) {
			t.Fatalf("field count changed: %q → %q", p, out)
		}
	})
}

func TestNegotiate(t *testing.T) {
	for _, tt := range []struct{ lo, hi, server, want int }{
		{100, 193, 200, 193}, {157, 178, 176, 176}, {177, 178, 176, 0}, {100, 225, 200, 200}, {100, 176, 178, 176}, {90, 99, 200, 0},
	} {
		got, err := Negotiate(Hello{Min: tt.lo, Max: tt.hi}, tt.server)
		if got != tt.want || (err != nil) != (tt.want == 0) {
			t.Errorf("v%d..%d against %d: %d %v, want %d", tt.lo, tt.hi, tt.server, got, err, tt.want)
		}
	}
}
