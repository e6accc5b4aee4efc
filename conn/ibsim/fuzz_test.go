package ibsim

import (
	"bytes"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// memConn is a client connection whose stream is a fixed byte slice; what
// the simulator writes is discarded.
type memConn struct {
	r      *bytes.Reader
	closed atomic.Bool
}

func (c *memConn) Read(p []byte) (int, error) {
	if c.closed.Load() {
		return 0, net.ErrClosed
	}
	return c.r.Read(p)
}

func (c *memConn) Write(p []byte) (int, error) {
	if c.closed.Load() {
		return 0, net.ErrClosed
	}
	return len(p), nil
}

func (c *memConn) Close() error                     { c.closed.Store(true); return nil }
func (c *memConn) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4002} }
func (c *memConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50000} }
func (c *memConn) SetDeadline(time.Time) error      { return nil }
func (c *memConn) SetReadDeadline(time.Time) error  { return nil }
func (c *memConn) SetWriteDeadline(time.Time) error { return nil }

// session is a client stream at version v: hello, START_API, then msgs.
func session(lo, hi int, msgs ...wire.Message) []byte {
	b := wire.Hello{Min: lo, Max: hi}.Append(nil)
	b, _ = wire.AppendMessage(b, &wire.StartAPI{ClientID: 1}, hi)
	for _, m := range msgs {
		b, _ = wire.AppendMessage(b, m, hi)
	}
	return b
}

// FuzzClientStream feeds arbitrary bytes as one client's whole stream into
// the per-connection handler: it must return (no hang), never panic, and
// leave no session behind.
func FuzzClientStream(f *testing.F) {
	all := []wire.Message{
		&wire.ReqCurrentTime{}, &wire.ReqIDs{NumIDs: 1}, &wire.ReqManagedAccts{}, &wire.ReqPositions{},
		&wire.ReqAccountSummary{ReqID: 2, Group: "All", Tags: "NetLiquidation"},
		histReq(3, "AAPL", "5 mins", "1 D", true, 1), histReq(4, "MSFT", "1 hour", "1 W", false, 2),
		&wire.ReqMktData{ReqID: 5, Contract: aapl}, &wire.ReqRealTimeBars{ReqID: 6, Contract: aapl, BarSize: 5},
		&wire.CancelHistoricalData{ReqID: 3}, &wire.CancelMktData{ReqID: 5}, &wire.ReqCurrentTimeInMillis{},
		&wire.ReqAcctData{Subscribe: true}, &wire.ReqAccountUpdatesMulti{ReqID: 7, Account: "All"}, &wire.ReqPnL{ReqID: 8},
		&wire.ReqPnLSingle{ReqID: 9, ConID: 265598}, &wire.CancelPnL{ReqID: 8}, &wire.ReqContractData{ReqID: 10, Contract: wire.Contract{Symbol: "ES", SecType: "FUT"}},
		&wire.ReqExecutions{ReqID: 11, Filter: wire.ExecutionFilter{Side: "S", LastNDays: wire.UnsetInt}}, &wire.ReqAllOpenOrders{}, &wire.ReqOpenOrders{},
		&wire.ReqAutoOpenOrders{AutoBind: true}, &wire.ReqCompletedOrders{},
	}
	for _, v := range []int{100, 124, 176, 178, 196, 200} {
		f.Add(session(100, v, all...))
	}
	f.Add(session(157, 178, histReq(1, "NOSUCH", "5 mins", "1 D", false, 1), histReq(2, "AAPL", "7 mins", "x", true, 9)))
	f.Add([]byte("API\x00"))
	f.Add(cat(prefix, frame("v100..178"), []byte{0xff, 0xff, 0xff, 0xff}))
	f.Add(cat(prefix, frame("v100..178"), frame("71\x002\x001\x00"), frame("x\x00"), rawLen(0)))
	f.Add(cat(prefix, frame("v1..2")))
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))
	f.Add(cat(prefix, rawLen(1<<24-1), []byte("v1")))

	s, _ := manualSim(f, Config{})
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.serveConn(&memConn{r: bytes.NewReader(data)})
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("the connection handler did not return after its stream ended")
		}
		st := s.State()
		for _, c := range st.Clients {
			if c.State != stateClosed {
				t.Fatalf("connection left in state %q", c.State)
			}
		}
	})
}
