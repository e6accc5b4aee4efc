package fanout

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// FuzzHandle feeds one client's frame, at a fuzzed version, to the request
// handler: whatever it holds, the answer is an error that drops the client
// or a reply, never a panic. The session is never started: what the
// handler asks of it only queues.
func FuzzHandle(f *testing.F) {
	for _, m := range []wire.Message{
		&wire.ReqMktData{ReqID: 1, Contract: wire.Stock("AAPL")},
		&wire.ReqHistoricalData{ReqID: 2, Contract: wire.Stock("AAPL"), BarSize: "5 mins", Duration: "1 D", WhatToShow: "TRADES", FormatDate: 2, KeepUpToDate: true},
		&wire.ReqHistoricalData{ReqID: 3, Contract: wire.Stock("AAPL"), BarSize: "5 secs", Duration: "1 D", WhatToShow: "TRADES", FormatDate: 1},
		&wire.ReqAccountSummary{ReqID: 4, Group: "All", Tags: "NetLiquidation"},
		&wire.ReqRealTimeBars{ReqID: 5, Contract: wire.Stock("SPY"), BarSize: 5, WhatToShow: "TRADES"},
		&wire.ReqCurrentTime{}, &wire.ReqPositions{}, &wire.CancelPositions{}, &wire.CancelMktData{ReqID: 1},
	} {
		b, _ := wire.AppendMessage(nil, m, 200)
		f.Add(b)
	}
	for _, p := range []string{"3\x0042\x00", "6\x002\x001\x00DU1\x00", "7\x003\x009\x000\x00\x00\x00\x00\x00\x00\x00", "9\x008\x001\x00",
		"92\x001\x00DU1\x00\x00", "16\x001\x00", "99\x001\x00", "76\x001\x002\x00DU1\x00\x001\x00", "x\x00", "999\x00", ""} {
		f.Add([]byte(p))
	}
	sess := conn.NewSession(conn.Config{Addr: "127.0.0.1:1"})
	s := &Server{sess: sess, quit: make(chan struct{}), clients: map[*client]struct{}{}, ids: map[int]*client{},
		mkt: map[string]*shared{}, bars: map[conn.BarRequest]*barGroup{}, upVer: 200}
	s.cfg.defaults()
	s.log = s.cfg.Logger
	s.topics.init()
	s.hist.now = time.Now
	f.Fuzz(func(t *testing.T, frame []byte) {
		payload, _, err := wire.SplitFrame(frame)
		if err != nil {
			payload = frame
		}
		if len(payload) == 0 {
			return
		}
		a, z := net.Pipe()
		go io.Copy(io.Discard, z)
		c := newClient(s, a)
		c.version, c.clientID = 100+int(payload[0])%101, 1
		s.mu.Lock()
		s.clients[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(2)
		go c.writeLoop()
		go c.workLoop()
		s.handle(c, payload)
		c.drop("done", false)
		s.wg.Wait()
		s.forget(c)
		z.Close()
	})
}
