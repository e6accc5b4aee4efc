package engine

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"math"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// poison is a price the hostile gateway writes in place of a real one; its
// text on the wire is then replaced by whatever the test wants ("NaN").
const poison = 12345.678

// hostileGateway completes the handshake, answers pings with serverTime
// and answers the first historical request with answer(reqID): framed
// messages in which the text of poison is replaced by bad.
func hostileGateway(t *testing.T, serverTime int64, bad string, answer func(reqID int) []wire.Message) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		go func() { <-t.Context().Done(); c.Close() }()
		br := bufio.NewReader(c)
		if _, err := io.ReadFull(br, make([]byte, len(wire.APIPrefix))); err != nil {
			return
		}
		fr := wire.NewReader(br)
		if _, err := fr.ReadFrame(); err != nil {
			return
		}
		const v = 178
		c.Write(wire.ServerHello{Version: v, Time: "20261126 12:00:00 EST"}.Append(nil))
		for {
			p, err := fr.ReadFrame()
			if err != nil {
				return
			}
			var msgs []wire.Message
			switch id, _ := wire.PeekID(p); id {
			case wire.OutStartAPI:
				msgs = []wire.Message{&wire.ManagedAccts{Accounts: "DU1"}, &wire.NextValidID{OrderID: 1}}
			case wire.OutReqCurrentTime:
				msgs = []wire.Message{&wire.CurrentTime{Time: serverTime}}
			case wire.OutReqHistoricalData:
				var req wire.ReqHistoricalData
				if req.Decode(p, v) == nil {
					msgs = answer(req.ReqID)
				}
			}
			var out []byte
			for _, m := range msgs {
				frame, _ := wire.AppendMessage(nil, m, v)
				// The length prefix must follow the replacement.
				payload := bytes.ReplaceAll(frame[wire.HeaderLen:], []byte(strconv.FormatFloat(poison, 'g', -1, 64)), []byte(bad))
				out, _ = wire.AppendFrame(out, payload)
			}
			if len(out) > 0 {
				c.Write(out)
			}
		}
	}()
	return ln.Addr().String()
}

// bars5m are n five-minute bars, the last starting at last, closes 100..,
// with the bar at index poisonAt (if ≥ 0) closing at poison.
func bars5m(last int64, n, poisonAt int) []wire.Bar {
	out := make([]wire.Bar, n)
	for i := range out {
		c := 100 + float64(i)
		if i == poisonAt {
			c = poison
		}
		out[i] = wire.Bar{Date: strconv.FormatInt(last-int64(n-1-i)*300, 10), Open: 100, High: 200, Low: 50, Close: c, Volume: 10, WAP: 100}
	}
	return out
}

func startAgainst(t *testing.T, addr string) *Engine {
	t.Helper()
	e, err := New(Options{
		Session:      conn.Config{Addr: addr, ConnectTimeout: 2 * time.Second},
		Symbols:      []string{"AAPL"},
		Strategy:     mustSMA(t, 2, 3),
		ScanInterval: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	e.Start()
	return e
}

// waitSnap waits for a snapshot that satisfies ok.
func waitSnap(t *testing.T, e *Engine, what string, ok func(Snapshot) bool) Snapshot {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if s := e.Latest(); ok(s) {
			return s
		}
		select {
		case <-e.Snapshots():
		case <-deadline:
			t.Fatalf("no snapshot with %s; last %+v", what, e.Latest().Counters)
		}
	}
}

func TestNonFinitePricesNeverReachASeries(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC).Unix()
	last := now - now%300
	for _, bad := range []string{"NaN", "Inf", "-Inf", "+Inf", "Infinity", "nan"} {
		t.Run(bad, func(t *testing.T) {
			addr := hostileGateway(t, now, bad, func(reqID int) []wire.Message {
				upd := bars5m(last, 1, 0)[0]
				return []wire.Message{
					&wire.HistoricalData{ReqID: reqID, Bars: bars5m(last-300, 10, 4)},
					&wire.HistoricalDataEnd{ReqID: reqID},
					&wire.HistoricalDataUpdate{ReqID: reqID, Bar: upd},                    // the forming bar, poisoned
					&wire.HistoricalDataUpdate{ReqID: reqID, Bar: bars5m(last, 1, -1)[0]}, // and a good revision
				}
			})
			e := startAgainst(t, addr)
			s := waitSnap(t, e, "both rejections counted", func(s Snapshot) bool { return s.Counters.NonFinite >= 2 })
			if s.Counters.NonFinite != 2 {
				t.Errorf("%d rejections counted, want 2 (one backfill bar, one update)", s.Counters.NonFinite)
			}
			bars, recs := e.ClosedBars("AAPL")
			if len(bars) != 9 {
				t.Errorf("%d closed bars, want the 9 good ones of 10", len(bars))
			}
			for i, b := range bars {
				for _, v := range []float64{b.Open, b.High, b.Low, b.Close, b.Volume, recs[i].Fast, recs[i].Slow, recs[i].Price} {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("bar %d holds a non-finite value: %+v %+v", i, b, recs[i])
					}
				}
			}
			for _, row := range s.Symbols {
				if math.IsNaN(row.Last) || math.IsInf(row.Last, 0) || math.IsNaN(row.Fast) || math.IsNaN(row.Slow) {
					t.Errorf("row %+v holds a non-finite value", row)
				}
			}
		})
	}
}

