package ibsim

import (
	"net"
	"sync"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

const (
	writeTimeout = 10 * time.Second
	maxQueued    = 64 << 20 // bytes waiting for a client that does not read
)

// outItem is one write: frames, when to write them (latency fault), what to
// call once written or dropped, and whether to close the socket after it.
type outItem struct {
	data       []byte
	due        time.Time
	onDone     func()
	closeAfter bool
	poison     bool // an oversized prefix: nothing after it can be read anyway
}

// ends reports whether a write batch must stop after this item.
func (it *outItem) ends() bool { return it.closeAfter || it.poison }

type outQueue struct {
	mu     sync.Mutex
	items  []outItem
	bytes  int
	closed bool
	signal chan struct{}
}

func newOutQueue() outQueue { return outQueue{signal: make(chan struct{}, 1)} }

// due is when a reply queued now may go out.
func (s *Server) due() time.Time {
	if l := s.latency.Load(); l > 0 {
		return time.Now().Add(time.Duration(l))
	}
	return time.Time{}
}

// send queues messages encoded for the client's version. It never blocks.
func (c *client) send(msgs ...wire.Message) { c.enqueue(c.encode(msgs...)) }

// encode frames messages for the client's version as one write.
func (c *client) encode(msgs ...wire.Message) outItem {
	v := int(c.version.Load())
	var buf []byte
	for _, m := range msgs {
		var err error
		if buf, err = wire.AppendMessage(buf, m, v); err != nil {
			c.s.log.Error("message not encodable", "addr", c.addr, "msg_id", m.MsgID(), "err", err)
		}
	}
	return outItem{data: buf, due: c.s.due()}
}

// enqueue queues it, or reports it done at once if it can never be sent.
func (c *client) enqueue(it outItem) {
	if !c.tryEnqueue(it) && it.onDone != nil {
		it.onDone()
	}
}

// tryEnqueue queues it unless the writer has stopped or the client is too
// far behind (then it is dropped); it reports whether it was queued and
// never calls it.onDone itself.
func (c *client) tryEnqueue(it outItem) bool {
	q := &c.out
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	if q.bytes+len(it.data) > maxQueued {
		q.mu.Unlock()
		c.s.log.Warn("client does not read; dropping it", "addr", c.addr)
		c.kill(false)
		return false
	}
	q.items = append(q.items, it)
	q.bytes += len(it.data)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
	return true
}

func (q *outQueue) isClosed() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}

func (q *outQueue) take() []outItem {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items, q.bytes = nil, 0
	return items
}

// shutdown refuses further items and reports pending ones as done.
func (q *outQueue) shutdown(pending []outItem) {
	q.mu.Lock()
	q.closed = true
	pending = append(pending, q.items...)
	q.items, q.bytes = nil, 0
	q.mu.Unlock()
	for _, it := range pending {
		if it.onDone != nil {
			it.onDone()
		}
	}
}

func (c *client) writeLoop() {
	defer c.s.wg.Done()
	defer close(c.writerDone)
	for {
		items := c.out.take()
		if len(items) == 0 {
			select {
			case <-c.out.signal:
				continue
			case <-c.done:
				c.out.shutdown(nil)
				return
			}
		}
		for len(items) > 0 {
			if wait := time.Until(items[0].due); wait > 0 && !c.wait(wait) {
				c.out.shutdown(items)
				return
			}
			n := batchLen(items)
			if err := c.write(items[:n]); err != nil {
				c.s.log.Info("write failed", "addr", c.addr, "err", err)
				c.kill(false)
				c.out.shutdown(items)
				return
			}
			for _, it := range items[:n] {
				if it.onDone != nil {
					it.onDone()
				}
			}
			if items[n-1].poison {
				c.poisoned.Store(true)
			}
			if items[n-1].closeAfter {
				c.kill(false)
				c.out.shutdown(items[n:])
				return
			}
			items = items[n:]
		}
	}
}

// batchLen is how many leading items can go out in one write: those due by
// now, up to and including the first that ends a batch.
func batchLen(items []outItem) int {
	now := time.Now()
	n := 1
	for n < len(items) && !items[n-1].ends() && !items[n].due.After(now) {
		n++
	}
	return n
}

func (c *client) write(items []outItem) error {
	if c.poisoned.Load() {
		return nil
	}
	bufs := make(net.Buffers, 0, len(items))
	for _, it := range items {
		if len(it.data) > 0 {
			bufs = append(bufs, it.data)
		}
	}
	if len(bufs) == 0 {
		return nil
	}
	c.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := bufs.WriteTo(c.conn)
	return err
}

// wait sleeps d unless the session ends first.
func (c *client) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.done:
		return false
	case <-c.s.quit:
		return false
	}
}
