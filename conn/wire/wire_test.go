package wire

import (
	"bytes"
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
)

// testVersions covers both sides of every gate in PROTOCOL.md section 3.
var testVersions = []int{100, 113, 114, 123, 124, 152, 153, 157, 162, 163, 165, 166, 176, 178, 187, 193, 194, 195, 196, 197, 200}

var aapl = Contract{ConID: 265598, Symbol: "AAPL", SecType: "STK", Exchange: "SMART", PrimaryExchange: "NASDAQ", Currency: "USD", LocalSymbol: "AAPL", TradingClass: "NMS"}

func sampleBars(n int) []Bar {
	bars := make([]Bar, n)
	for i := range bars {
		p := 100 + float64(i)/4
		bars[i] = Bar{Date: "1700000000", Open: p, High: p + 0.5, Low: p - 0.25, Close: p + 0.125, Volume: float64(1000 + i), WAP: p + 0.0625, BarCount: 10 + i}
	}
	return bars
}

// sample is a message and what decoding its encoding at version v must give.
type sample struct {
	name   string
	msg    Message
	fields func(v int) int // expected number of fields at v
	expect func(v int) Message
	server bool
}

func fixed(n int) func(int) int { return func(int) int { return n } }

func samples() []sample {
	hist := &HistoricalData{ReqID: 7, Start: "20240102 09:30:00", End: "20240103 16:00:00", Bars: sampleBars(3)}
	return []sample{
		{name: "StartAPI", msg: &StartAPI{ClientID: 3, OptionalCapabilities: "+x"}, fields: func(v int) int { return 4 }},
		{name: "ReqCurrentTime", msg: &ReqCurrentTime{}, fields: fixed(2)},
		{name: "ReqCurrentTimeInMillis", msg: &ReqCurrentTimeInMillis{}, fields: fixed(1)},
		{name: "ReqIDs", msg: &ReqIDs{NumIDs: 1}, fields: fixed(3)},
		{name: "ReqManagedAccts", msg: &ReqManagedAccts{}, fields: fixed(2)},
		{name: "ReqPositions", msg: &ReqPositions{}, fields: fixed(2)},
		{name: "CancelPositions", msg: &CancelPositions{}, fields: fixed(2)},
		{name: "ReqAccountSummary", msg: &ReqAccountSummary{ReqID: 9, Group: "All", Tags: "NetLiquidation,BuyingPower"}, fields: fixed(5)},
		{name: "CancelAccountSummary", msg: &CancelAccountSummary{ReqID: 9}, fields: fixed(3)},
		{name: "ReqMktData", msg: &ReqMktData{ReqID: 4, Contract: aapl, GenericTickList: "233", Snapshot: false, RegulatorySnapshot: true},
			fields: func(v int) int {
				if v >= VersionSmartComponents {
					return 3 + 12 + 5
				}
				return 3 + 12 + 4
			},
			expect: func(v int) Message {
				m := &ReqMktData{ReqID: 4, Contract: aapl, GenericTickList: "233", RegulatorySnapshot: v >= VersionSmartComponents}
				return m
			}},
		{name: "CancelMktData", msg: &CancelMktData{ReqID: 4}, fields: fixed(3)},
		{name: "ReqHistoricalData", msg: &ReqHistoricalData{ReqID: 5, Contract: aapl, BarSize: "5 mins", Duration: "2 D", UseRTH: true, WhatToShow: "TRADES", FormatDate: 2, KeepUpToDate: true},
			fields: func(v int) int {
				if v >= VersionSyntRealtimeBars {
					return 2 + 12 + 9
				}
				return 3 + 12 + 8
			},
			expect: func(v int) Message {
				return &ReqHistoricalData{ReqID: 5, Contract: aapl, BarSize: "5 mins", Duration: "2 D", UseRTH: true, WhatToShow: "TRADES", FormatDate: 2, KeepUpToDate: v >= VersionSyntRealtimeBars}
			}},
		{name: "CancelHistoricalData", msg: &CancelHistoricalData{ReqID: 5}, fields: fixed(3)},
		{name: "ReqRealTimeBars", msg: &ReqRealTimeBars{ReqID: 6, Contract: aapl, BarSize: 5, WhatToShow: "MIDPOINT", UseRTH: true}, fields: fixed(3 + 12 + 4)},
		{name: "CancelRealTimeBars", msg: &CancelRealTimeBars{ReqID: 6}, fields: fixed(3)},

		{server: true, name: "TickPrice", msg: &TickPrice{ReqID: 4, TickType: TickLast, Price: 187.25, Size: 300, AttrMask: 2}, fields: fixed(7)},
		{server: true, name: "TickSize", msg: &TickSize{ReqID: 4, TickType: TickVolume, Size: 12345}, fields: fixed(5)},
		{server: true, name: "ErrMsg", msg: &ErrMsg{ReqID: -1, Code: 2104, Text: "Market data farm connection is OK:usfarm — café", AdvancedOrderRejectJSON: "{}", ErrorTime: 1700000000123},
			fields: func(v int) int {
				switch {
				case v >= VersionErrorTime:
					return 6
				case v >= VersionAdvancedOrderReject:
					return 6
				}
				return 5
			},
			expect: func(v int) Message {
				m := &ErrMsg{ReqID: -1, Code: 2104, Text: "Market data farm connection is OK:usfarm — café"}
				if v >= VersionAdvancedOrderReject {
					m.AdvancedOrderRejectJSON = "{}"
				}
				if v >= VersionErrorTime {
					m.ErrorTime = 1700000000123
				}
				return m
			}},
		{server: true, name: "NextValidID", msg: &NextValidID{OrderID: 117}, fields: fixed(3)},
		{server: true, name: "ManagedAccts", msg: &ManagedAccts{Accounts: "DU1234567,DU7654321"}, fields: fixed(3)},
		{server: true, name: "CurrentTime", msg: &CurrentTime{Time: 1700000000}, fields: fixed(3)},
		{server: true, name: "CurrentTimeInMillis", msg: &CurrentTimeInMillis{TimeMillis: 1700000000123}, fields: fixed(2)},
		{server: true, name: "HistoricalData", msg: hist,
			fields: func(v int) int {
				switch {
				case v >= VersionHistoricalDataEnd:
					return 3 + 3*8
				case v >= VersionSyntRealtimeBars:
					return 5 + 3*8
				}
				return 6 + 3*9
			},
			expect: func(v int) Message {
				m := *hist
				if v >= VersionHistoricalDataEnd {
					m.Start, m.End = "", ""
				}
				return &m
			}},
		{server: true, name: "HistoricalDataEnd", msg: &HistoricalDataEnd{ReqID: 7, Start: "20240102 09:30:00", End: "20240103 16:00:00"}, fields: fixed(4)},
		{server: true, name: "HistoricalDataUpdate", msg: &HistoricalDataUpdate{ReqID: 7, Bar: sampleBars(1)[0]}, fields: fixed(10)},
		{server: true, name: "RealTimeBar", msg: &RealTimeBar{ReqID: 6, Time: 1700000005, Open: 1, High: 2, Low: 0.5, Close: 1.5, Volume: 100, WAP: 1.25, Count: 12}, fields: fixed(11)},
		{server: true, name: "PositionData", msg: &PositionData{Account: "DU1234567", Contract: Contract{ConID: 265598, Symbol: "AAPL", SecType: "STK", Exchange: "NASDAQ", Currency: "USD", LocalSymbol: "AAPL", TradingClass: "NMS"}, Position: 100, AvgCost: 150.5}, fields: fixed(16)},
		{server: true, name: "PositionEnd", msg: &PositionEnd{}, fields: fixed(2)},
		{server: true, name: "AccountSummary", msg: &AccountSummary{ReqID: 9, Account: "DU1234567", Tag: "NetLiquidation", Value: "100000.00", Currency: "USD"}, fields: fixed(7)},
		{server: true, name: "AccountSummaryEnd", msg: &AccountSummaryEnd{ReqID: 9}, fields: fixed(3)},
	}
}

