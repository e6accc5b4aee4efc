package conn

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// Options configure one Client.
type Options struct {
	Addr           string        // gateway host:port
	ClientID       int           // the API client id
	ConnectTimeout time.Duration // covers TCP connect, hello and readiness; default 10 s
	WriteTimeout   time.Duration // per write; default 5 s
	DrainTimeout   time.Duration // how long Close waits for the gateway's FIN; default 250 ms
	MinVersion     int           // default wire.MinVersion
	MaxVersion     int           // default wire.MaxVersion
	ConnectOptions string        // e.g. "+PACEAPI"; usually empty

	// OnNotice receives error messages that belong to no open request (id -1
	// and unknown ids). Called from the reader goroutine: it must not block.
	OnNotice func(wire.ErrMsg)
	// OnStage is called as a dial passes each stage (from Dial's goroutine).
	OnStage func(Stage)
	// OnServerTime receives the gateway's clock from every CURRENT_TIME, on
	// the reader goroutine before any later message is dispatched.
	OnServerTime func(time.Time)
	// OnAccount receives every account, position, P&L, execution and order
	// message (see isAccountMsg), and ACCOUNT_SUMMARY lines no AccountSummary
	// call waits for. Called from the reader goroutine: it must not block.
	OnAccount func(wire.Message)
	// Counters, when set, accumulate traffic across clients.
	Counters *Counters
	// Tap, when set, sees every message after the handshake (id, server
	// version, payload valid only during the call) on the reader goroutine,
	// before it is dispatched. It must not block.
	Tap func(id, v int, payload []byte)
}

func (o *Options) defaults() {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 5 * time.Second
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = 250 * time.Millisecond
	}
	if o.MinVersion == 0 {
		o.MinVersion = wire.MinVersion
	}
	if o.MaxVersion == 0 {
		o.MaxVersion = wire.MaxVersion
	}
}

// Counters is traffic on the gateway connection, safe for concurrent use.
type Counters struct {
	MsgsIn, MsgsOut, BytesIn, BytesOut, BadFrames atomic.Uint64
	NonFinite                                     atomic.Uint64 // messages and bars rejected for a NaN or infinite value
}

// Client is one TWS API connection. Create it with Dial; it is ready to use
// when Dial returns. It is safe for concurrent use.
type Client struct {
	opts     Options
	conn     net.Conn
	counters *Counters

	serverVersion int
	connTime      string
	accounts      []string
	nextOrderID   atomic.Int64

	wmu  sync.Mutex // serialises writes
	wbuf []byte

	rmu    sync.Mutex
	routes map[int]func(wire.Message) // reqId → receiver
	pings  []*pendingPing             // FIFO: CURRENT_TIME carries no id
	posRcv func(wire.Message)         // the one open positions request
	// rawRoutes: reqId → receiver of raw requests (conn/raw.go)
	rawRoutes map[int]func([]byte)

	done      chan struct{} // closed when the connection is dead
	readerEnd chan struct{} // closed when the reader goroutine has returned
	errOnce   sync.Once
	err       error
	closeOnce sync.Once
	closing   atomic.Bool
	live      atomic.Bool // the reader runs: a failed write must kill the connection
	reqIDs    atomic.Int64
}

type pendingPing struct {
	sent   time.Time
	ch     chan time.Duration    // buffered 1
	onTime func(time.Time, bool) // a forwarded REQ_CURRENT_TIME instead (conn/raw.go)
}

