package fanout

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// client is one downstream connection. Fields under "guarded by s.mu" are
// touched only with the server's lock held.
type client struct {
	s     *Server
	nc    net.Conn
	addr  string
	since time.Time

	// Set once by the handshake, before the client is visible in Stats.
	version  int
	hello    wire.Hello
	library  string
	clientID int // -1 until START_API

	soft, hard *rate.Limiter
	lastWarn   time.Time

	out       chan []byte
	quit      chan struct{} // closed by drop: the writer stops
	dropOnce  sync.Once
	reason    string // set by drop, read after quit is closed
	fault     bool
	writerEnd chan struct{}
	// closeAfter: a nil frame in out ends the connection with this reason
	closeAfter atomic.Pointer[string]

	msgsIn, msgsOut, refused atomic.Uint64

	// Answers from the session wait here for this client's own work
	// goroutine: decoding and encoding them never holds up the session's
	// reader (whose keepalive must not wait behind one client's backfill).
	workMu    sync.Mutex
	work      []workItem
	workBytes int
	workWake  chan struct{}

	// guarded by s.mu
	reqs   map[int]*dreq // downstream request id → what it is
	topics topicSet
}

// dreq is one downstream request the fan-out carries.
type dreq struct {
	raw    *conn.RawSub // a request of the client's own
	shared *shared      // or a share of a market-data line
	bars   *barGroup    // or a share of a keepUpToDate bar subscription
	hist   bool         // a one-shot backfill: counts against the open ones
	kind   int          // the request's message id
}

func newClient(s *Server, nc net.Conn) *client {
	return &client{
		s: s, nc: nc, addr: nc.RemoteAddr().String(), since: time.Now(), clientID: -1,
		soft:      rate.NewLimiter(rate.Limit(s.cfg.MsgRate), int(s.cfg.MsgRate)),
		hard:      rate.NewLimiter(rate.Limit(4*s.cfg.MsgRate), int(4*s.cfg.MsgRate)),
		out:       make(chan []byte, s.cfg.QueueLen),
		quit:      make(chan struct{}),
		writerEnd: make(chan struct{}),
		workWake:  make(chan struct{}, 1),
		reqs:      map[int]*dreq{},
	}
}

type workItem struct {
	size int
	f    func()
}

// maxWorkBytes bounds what waits for one client's work goroutine; a client
// that lets more pile up is dropped as slow.
const maxWorkBytes = 32 << 20

// later runs f on the client's work goroutine, in order; size is what f
// holds (a copied payload), counted against maxWorkBytes.
func (c *client) later(size int, f func()) {
	c.workMu.Lock()
	if c.workBytes+size > maxWorkBytes {
		c.workMu.Unlock()
		c.drop(fmt.Sprintf("slow: over %d MiB of answers waiting", maxWorkBytes>>20), true)
		return
	}
	c.work = append(c.work, workItem{size, f})
	c.workBytes += size
	c.workMu.Unlock()
	select {
	case c.workWake <- struct{}{}:
	default:
	}
}

func (c *client) workLoop() {
	defer c.s.wg.Done()
	for {
		select {
		case <-c.quit:
			return
		case <-c.workWake:
		}
		for {
			c.workMu.Lock()
			items := c.work
			c.work = nil
			c.workMu.Unlock()
			if len(items) == 0 {
				break
			}
			for _, it := range items {
				select {
				case <-c.quit:
					return
				default:
				}
				it.f()
				c.workMu.Lock()
				c.workBytes -= it.size
				c.workMu.Unlock()
			}
		}
	}
}

var (
	errGarbage   = errors.New("garbage from the client")
	errFlood     = errors.New("flood: over four times the message rate")
	errNoVersion = errors.New("no upstream session yet: the gateway's version is unknown")
	errRefused   = errors.New("refused")
)

// drop ends the connection at once (no CLOSE_WAIT left: the socket is
// closed here, whoever noticed first). It never blocks and never takes
// s.mu: it may run under it. The reader goroutine cleans up.
func (c *client) drop(reason string, fault bool) {
	c.dropOnce.Do(func() {
		c.reason, c.fault = reason, fault
		close(c.quit)
		c.nc.Close()
	})
}

