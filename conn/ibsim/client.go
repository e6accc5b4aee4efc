package ibsim

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"

	"github.com/robotui/robotui/conn/wire"
)

// Client states as GET /state shows them.
const (
	stateHandshake = "handshake"
	stateReady     = "ready"
	stateStalled   = "stalled"
	stateHeld      = "held"
	stateClosed    = "closed"
)

var (
	errBadPrefix = errors.New("ibsim: stream does not start with \"API\\0\"")
	errHello     = errors.New("ibsim: hello refused")
)

// client is one accepted connection. Fields under "guarded by s.mu" are
// only touched with the server's lock held; the pusher alone mutates the
// subscriptions' progress fields once they are registered.
type client struct {
	s    *Server
	conn net.Conn
	seq  int
	addr string

	// guarded by s.mu
	state     string
	session   bool // START_API accepted: holds a client id
	id        int
	requests  int
	barsSent  int  // bars in historical replies (guarded by the server's lock)
	stalled   bool // a stall fault: answer nothing
	hsStalled bool // accepted during a handshake stall: never answer
	paused    bool // between 1100 and 1101/1102: no pushes
	answered  bool // the hello was answered
	refused   bool // START_API answered with 326 or 502; closing
	hist      map[int]*histSub
	mkt       map[int]*mktSub
	rtb       map[int]*rtbSub
	pnl       map[int]*pnlSub

	version      atomic.Int32
	serverClosed atomic.Bool // the server chose to close: never hold
	poisoned     atomic.Bool // an oversized prefix went out: write nothing more

	out        outQueue
	done       chan struct{} // closed when the session is over: the writer stops
	writerDone chan struct{}
}

func (s *Server) newClientLocked(conn net.Conn) *client {
	s.seq++
	c := &client{
		s:          s,
		conn:       conn,
		seq:        s.seq,
		addr:       conn.RemoteAddr().String(),
		state:      stateHandshake,
		id:         -1,
		stalled:    s.flt.stall != nil && s.flt.stall.f.All,
		hsStalled:  s.flt.hsStall != nil,
		hist:       map[int]*histSub{},
		mkt:        map[int]*mktSub{},
		rtb:        map[int]*rtbSub{},
		pnl:        map[int]*pnlSub{},
		out:        newOutQueue(),
		done:       make(chan struct{}),
		writerDone: make(chan struct{}),
	}
	s.clients[c] = struct{}{}
	s.log.Info("client connected", "addr", c.addr, "stalled", c.stalled, "handshake_stalled", c.hsStalled)
	s.bumpLocked()
	return c
}

// serveClient owns one connection: the writer goroutine, then the read loop
// in this goroutine, then the bookkeeping when it ends.
func (s *Server) serveClient(c *client) {
	defer s.wg.Done()
	s.wg.Add(1)
	go c.writeLoop()
	err := c.readLoop()
	s.finish(c, err)
	<-c.writerDone
}

func (c *client) readLoop() error {
	br := bufio.NewReaderSize(c.conn, 16<<10)
	var prefix [len(wire.APIPrefix)]byte
	if _, err := io.ReadFull(br, prefix[:]); err != nil {
		return err
	}
	if string(prefix[:]) != wire.APIPrefix {
		return fmt.Errorf("%w: got %q", errBadPrefix, prefix[:])
	}
	fr := wire.NewReader(br)
	payload, err := fr.ReadFrame()
	if err != nil {
		return err
	}
	if c.s.silent(c) {
		return discard(fr)
	}
	h, err := wire.ParseHello(payload)
	if err != nil {
		return fmt.Errorf("%w: %v", errHello, err)
	}
	v, err := wire.Negotiate(h, c.s.cfg.ServerVersion)
	if err != nil {
		return fmt.Errorf("%w: %v", errHello, err)
	}
	c.version.Store(int32(v))
	c.s.helloAnswered(c, h)
	c.enqueue(outItem{data: wire.ServerHello{Version: v, Time: c.s.cfg.dates.hello(c.s.clock.Now())}.Append(nil), due: c.s.due()})
	for {
		payload, err := fr.ReadFrame()
		if err != nil {
			return err
		}
		c.s.handle(c, payload)
	}
}

// discard reads and drops frames until the stream ends.
func discard(fr *wire.Reader) error {
	for {
		if _, err := fr.ReadFrame(); err != nil {
			return err
		}
	}
}

// silent reports whether c must get no answer at all right now.
func (s *Server) silent(c *client) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return c.stalled || c.hsStalled
}

func (s *Server) helloAnswered(c *client, h wire.Hello) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.answered = true
	s.log.Info("hello", "addr", c.addr, "client_min", h.Min, "client_max", h.Max, "options", h.Options, "version", c.version.Load())
	s.bumpLocked()
}

// finish ends a connection whose read loop returned err. With the hold
// fault on, a client that closed its side is kept open (CLOSE_WAIT).
func (s *Server) finish(c *client, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	peerClosed := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
	hold := s.flt.hold && peerClosed && !c.serverClosed.Load() && !s.closing
	s.dropSubsLocked(c)
	close(c.done)
	if hold {
		c.state = stateHeld
		s.log.Info("client closed; holding our side open", "addr", c.addr, "client_id", c.id)
		s.bumpLocked()
		return
	}
	c.conn.Close()
	level := s.log.Info
	if !peerClosed && !c.serverClosed.Load() && !s.closing {
		level = s.log.Warn
	}
	level("client dropped", "addr", c.addr, "client_id", c.id, "reason", err)
	s.removeLocked(c)
}

// removeLocked forgets a closed client, keeping it in the recent list.
func (s *Server) removeLocked(c *client) {
	if c.state == stateHeld {
		c.conn.Close()
	}
	delete(s.clients, c)
	c.state = stateClosed
	const keep = 32
	if len(s.recent) >= keep {
		s.recent = append(s.recent[:0], s.recent[1:]...)
	}
	s.recent = append(s.recent, closedClient{seq: c.seq, st: s.clientStateLocked(c)})
	s.bumpLocked()
}

// releaseHeldLocked closes every held socket.
func (s *Server) releaseHeldLocked() {
	for c := range s.clients {
		if c.state == stateHeld {
			s.log.Info("releasing held socket", "addr", c.addr)
			s.removeLocked(c)
		}
	}
}

// kill closes the connection from the server side; the read loop then ends.
func (c *client) kill(rst bool) {
	c.serverClosed.Store(true)
	if tc, ok := c.conn.(*net.TCPConn); ok && rst {
		tc.SetLinger(0) // close sends RST instead of FIN
	}
	c.conn.Close()
}

// dropSubsLocked ends every subscription of c.
func (s *Server) dropSubsLocked(c *client) {
	s.mktLines -= len(c.mkt)
	clear(c.hist)
	clear(c.mkt)
	clear(c.rtb)
}