func TestABarFromTheFutureIsRejected(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC).Unix()
	last := now - now%300
	future := time.Date(2100, 1, 1, 15, 0, 0, 0, time.UTC).Unix()
	addr := hostileGateway(t, now, "", func(reqID int) []wire.Message {
		return []wire.Message{
			&wire.HistoricalData{ReqID: reqID, Bars: append(bars5m(last-300, 10, -1), bars5m(future, 1, -1)...)},
			&wire.HistoricalDataEnd{ReqID: reqID},
			&wire.HistoricalDataUpdate{ReqID: reqID, Bar: bars5m(future+300, 1, -1)[0]},
			&wire.HistoricalDataUpdate{ReqID: reqID, Bar: bars5m(last, 1, -1)[0]},     // the real forming bar
			&wire.HistoricalDataUpdate{ReqID: reqID, Bar: bars5m(last+300, 1, -1)[0]}, // closes it
		}
	})
	e := startAgainst(t, addr)
	s := waitSnap(t, e, "the real bars merged", func(s Snapshot) bool {
		return len(s.Symbols) == 1 && s.Symbols[0].BarTime.Unix() == last
	})
	if s.Counters.FutureBars != 2 {
		t.Errorf("%d future bars counted, want 2 (one in the backfill, one update)", s.Counters.FutureBars)
	}
	bars, _ := e.ClosedBars("AAPL")
	if n := len(bars); n != 11 || bars[n-1].Time.Unix() != last {
		t.Errorf("%d closed bars ending %v, want 11 ending at the real forming bar", n, bars[n-1].Time)
	}
}

func TestAGatewayFloodingErrorsCannotFillTheLog(t *testing.T) {
	const n = 20_000
	addr := hostileGateway(t, time.Now().Unix(), "", func(reqID int) []wire.Message {
		out := make([]wire.Message, 0, n+2)
		for range n {
			out = append(out, &wire.ErrMsg{ReqID: -1, Code: 2110, Text: "Connectivity between TWS and server is broken"})
		}
		return append(out, &wire.HistoricalData{ReqID: reqID, Bars: bars5m(time.Now().Unix()/300*300, 5, -1)}, &wire.HistoricalDataEnd{ReqID: reqID})
	})
	var buf lockedBuffer
	e, err := New(Options{
		Session:      conn.Config{Addr: addr, ConnectTimeout: 2 * time.Second},
		Symbols:      []string{"AAPL"},
		ScanInterval: -1,
		Log:          slog.New(slog.NewJSONHandler(&buf, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Start()
	waitSnap(t, e, "every message counted", func(s Snapshot) bool { return s.Counters.GatewayMessages[2110] == n })
	e.Close()
	var lines, summed int
	for _, m := range buf.lines(t) {
		if m["msg"] == EventIBError && m["code"] == float64(2110) {
			lines++
			if c, ok := m["count"].(float64); ok {
				summed += int(c) // the repeats after the first
			} else {
				summed++
			}
		}
	}
	if lines > 2 || summed != n {
		t.Errorf("%d ib.error lines standing for %d messages; want at most 2 (the first, then one with the count) for %d", lines, summed, n)
	}
}