func countFields(p []byte) int { return bytes.Count(p, []byte{0}) }

func TestRoundTripEveryMessageEveryVersion(t *testing.T) {
	for _, sm := range samples() {
		for _, v := range testVersions {
			frame, err := AppendMessage(nil, sm.msg, v)
			if err != nil {
				t.Fatalf("%s v%d: encode: %v", sm.name, v, err)
			}
			payload, rest, err := SplitFrame(frame)
			if err != nil || len(rest) != 0 {
				t.Fatalf("%s v%d: split: %v rest=%d", sm.name, v, err, len(rest))
			}
			if payload[len(payload)-1] != 0 {
				t.Errorf("%s v%d: last field not NUL-terminated", sm.name, v)
			}
			if got, want := countFields(payload), sm.fields(v); got != want {
				t.Errorf("%s v%d: %d fields, want %d: %q", sm.name, v, got, want, payload)
			}
			decode := DecodeClientMessage
			if sm.server {
				decode = DecodeServerMessage
			}
			got, err := decode(payload, v)
			if err != nil {
				t.Fatalf("%s v%d: decode: %v", sm.name, v, err)
			}
			want := sm.msg
			if sm.expect != nil {
				want = sm.expect(v)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s v%d: decoded %+v, want %+v", sm.name, v, got, want)
			}
		}
	}
}