// Dial connects, performs the handshake and waits for readiness (both
// NEXT_VALID_ID and MANAGED_ACCTS), all under one deadline.
func Dial(ctx context.Context, opts Options) (*Client, error) {
	opts.defaults()
	ctx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	c := &Client{
		opts:      opts,
		counters:  opts.Counters,
		routes:    make(map[int]func(wire.Message)),
		done:      make(chan struct{}),
		readerEnd: make(chan struct{}),
	}
	if c.counters == nil {
		c.counters = &Counters{}
	}
	c.reqIDs.Store(1000)
	stage := StageTCP
	fail := func(err error) (*Client, error) {
		if c.conn != nil {
			c.conn.Close()
		}
		return nil, &DialError{Addr: opts.Addr, Stage: stage, Err: classify(ctx, err)}
	}
	d := net.Dialer{
		KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: 15 * time.Second, Interval: 5 * time.Second, Count: 3},
		// No racing of IPv4 against IPv6 for a name with both: the loser would
		// be a connect-and-close, the very probe that leaves zombies.
		FallbackDelay: -1,
	}
	nc, err := d.DialContext(ctx, "tcp", opts.Addr)
	if err != nil {
		return fail(err)
	}
	c.conn = nc
	if deadline, ok := ctx.Deadline(); ok {
		nc.SetDeadline(deadline)
	}
	// Cancelling ctx (Close of the session, a manual reconnect) unblocks the handshake reads.
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	stage = StageVersion
	c.notifyStage(stage)
	fr := wire.NewReader(bufio.NewReaderSize(countingReader{nc, c.counters}, 64<<10))
	hello := wire.Hello{Min: opts.MinVersion, Max: opts.MaxVersion, Options: opts.ConnectOptions}
	if err := c.writeRaw(hello.Append(nil)); err != nil {
		return fail(err)
	}
	payload, err := fr.ReadFrame()
	if err != nil {
		return fail(err)
	}
	sh, err := wire.ParseServerHello(payload)
	if err != nil {
		return fail(fmt.Errorf("%w: %v", ErrProtocol, err))
	}
	if sh.Version == -1 {
		return fail(fmt.Errorf("%w to %s", ErrRedirect, sh.Redirect))
	}
	if sh.Version < opts.MinVersion || sh.Version > opts.MaxVersion {
		return fail(fmt.Errorf("%w: server chose %d, client speaks %d..%d", ErrUnsupportedVersion, sh.Version, opts.MinVersion, opts.MaxVersion))
	}
	c.serverVersion, c.connTime = sh.Version, sh.Time

	stage = StageReady
	c.notifyStage(stage)
	if err := c.send(&wire.StartAPI{ClientID: opts.ClientID}); err != nil {
		return fail(err)
	}
	if err := c.awaitReady(fr); err != nil {
		return fail(err)
	}
	// Stop the cancel hook before clearing the deadline; if it already ran,
	// the dial was cancelled or timed out and the connection is not ours to keep.
	if !stop() {
		return fail(classify(ctx, context.DeadlineExceeded))
	}
	nc.SetDeadline(time.Time{})
	c.live.Store(true)
	go c.readLoop(fr)
	return c, nil
}

func (c *Client) notifyStage(s Stage) {
	if c.opts.OnStage != nil {
		c.opts.OnStage(s)
	}
}

// awaitReady reads until both NEXT_VALID_ID and MANAGED_ACCTS have arrived.
func (c *Client) awaitReady(fr *wire.Reader) error {
	var gotID, gotAccts bool
	for !gotID || !gotAccts {
		payload, err := fr.ReadFrame()
		if err != nil {
			return err
		}
		c.counters.MsgsIn.Add(1)
		id, err := wire.PeekID(payload)
		if err != nil {
			c.counters.BadFrames.Add(1)
			continue
		}
		switch id {
		case wire.InNextValidID:
			var m wire.NextValidID
			if m.Decode(payload, c.serverVersion) == nil {
				c.nextOrderID.Store(m.OrderID)
				gotID = true
			}
		case wire.InManagedAccts:
			var m wire.ManagedAccts
			if m.Decode(payload, c.serverVersion) == nil {
				c.accounts = splitAccounts(m.Accounts)
				gotAccts = true
			}
		case wire.InErrMsg:
			var m wire.ErrMsg
			if m.Decode(payload, c.serverVersion) != nil {
				continue
			}
			switch m.Code {
			case 326:
				return fmt.Errorf("%w: %s", ErrClientIDInUse, m.Text)
			case 502, 503:
				return fmt.Errorf("%w: %d %s", ErrRejected, m.Code, m.Text)
			}
			if c.opts.OnNotice != nil {
				c.opts.OnNotice(m)
			}
		}
	}
	return nil
}

func splitAccounts(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// classify turns a dial or handshake failure into the typed error callers test.
func classify(ctx context.Context, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w: %v", ErrConnectionRefused, err)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		if ctx.Err() == context.Canceled {
			return fmt.Errorf("%w: %v", ErrClosed, context.Canceled)
		}
		return fmt.Errorf("%w: %v", ErrHandshakeTimeout, err)
	case ctx.Err() == context.Canceled:
		return fmt.Errorf("%w: %v", ErrClosed, context.Canceled)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w during handshake", ErrGatewayClosed)
	}
	return err
}