// serve runs the handshake, then reads requests until the connection
// ends, then cleans up everything the client had.
func (c *client) serve() {
	defer c.s.wg.Done()
	br := bufio.NewReaderSize(c.nc, 16<<10)
	fr := wire.NewReader(br)
	err := c.handshake(br, fr)
	admitted := err == nil
	if admitted {
		c.s.emit(ClientEvent{At: time.Now(), Addr: c.addr, ClientID: c.clientID, Action: "connected"})
		c.s.log.Info("fanout client connected", "addr", c.addr, "client_id", c.clientID, "version", c.version, "library", c.library)
		err = c.readLoop(fr)
	}
	if errors.Is(err, errRefused) {
		<-c.writerEnd // the refusal is written (or the write timed out) first
	}
	fault := !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !errors.Is(err, errRefused)
	c.drop(describe(err), fault)
	<-c.writerEnd
	c.s.forget(c)
	if c.fault {
		c.s.dropped.Add(1)
	}
	if admitted { // a connection that never finished its handshake was never announced
		c.s.emit(ClientEvent{At: time.Now(), Addr: c.addr, ClientID: c.clientID, Action: "disconnected", Reason: c.reason})
	}
	c.s.log.Info("fanout client disconnected", "addr", c.addr, "client_id", c.clientID, "reason", c.reason)
}

func describe(err error) string {
	switch {
	case err == nil:
		return "closed"
	case errors.Is(err, io.EOF):
		return "client closed"
	case errors.Is(err, net.ErrClosed):
		return "closed"
	}
	return err.Error()
}

// handshake is the server side of the opening (PROTOCOL.md section 2), as
// a gateway does it, under one deadline.
func (c *client) handshake(br *bufio.Reader, fr *wire.Reader) error {
	c.nc.SetReadDeadline(time.Now().Add(c.s.cfg.HandshakeTimeout))
	var prefix [len(wire.APIPrefix)]byte
	if _, err := io.ReadFull(br, prefix[:]); err != nil {
		return fmt.Errorf("hello: %w", err)
	}
	if string(prefix[:]) != wire.APIPrefix {
		return fmt.Errorf("%w: stream does not start with \"API\\0\"", errGarbage)
	}
	payload, err := fr.ReadFrame()
	if err != nil {
		return fmt.Errorf("hello: %w", err)
	}
	h, err := wire.ParseHello(payload)
	if err != nil {
		return fmt.Errorf("%w: %v", errGarbage, err)
	}
	up := c.s.upstreamVersion()
	if up == 0 {
		return errNoVersion
	}
	v, err := wire.Negotiate(h, up)
	if err != nil {
		return err
	}
	c.version, c.hello, c.library = v, h, GuessLibrary(h)
	c.sendRaw(wire.ServerHello{Version: v, Time: helloTime(c.s.gatewayNow())}.Append(nil))
	for {
		payload, err := fr.ReadFrame()
		if err != nil {
			return fmt.Errorf("waiting for START_API: %w", err)
		}
		c.msgsIn.Add(1)
		var m wire.StartAPI
		if id, _ := wire.PeekID(payload); id != wire.OutStartAPI {
			continue // a gateway ignores requests before START_API
		}
		if err := m.Decode(payload, v); err != nil {
			return fmt.Errorf("%w: %v", errGarbage, err)
		}
		if err := c.s.admit(c, m.ClientID); err != nil {
			return err
		}
		break
	}
	c.nc.SetReadDeadline(time.Time{})
	return nil
}

// helloTime is the connection time of a server hello, as gateways write it.
func helloTime(t time.Time) string { return t.Format("20060102 15:04:05 MST") }

// GuessLibrary names the client library a hello most likely came from, by
// the version ranges known libraries ask for (PROTOCOL.md section 2).
func GuessLibrary(h wire.Hello) string {
	known := map[[2]int]string{
		{100, 193}: "@stoqey/ib", {157, 178}: "ib_async", {100, 176}: "ibapi 10.19",
		{100, 187}: "ibapi 10.30", {100, 203}: "ibapi 10.37", {100, 225}: "ibapi 10.46",
		{wire.MinVersion, wire.MaxVersion}: "robotui",
	}
	name, ok := known[[2]int{h.Min, h.Max}]
	if !ok {
		name = fmt.Sprintf("v%d..%d", h.Min, h.Max)
	}
	if strings.Contains(h.Options, "+PACEAPI") {
		name += " +PACEAPI"
	}
	return name
}

func (c *client) readLoop(fr *wire.Reader) error {
	for {
		payload, err := fr.ReadFrame()
		if err != nil {
			if errors.Is(err, wire.ErrFrameTooLarge) || errors.Is(err, wire.ErrEmptyFrame) {
				return fmt.Errorf("%w: %v", errGarbage, err)
			}
			return err
		}
		c.msgsIn.Add(1)
		if !c.soft.Allow() {
			if !c.hard.Allow() {
				return errFlood
			}
			c.warnRate()
			continue
		}
		if err := c.s.handle(c, payload); err != nil {
			return err
		}
	}
}

// warnRate sends IB's 100, at most once a second.
func (c *client) warnRate() {
	if now := time.Now(); now.Sub(c.lastWarn) >= time.Second {
		c.lastWarn = now
		c.s.pacing.Add(1)
		c.sendErr(-1, 100, fmt.Sprintf("Max rate of messages per second has been exceeded:max=%d", int(c.s.cfg.MsgRate)))
	}
}

