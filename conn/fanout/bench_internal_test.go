package fanout

import (
	"io"
	"net"
	"sync"
	"testing"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// One tick from the session fanned out to 50 clients of one shared line
// (half at 193, half at 200), timed until every client has read its frame:
// copied once, then translated, queued and written by each client's own
// goroutines.
func BenchmarkTickFanout50(b *testing.B) {
	s := &Server{quit: make(chan struct{})}
	s.cfg.QueueLen = 1 << 20
	s.cfg.defaults()
	g := &shared{members: map[member]bool{}}
	var clients []*client
	var got sync.WaitGroup
	for i := range 50 {
		a, z := net.Pipe()
		go func() {
			fr := wire.NewReader(z)
			for {
				if _, err := fr.ReadFrame(); err != nil {
					io.Copy(io.Discard, z)
					return
				}
				got.Done()
			}
		}()
		c := newClient(s, a)
		c.version, c.clientID = 193+7*(i%2), i
		s.wg.Add(2)
		go c.writeLoop()
		go c.workLoop()
		g.members[member{c, 100 + i}] = true
		clients = append(clients, c)
	}
	payload := (&wire.TickPrice{ReqID: 1001, TickType: wire.TickLast, Price: 191.52, Size: 100}).AppendFields(nil, 200)
	ev := conn.RawEvent{Kind: conn.RawMessage, Payload: payload, Version: 200}
	b.ReportAllocs()
	for b.Loop() {
		got.Add(len(clients))
		s.onShared(g, ev)
		got.Wait()
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