type countingReader struct {
	r io.Reader
	c *Counters
}

func (r countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.c.BytesIn.Add(uint64(n))
	return n, err
}

// ServerVersion is the negotiated server version.
func (c *Client) ServerVersion() int { return c.serverVersion }

// ConnTime is the connection time the gateway reported.
func (c *Client) ConnTime() string { return c.connTime }

// Accounts are the managed accounts.
func (c *Client) Accounts() []string { return append([]string(nil), c.accounts...) }

// ClientID is the client id this connection uses.
func (c *Client) ClientID() int { return c.opts.ClientID }

// LocalAddr is our end of the socket.
func (c *Client) LocalAddr() net.Addr { return c.conn.LocalAddr() }

// Done is closed when the connection is dead (EOF, I/O error, or Close).
func (c *Client) Done() <-chan struct{} { return c.done }

// Err says why the connection died; nil while it is alive.
func (c *Client) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// NextReqID returns a fresh request id for this connection.
func (c *Client) NextReqID() int { return int(c.reqIDs.Add(1)) }

// fail records why the connection died and closes the socket at once, so
// that it never lingers in CLOSE_WAIT.
func (c *Client) fail(err error) {
	c.errOnce.Do(func() {
		c.err = err
		c.conn.Close()
		close(c.done)
		c.rmu.Lock()
		pings := c.pings
		c.pings = nil
		c.rmu.Unlock()
		for _, p := range pings {
			if p.onTime != nil {
				p.onTime(time.Time{}, false)
			}
		}
	})
}

// Close half-closes, drains briefly so the gateway can close its side, then
// closes. It is idempotent and waits for the reader goroutine to end.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		c.closing.Store(true)
		select {
		case <-c.done:
			return
		default:
		}
		c.wmu.Lock()
		if tc, ok := c.conn.(interface{ CloseWrite() error }); ok {
			tc.CloseWrite()
		}
		c.wmu.Unlock()
		c.conn.SetReadDeadline(time.Now().Add(c.opts.DrainTimeout))
	})
	<-c.readerEnd
	return nil
}

// Abort closes the socket at once, without the half-close and drain of
// Close: for a connection already judged dead. It waits for the reader.
func (c *Client) Abort() {
	c.closing.Store(true)
	c.fail(ErrClosed)
	<-c.readerEnd
}

// readLoop owns the read side until the connection dies.
func (c *Client) readLoop(fr *wire.Reader) {
	defer close(c.readerEnd)
	for {
		payload, err := fr.ReadFrame()
		if err != nil {
			c.fail(c.readError(err))
			return
		}
		c.counters.MsgsIn.Add(1)
		c.dispatch(payload)
	}
}

func (c *Client) readError(err error) error {
	switch {
	case c.closing.Load():
		return ErrClosed
	case errors.Is(err, io.EOF):
		return ErrGatewayClosed
	case errors.Is(err, wire.ErrFrameTooLarge), errors.Is(err, wire.ErrEmptyFrame):
		return fmt.Errorf("%w: %v", ErrProtocol, err)
	}
	return fmt.Errorf("read: %w", err)
}