func TestStartAPIOptionalCapabilitiesGate(t *testing.T) {
	// Below 72 the field is absent; every negotiated version is above, so check the encoder directly.
	p := (&StartAPI{ClientID: 1, OptionalCapabilities: "x"}).AppendFields(nil, 71)
	if countFields(p) != 3 {
		t.Fatalf("START_API at v71 has %d fields, want 3", countFields(p))
	}
}

func TestKnownCaptures(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		v       int
		want    Message
	}{
		{"managed accounts", "15\x001\x00DU1234567\x00", 176, &ManagedAccts{Accounts: "DU1234567"}},
		{"next valid id", "9\x001\x00117\x00", 176, &NextValidID{OrderID: 117}},
		{"farm ok", "4\x002\x00-1\x002104\x00Market data farm connection is OK:usfarm\x00\x00", 176, &ErrMsg{ReqID: -1, Code: 2104, Text: "Market data farm connection is OK:usfarm"}},
		{"error with time", "4\x00-1\x002106\x00HMDS ok\x00\x001700000000000\x00", 200, &ErrMsg{ReqID: -1, Code: 2106, Text: "HMDS ok", ErrorTime: 1700000000000}},
		{"unicode escape", "4\x002\x00-1\x00200\x00Caf\\u00e9\x00\x00", 176, &ErrMsg{ReqID: -1, Code: 200, Text: "Café"}},
		{"unset strike 0.0", "61\x003\x00DU1\x001\x00X\x00STK\x00\x000.0\x00\x00\x00\x00USD\x00X\x00X\x001.5\x001.7976931348623157E308\x00", 176,
			&PositionData{Account: "DU1", Contract: Contract{ConID: 1, Symbol: "X", SecType: "STK", Currency: "USD", LocalSymbol: "X", TradingClass: "X"}, Position: 1.5, AvgCost: UnsetDouble}},
		{"infinite price", "1\x006\x001\x004\x00Infinite\x000\x000\x00", 176, &TickPrice{ReqID: 1, TickType: 4, Price: math.Inf(1)}},
		{"unknown id", "999\x00a\x00", 176, &Unknown{ID: 999, Payload: []byte("999\x00a\x00")}},
	}
	for _, tt := range tests {
		got, err := DecodeServerMessage([]byte(tt.payload), tt.v)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    error
	}{
		{"missing field", "1\x006\x001\x004\x00", ErrMissingField},
		{"bad int", "9\x001\x00abc\x00", nil},
		{"bad float", "1\x006\x001\x004\x00x1\x000\x000\x00", nil},
		{"huge bar count", "17\x001\x00999999999\x00", nil},
		{"negative bar count", "17\x001\x00-1\x00", nil},
		{"bar count beyond data", "17\x001\x005\x001\x002\x00", ErrMissingField},
		{"empty", "", ErrMissingField},
	}
	for _, tt := range tests {
		_, err := DecodeServerMessage([]byte(tt.payload), 200)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.want)
		}
	}
	var fe *FieldError
	_, err := DecodeServerMessage([]byte("9\x001\x00abc\x00"), 200)
	if !errors.As(err, &fe) || fe.Index != 2 || fe.Want != "integer" {
		t.Errorf("bad int: %v, want FieldError at index 2", err)
	}
}

