package fanout

import (
	"io"
	"net"
	"testing"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// One tick from the session fanned out to 50 clients of one shared line
// (half at 193, half at 200): decoded once, encoded and queued per client,
// while each client's writer drains its queue into a socket.
func BenchmarkTickFanout50(b *testing.B) {
	s := &Server{quit: make(chan struct{})}
	s.cfg.QueueLen = 1 << 20
	s.cfg.defaults()
	g := &shared{members: map[*client]int{}}
	var clients []*client
	for i := range 50 {
		a, z := net.Pipe()
		go io.Copy(io.Discard, z)
		c := newClient(s, a)
		c.version, c.clientID = 193+7*(i%2), i
		s.wg.Add(1)
		go c.writeLoop()
		g.members[c] = 100 + i
		clients = append(clients, c)
	}
	payload := (&wire.TickPrice{ReqID: 1001, TickType: wire.TickLast, Price: 191.52, Size: 100}).AppendFields(nil, 200)
	ev := conn.RawEvent{Kind: conn.RawMessage, Payload: payload, Version: 200}
	b.ReportAllocs()
	for b.Loop() {
		s.onShared(g, ev)
	}
	b.StopTimer()
	for _, c := range clients {
		select {
		case <-c.quit:
			b.Fatalf("client %d dropped: %s", c.clientID, c.reason)
		default:
		}
		c.drop("done", false)
	}
	s.wg.Wait()
}