// dispatch routes one message. Messages nobody waits for are dropped, as
// official clients do with ids they do not handle.
func (c *Client) dispatch(payload []byte) {
	v := c.serverVersion
	id, err := wire.PeekID(payload)
	if err != nil {
		c.counters.BadFrames.Add(1)
		return
	}
	if c.opts.Tap != nil {
		c.opts.Tap(id, v, payload)
	}
	if c.dispatchRaw(id, payload) {
		return
	}
	switch id {
	case wire.InCurrentTime, wire.InCurrentTimeInMillis:
		t, tok := serverTime(payload, id, v)
		if tok && c.opts.OnServerTime != nil {
			c.opts.OnServerTime(t)
		}
		c.rmu.Lock()
		var p *pendingPing
		if len(c.pings) > 0 {
			p, c.pings = c.pings[0], c.pings[1:]
		}
		c.rmu.Unlock()
		switch {
		case p == nil:
		case p.onTime != nil:
			p.onTime(t, tok)
		default:
			p.ch <- time.Since(p.sent)
		}
		return
	case wire.InNextValidID:
		var m wire.NextValidID
		if m.Decode(payload, v) == nil {
			c.nextOrderID.Store(m.OrderID)
		}
		return
	case wire.InManagedAccts:
		return
	case wire.InPositionData, wire.InPositionEnd:
		m, err := wire.DecodeServerMessage(payload, v)
		c.rmu.Lock()
		rcv := c.posRcv
		c.rmu.Unlock()
		if err == nil && rcv != nil {
			rcv(m)
		}
		if err == nil && c.opts.OnAccount != nil {
			c.opts.OnAccount(m)
		}
		if err != nil {
			c.counters.BadFrames.Add(1)
		}
		return
	}
	if isAccountMsg(id) {
		m, err := wire.DecodeServerMessage(payload, v)
		switch {
		case errors.Is(err, wire.ErrNonFinite):
			c.counters.NonFinite.Add(1)
		case err != nil:
			c.counters.BadFrames.Add(1)
		case c.opts.OnAccount != nil:
			c.opts.OnAccount(m)
		}
		return
	}
	m, err := wire.DecodeServerMessage(payload, v)
	if errors.Is(err, wire.ErrNonFinite) {
		c.counters.NonFinite.Add(1)
		return
	}
	if err != nil {
		c.counters.BadFrames.Add(1)
		return
	}
	if h, ok := m.(*wire.HistoricalData); ok && h.NonFinite > 0 {
		c.counters.NonFinite.Add(uint64(h.NonFinite))
	}
	reqID, ok := requestID(m)
	if !ok {
		return
	}
	c.rmu.Lock()
	rcv := c.routes[reqID]
	c.rmu.Unlock()
	if rcv != nil {
		rcv(m)
		return
	}
	if _, sum := m.(*wire.AccountSummary); sum || m.MsgID() == wire.InAccountSummaryEnd {
		if c.opts.OnAccount != nil {
			c.opts.OnAccount(m)
		}
		return
	}
	if e, isErr := m.(*wire.ErrMsg); isErr && c.opts.OnNotice != nil {
		c.opts.OnNotice(*e)
	}
}

// requestID extracts the request id a message answers.
func requestID(m wire.Message) (int, bool) {
	switch m := m.(type) {
	case *wire.ErrMsg:
		return m.ReqID, true
	case *wire.HistoricalData:
		return m.ReqID, true
	case *wire.HistoricalDataUpdate:
		return m.ReqID, true
	case *wire.HistoricalDataEnd:
		return m.ReqID, true
	case *wire.TickPrice:
		return m.ReqID, true
	case *wire.TickSize:
		return m.ReqID, true
	case *wire.RealTimeBar:
		return m.ReqID, true
	case *wire.AccountSummary:
		return m.ReqID, true
	case *wire.AccountSummaryEnd:
		return m.ReqID, true
	case *wire.ContractData:
		return m.ReqID, true
	case *wire.ContractDataEnd:
		return m.ReqID, true
	}
	return 0, false
}

// send encodes m and writes it under the write deadline. A failed write
// kills the connection.
func (c *Client) send(m wire.Message) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	var err error
	c.wbuf, err = wire.AppendMessage(c.wbuf[:0], m, c.serverVersion)
	if err != nil {
		return err
	}
	return c.writeLocked(c.wbuf)
}

func (c *Client) writeRaw(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeLocked(b)
}

func (c *Client) writeLocked(b []byte) error {
	select {
	case <-c.done:
		return fmt.Errorf("%w: %v", ErrClosed, c.err)
	default:
	}
	if c.closing.Load() {
		return ErrClosed
	}
	c.conn.SetWriteDeadline(time.Now().Add(c.opts.WriteTimeout))
	n, err := c.conn.Write(b)
	c.counters.BytesOut.Add(uint64(n))
	if err != nil {
		err = fmt.Errorf("write: %w", err)
		if c.live.Load() {
			c.fail(err)
		}
		return err
	}
	c.counters.MsgsOut.Add(1)
	return nil
}

// serverTime reads the clock out of CURRENT_TIME or CURRENT_TIME_IN_MILLIS.
func serverTime(payload []byte, id, v int) (time.Time, bool) {
	if id == wire.InCurrentTimeInMillis {
		var m wire.CurrentTimeInMillis
		if m.Decode(payload, v) != nil || m.TimeMillis <= 0 {
			return time.Time{}, false
		}
		return time.UnixMilli(m.TimeMillis), true
	}
	var m wire.CurrentTime
	if m.Decode(payload, v) != nil || m.Time <= 0 {
		return time.Time{}, false
	}
	return time.Unix(m.Time, 0), true
}