// sendRaw queues one framed message; a full queue drops the client (a
// slow reader never holds anyone up).
func (c *client) sendRaw(frame []byte) {
	select {
	case <-c.quit:
		return
	default:
	}
	select {
	case c.out <- frame:
	default:
		c.drop(fmt.Sprintf("slow: send queue of %d frames full", cap(c.out)), true)
	}
}

// send encodes m for the client's version and queues it.
func (c *client) send(m wire.Message) {
	frame, err := wire.AppendMessage(nil, m, c.version)
	if err != nil {
		return
	}
	c.sendRaw(frame)
}

// sendPayload frames an already-encoded payload and queues it.
func (c *client) sendPayload(p []byte) {
	frame, err := wire.AppendFrame(make([]byte, 0, len(p)+wire.HeaderLen), p)
	if err != nil {
		return
	}
	c.sendRaw(frame)
}

func (c *client) sendErr(reqID, code int, text string) {
	c.send(&wire.ErrMsg{ReqID: reqID, Code: code, Text: text, ErrorTime: c.s.gatewayNow().UnixMilli()})
}

// writeLoop owns the write side: it batches what is queued and writes it
// under the write deadline; a stalled client is dropped.
func (c *client) writeLoop() {
	defer c.s.wg.Done()
	defer close(c.writerEnd)
	var buf []byte
	for {
		var f []byte
		select {
		case <-c.quit:
			return
		case f = <-c.out:
		}
		buf, n, last := buf[:0], 0, f == nil
		buf = append(buf, f...)
		if !last {
			n++
		}
	more:
		for !last && len(buf) < 64<<10 {
			select {
			case f := <-c.out:
				if f == nil {
					last = true
					break more
				}
				buf = append(buf, f...)
				n++
			default:
				break more
			}
		}
		if len(buf) > 0 {
			c.nc.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteTimeout))
			if _, err := c.nc.Write(buf); err != nil {
				c.drop(fmt.Sprintf("write: %v", err), true)
				return
			}
			c.msgsOut.Add(uint64(n))
		}
		if last {
			reason := "closed"
			if r := c.closeAfter.Load(); r != nil {
				reason = *r
			}
			c.drop(reason, false)
			return
		}
		if cap(buf) > 1<<20 {
			buf = nil
		}
	}
}

// admit takes the client id, or refuses it as a gateway does (326, then
// the socket closes).
func (s *Server) admit(c *client, id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.ids[id]; dup {
		c.sendErr(-1, 326, "Unable to connect as the client id is already in use. Retry with a unique client id.")
		c.flushThenDrop(fmt.Sprintf("client id %d in use", id)) // the event's client_id is -1: it was never admitted
		return fmt.Errorf("%w: client id %d already in use", errRefused, id)
	}
	n := 0
	for o := range s.clients {
		if o.clientID >= 0 {
			n++
		}
	}
	if n >= s.cfg.MaxClients {
		c.sendErr(-1, 502, fmt.Sprintf("Maximum number of API connections (%d) reached", s.cfg.MaxClients))
		c.flushThenDrop("too many clients")
		return fmt.Errorf("%w: too many clients (%d)", errRefused, n)
	}
	c.clientID = id
	s.ids[id] = c
	st := s.sess.Stats()
	c.send(&wire.ManagedAccts{Accounts: strings.Join(st.Accounts, ",")})
	c.send(&wire.NextValidID{OrderID: max(st.NextValidID, 1)})
	for _, f := range st.Farms {
		if text, ok := farmText(f); ok {
			c.sendErr(-1, f.Code, text)
		}
	}
	if s.down {
		c.sendErr(-1, 1100, text1100)
	}
	return nil
}

// flushThenDrop lets the writer send what is queued, then close: the
// refusal reaches the client before the socket closes.
func (c *client) flushThenDrop(reason string) {
	c.closeAfter.Store(&reason)
	c.sendRaw(nil)
}

// farmText rebuilds a farm notice's text as gateways write it.
func farmText(f conn.Farm) (string, bool) {
	prefix := map[int]string{
		2103: "Market data farm connection is broken:", 2104: "Market data farm connection is OK:",
		2105: "HMDS data farm connection is broken:", 2106: "HMDS data farm connection is OK:",
		2107: "HMDS data farm connection is inactive but should be available upon demand.",
		2108: "Market data farm connection is inactive but should be available upon demand.",
		2157: "Sec-def data farm connection is broken:", 2158: "Sec-def data farm connection is OK:",
	}[f.Code]
	if prefix == "" {
		return "", false
	}
	return prefix + f.Name, true
}