func TestFrameReader(t *testing.T) {
	var stream []byte
	stream, _ = AppendFrame(stream, []byte("a\x00"))
	stream, _ = AppendFrame(stream, []byte("bc\x00d\x00"))
	r := NewReader(bytes.NewReader(stream))
	for _, want := range []string{"a\x00", "bc\x00d\x00"} {
		got, err := r.ReadFrame()
		if err != nil || string(got) != want {
			t.Fatalf("ReadFrame = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := r.ReadFrame(); err != io.EOF {
		t.Fatalf("at end: %v, want io.EOF", err)
	}
}

func TestFrameReaderRejects(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
		want  error
	}{
		{"oversized", []byte{0x01, 0x00, 0x00, 0x00}, ErrFrameTooLarge},
		{"max uint32", []byte{0xff, 0xff, 0xff, 0xff}, ErrFrameTooLarge},
		{"empty", []byte{0, 0, 0, 0}, ErrEmptyFrame},
		{"truncated payload", []byte{0, 0, 0, 5, 'a', 'b'}, io.ErrUnexpectedEOF},
		{"truncated header", []byte{0, 0}, io.ErrUnexpectedEOF},
		// Announces the maximum and sends 3 bytes: must fail without a 16 MiB allocation.
		{"max announced", []byte{0x00, 0xff, 0xff, 0xff, 'a', 'b', 'c'}, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		r := NewReader(bytes.NewReader(tt.input))
		_, err := r.ReadFrame()
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
		if cap(r.buf) > readChunk*2 {
			t.Errorf("%s: reader allocated %d bytes", tt.name, cap(r.buf))
		}
	}
}

func TestFrameLargestLegal(t *testing.T) {
	payload := bytes.Repeat([]byte{'x'}, MaxPayload)
	frame, err := AppendFrame(nil, payload)
	if err != nil {
		t.Fatal(err)
	}
	got, err := NewReader(bytes.NewReader(frame)).ReadFrame()
	if err != nil || len(got) != MaxPayload {
		t.Fatalf("largest frame: len %d, %v", len(got), err)
	}
	if _, err := AppendFrame(nil, append(payload, 'y')); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("one byte over: %v", err)
	}
}

func TestSplitFrame(t *testing.T) {
	frame, _ := AppendFrame(nil, []byte("x\x00"))
	for i := 0; i < len(frame); i++ {
		if _, _, err := SplitFrame(frame[:i]); !errors.Is(err, ErrShortFrame) {
			t.Errorf("prefix %d: %v, want ErrShortFrame", i, err)
		}
	}
	p, rest, err := SplitFrame(append(frame, 9))
	if err != nil || string(p) != "x\x00" || len(rest) != 1 {
		t.Errorf("SplitFrame = %q %v %v", p, rest, err)
	}
}

func TestHello(t *testing.T) {
	tests := []struct {
		in   string
		want Hello
		bad  bool
	}{
		{in: "v100..178", want: Hello{Min: 100, Max: 178}},
		{in: "v157..178 +PACEAPI", want: Hello{Min: 157, Max: 178, Options: "+PACEAPI"}},
		{in: "v176", want: Hello{Min: 176, Max: 176}},
		{in: "v100..200\x00", want: Hello{Min: 100, Max: 200}},
		{in: "100..178", bad: true},
		{in: "v178..100", bad: true},
		{in: "vabc", bad: true},
		{in: "v100..", bad: true},
		{in: "", bad: true},
		{in: "GET / HTTP/1.1", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseHello([]byte(tt.in))
		if tt.bad {
			if !errors.Is(err, ErrBadHello) {
				t.Errorf("%q: %v, want ErrBadHello", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: %+v %v, want %+v", tt.in, got, err, tt.want)
		}
	}
	// The encoder's output parses back, behind the raw prefix.
	for _, h := range []Hello{{Min: 100, Max: 200}, {Min: 176, Max: 176, Options: "+PACEAPI"}} {
		raw := h.Append(nil)
		if !bytes.HasPrefix(raw, []byte(APIPrefix)) {
			t.Fatalf("hello lacks prefix: %q", raw)
		}
		p, _, err := SplitFrame(raw[len(APIPrefix):])
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(string(p), "\x00") {
			t.Errorf("hello payload has a trailing NUL: %q", p)
		}
		got, err := ParseHello(p)
		if err != nil || got != h {
			t.Errorf("hello round trip: %+v %v, want %+v", got, err, h)
		}
	}
}

func TestServerHello(t *testing.T) {
	raw := ServerHello{Version: 176, Time: "20230228 17:24:14 EST"}.Append(nil)
	p, _, _ := SplitFrame(raw)
	if string(p) != "176\x0020230228 17:24:14 EST\x00" {
		t.Fatalf("server hello payload %q", p)
	}
	got, err := ParseServerHello(p)
	if err != nil || got.Version != 176 || got.Time != "20230228 17:24:14 EST" {
		t.Fatalf("ParseServerHello = %+v, %v", got, err)
	}
	got, err = ParseServerHello([]byte("-1\x00gw.example:4002\x00"))
	if err != nil || got.Version != -1 || got.Redirect != "gw.example:4002" {
		t.Fatalf("redirect = %+v, %v", got, err)
	}
	for _, bad := range []string{"", "x\x00t\x00", "0\x00t\x00", "-1\x00\x00", "176\x00"} {
		if _, err := ParseServerHello([]byte(bad)); !errors.Is(err, ErrBadHello) {
			t.Errorf("%q: %v, want ErrBadHello", bad, err)
		}
	}
}

func TestAppendStringDropsNUL(t *testing.T) {
	if got := AppendString(nil, "a\x00b"); string(got) != "ab\x00" {
		t.Fatalf("AppendString = %q", got)
	}
}

func TestUnicodeEscapes(t *testing.T) {
	for _, s := range []string{"plain", "café", "日本", "emoji 😀", `back\slash`, `\u00zz bad escape`} {
		if got := unescapeASCII7(escapeASCII7(s)); got != s {
			t.Errorf("round trip %q -> %q -> %q", s, escapeASCII7(s), got)
		}
	}
}

func TestNonFiniteBarValuesAreRejected(t *testing.T) {
	for _, bad := range []string{"NaN", "Inf", "-Inf", "Infinity", "1e999"} {
		upd := "90\x001\x003\x001700000000\x00" + "1\x00" + bad + "\x001\x001\x001\x001\x00"
		if _, err := DecodeServerMessage([]byte(upd), 178); !errors.Is(err, ErrNonFinite) {
			t.Errorf("update with %q: %v, want ErrNonFinite", bad, err)
		}
		rt := "50\x003\x001\x001700000000\x001\x001\x00" + bad + "\x001\x001\x001\x001\x00"
		if _, err := DecodeServerMessage([]byte(rt), 178); !errors.Is(err, ErrNonFinite) {
			t.Errorf("real-time bar with %q: %v, want ErrNonFinite", bad, err)
		}
		bars := []Bar{{Date: "1", Open: 1, High: 1, Low: 1, Close: 1, Volume: 1, WAP: 1}, {Date: "2", Open: 2, High: 2, Low: 2, Close: 7.25, Volume: 2, WAP: 2}}
		frame, _ := AppendMessage(nil, &HistoricalData{ReqID: 1, Bars: bars}, 178)
		payload := bytes.Replace(frame[HeaderLen:], []byte("7.25"), []byte(bad), 1)
		m, err := DecodeServerMessage(payload, 178)
		if err != nil {
			t.Fatalf("backfill with %q: %v, want the good bars", bad, err)
		}
		if h := m.(*HistoricalData); len(h.Bars) != 1 || h.NonFinite != 1 || h.Bars[0].Date != "1" {
			t.Errorf("backfill with %q: %d bars, %d rejected; want 1 and 1", bad, len(h.Bars), h.NonFinite)
		}
	}
}

func TestOutOfRangeIntNamesItsField(t *testing.T) {
	var fe *FieldError
	_, err := ParseServerHello([]byte("2147483648\x0020261126 12:00:00 EST\x00"))
	if !errors.As(err, &fe) || fe.Index != 0 || fe.Want != "32-bit integer" || strings.Contains(err.Error(), "-1") {
		t.Fatalf("2^31 server version: %v, want a FieldError at field 0", err)
	}
	_, err = DecodeServerMessage([]byte("4\x002\x002147483648\x00200\x00x\x00\x00"), 176) // an error's request id, field 2
	if !errors.As(err, &fe) || fe.Index != 2 {
		t.Errorf("2^31 request id: %v, want a FieldError at field 2", err)
	}
	s := NewScanner([]byte("2147483648\x00"))
	s.Int32()
	if !errors.As(s.Err(), &fe) || fe.Index != 0 {
		t.Errorf("2^31 as the first field: %v, want field 0", s.Err())
	}
}
