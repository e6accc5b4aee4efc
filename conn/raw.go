package conn

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// Raw requests: requests the session carries for someone else (the TWS API
// fan-out's clients) as they are, without a typed API of their own. The
// session gives each one a request id of its own on every connection,
// routes the answers that carry that id to the request's handler, sends
// everything through the same pacer as its own requests, and sends a
// subscription (Keep) again after every reconnect and 1101/1102, as it
// does its bar subscriptions. Answers without a request id (positions,
// account updates, orders) reach whoever Listens for their message ids.

// RawRequest is one request to carry.
type RawRequest struct {
	// Append appends the request's payload (message id first) encoded for
	// server version v, with reqID as its request id if it has one.
	Append func(dst []byte, reqID, v int) []byte
	// AppendCancel appends the cancel for the request sent under reqID;
	// nil when there is nothing to cancel upstream.
	AppendCancel func(dst []byte, reqID, v int) []byte
	// NoReqID: the request carries no request id; its answers come through
	// Listen, and a one-shot one is forgotten once it is sent.
	NoReqID bool
	// Keep marks a subscription: sent again on every new connection and
	// after 1101/1102 (the handler sees RawResent).
	Keep bool
}

// RawEventKind tells what a RawEvent carries.
type RawEventKind uint8

const (
	RawMessage RawEventKind = iota + 1 // Payload is one answer, at Version, carrying the session's ReqID
	RawResent                          // the request was sent again under a new ReqID (Reason says why)
	RawLost                            // a one-shot request's connection is gone: it will not be answered
)

// RawEvent is one delivery to a raw request's handler.
type RawEvent struct {
	Kind    RawEventKind
	Payload []byte // valid only during the call
	Version int    // the server version Payload is encoded for
	ReqID   int    // the request id on the current connection
	Reason  string
	Sub     *RawSub // the request itself
}

// RawSub is a raw request the session carries.
type RawSub struct {
	s   *Session
	req RawRequest
	h   func(RawEvent)

	// Owned by the session goroutine.
	reqID    int  // on the current connection; 0 when not sent on it
	onConn   bool // sent on the current connection
	gone     bool
	sentOnce bool
}

// Raw queues req; h receives its answers (on the reader goroutine) and
// RawResent / RawLost (on the session goroutine). h must not block and
// must be safe for concurrent use.
func (s *Session) Raw(req RawRequest, h func(RawEvent)) *RawSub {
	r := &RawSub{s: s, req: req, h: h}
	s.do(func() {
		s.raws = append(s.raws, r)
		s.rawQueue = append(s.rawQueue, r)
		s.pump()
	})
	return r
}

// Cancel sends the request's cancel (if it has one and was sent) and
// forgets it: nothing more is delivered.
func (r *RawSub) Cancel() { r.s.do(func() { r.s.dropRaw(r, true) }) }

// Finish forgets a request that is complete (its last answer arrived)
// without sending a cancel.
func (r *RawSub) Finish() { r.s.do(func() { r.s.dropRaw(r, false) }) }

func (s *Session) dropRaw(r *RawSub, cancel bool) {
	if r.gone {
		return
	}
	r.gone = true
	s.raws = slices.DeleteFunc(s.raws, func(x *RawSub) bool { return x == r })
	s.rawQueue = slices.DeleteFunc(s.rawQueue, func(x *RawSub) bool { return x == r })
	if r.onConn && s.client != nil {
		s.client.unrouteRaw(r.reqID)
		if cancel && r.req.AppendCancel != nil {
			id, c := r.reqID, r.req.AppendCancel
			s.rawCancels = append(s.rawCancels, func(dst []byte, v int) []byte { return c(dst, id, v) })
		}
	}
	r.reqID, r.onConn = 0, false
	s.pump()
}

// sendRaw sends one queued raw request on the current client.
func (s *Session) sendRaw(r *RawSub) error {
	c := s.client
	reqID := 0
	if !r.req.NoReqID {
		reqID = c.NextReqID()
		c.routeRaw(reqID, func(p []byte) {
			r.h(RawEvent{Kind: RawMessage, Payload: p, Version: c.serverVersion, ReqID: reqID, Sub: r})
		})
	}
	if err := c.sendPayload(func(dst []byte) []byte { return r.req.Append(dst, reqID, c.serverVersion) }); err != nil {
		c.unrouteRaw(reqID)
		return err
	}
	r.reqID, r.sentOnce, r.onConn = reqID, true, true
	if r.req.NoReqID && !r.req.Keep {
		r.gone = true
		s.raws = slices.DeleteFunc(s.raws, func(x *RawSub) bool { return x == r })
	}
	return nil
}

// requeueRaw queues every kept raw request again (a new connection, or
// 1101/1102 with resend), telling its handler.
func (s *Session) requeueRaw(reason string, resend bool) {
	for _, r := range slices.Clone(s.raws) {
		if !r.req.Keep {
			continue
		}
		if resend && r.onConn && s.client != nil {
			s.client.unrouteRaw(r.reqID)
			if r.req.AppendCancel != nil {
				id, c := r.reqID, r.req.AppendCancel
				s.rawCancels = append(s.rawCancels, func(dst []byte, v int) []byte { return c(dst, id, v) })
			}
		}
		r.reqID, r.onConn = 0, false
		if !slices.Contains(s.rawQueue, r) {
			s.rawQueue = append(s.rawQueue, r)
		}
		if r.sentOnce {
			r.h(RawEvent{Kind: RawResent, Reason: reason, Sub: r})
		}
	}
}

// loseRaw runs when the connection is gone: sent one-shot requests will
// never be answered; kept ones wait for the next connection.
func (s *Session) loseRaw() {
	s.rawCancels = nil
	for _, r := range slices.Clone(s.raws) {
		if !r.onConn {
			continue
		}
		r.reqID, r.onConn = 0, false
		if !r.req.Keep {
			r.gone = true
			s.raws = slices.DeleteFunc(s.raws, func(x *RawSub) bool { return x == r })
			r.h(RawEvent{Kind: RawLost, Reason: "connection lost", Sub: r})
		}
	}
}

// pumpRaw sends queued raw cancels and requests while the pacer allows; a
// positive result is how long to wait for the next token.
func (s *Session) pumpRaw() (time.Duration, bool) {
	for len(s.rawCancels) > 0 {
		if d := s.reserve(); d > 0 {
			return d, true
		}
		f := s.rawCancels[0]
		if s.client.sendPayload(func(dst []byte) []byte { return f(dst, s.client.serverVersion) }) != nil {
			return 0, false
		}
		s.rawCancels = s.rawCancels[1:]
	}
	for len(s.rawQueue) > 0 {
		if d := s.reserve(); d > 0 {
			return d, true
		}
		r := s.rawQueue[0]
		if s.sendRaw(r) != nil {
			return 0, false
		}
		s.rawQueue = s.rawQueue[1:]
	}
	return 0, true
}

// CurrentTime sends REQ_CURRENT_TIME through the pacer and hands the
// gateway's answer to h (on the reader goroutine); ok is false when the
// connection went before the answer, or there is none.
func (s *Session) CurrentTime(h func(t time.Time, ok bool)) {
	s.do(func() {
		if s.client == nil {
			h(time.Time{}, false)
			return
		}
		s.timeQueue = append(s.timeQueue, h)
		s.pump()
	})
}

func (s *Session) pumpTime() (time.Duration, bool) {
	for len(s.timeQueue) > 0 {
		if d := s.reserve(); d > 0 {
			return d, true
		}
		h := s.timeQueue[0]
		if s.client.requestTime(h) != nil {
			return 0, false
		}
		s.timeQueue = s.timeQueue[1:]
	}
	return 0, true
}

// Listen hands every message with one of ids (those without a request id:
// positions, account updates, orders, commission reports) to h on the
// reader goroutine, besides what the session does with them. The payload
// is valid only during the call. stop ends it.
func (s *Session) Listen(h func(id, v int, payload []byte), ids ...int) (stop func()) {
	l := &listener{h: h, ids: slices.Clone(ids)}
	s.lmu.Lock()
	next := append(slices.Clone(s.listeners.load()), l)
	s.listeners.p.Store(&next)
	s.lmu.Unlock()
	return func() {
		s.lmu.Lock()
		next := slices.DeleteFunc(slices.Clone(s.listeners.load()), func(x *listener) bool { return x == l })
		s.listeners.p.Store(&next)
		s.lmu.Unlock()
	}
}

type listener struct {
	h   func(id, v int, payload []byte)
	ids []int
}

type listenerList struct{ p atomic.Pointer[[]*listener] }

func (l *listenerList) load() []*listener {
	if p := l.p.Load(); p != nil {
		return *p
	}
	return nil
}

// tap is the clients' Options.Tap.
func (s *Session) tap(id, v int, payload []byte) {
	for _, l := range s.listeners.load() {
		if slices.Contains(l.ids, id) {
			l.h(id, v, payload)
		}
	}
}

// Observe adds f to the session's observers (besides Config.Observer): it
// receives every event emitted after it is added, from the session
// goroutine, in order, and must not block. stop removes it.
func (s *Session) Observe(f func(Event)) (stop func()) {
	o := &observer{f: f}
	s.lmu.Lock()
	next := append(slices.Clone(s.loadObservers()), o)
	s.observers.Store(&next)
	s.lmu.Unlock()
	return func() {
		s.lmu.Lock()
		next := slices.DeleteFunc(slices.Clone(s.loadObservers()), func(x *observer) bool { return x == o })
		s.observers.Store(&next)
		s.lmu.Unlock()
	}
}

type observer struct{ f func(Event) }

func (s *Session) loadObservers() []*observer {
	if p := s.observers.Load(); p != nil {
		return *p
	}
	return nil
}

// ServerClock is the gateway's clock as last reported and the local time
// it was received at; false before the first answer.
func (s *Session) ServerClock() (server, received time.Time, ok bool) {
	c := s.serverClock.Load()
	if c == nil {
		return time.Time{}, time.Time{}, false
	}
	return c.server, c.local, true
}

// rawState is the session's part of raw requests (the session goroutine's).
type rawState struct {
	raws       []*RawSub
	rawQueue   []*RawSub
	rawCancels []func(dst []byte, v int) []byte
	timeQueue  []func(time.Time, bool)

	lmu       sync.Mutex // serialises changes of listeners and observers
	listeners listenerList
	observers atomic.Pointer[[]*observer]
}

// Client side.

func (c *Client) routeRaw(reqID int, rcv func([]byte)) {
	c.rmu.Lock()
	if c.rawRoutes == nil {
		c.rawRoutes = make(map[int]func([]byte))
	}
	c.rawRoutes[reqID] = rcv
	c.rmu.Unlock()
}

func (c *Client) unrouteRaw(reqID int) {
	c.rmu.Lock()
	delete(c.rawRoutes, reqID)
	c.rmu.Unlock()
}

// dispatchRaw hands payload to a raw route by its request id; false when
// none takes it.
func (c *Client) dispatchRaw(id int, payload []byte) bool {
	i := wire.ServerReqIDField(id, c.serverVersion)
	if i == 0 {
		return false
	}
	c.rmu.Lock()
	if len(c.rawRoutes) == 0 {
		c.rmu.Unlock()
		return false
	}
	c.rmu.Unlock()
	reqID, err := wire.FieldInt(payload, i)
	if err != nil {
		return false
	}
	c.rmu.Lock()
	rcv := c.rawRoutes[reqID]
	c.rmu.Unlock()
	if rcv == nil {
		return false
	}
	rcv(payload)
	return true
}

// sendPayload frames what appendTo appends and writes it.
func (c *Client) sendPayload(appendTo func(dst []byte) []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b := append(c.wbuf[:0], 0, 0, 0, 0)
	b = appendTo(b)
	c.wbuf = b
	n := len(b) - wire.HeaderLen
	if n <= 0 || n > wire.MaxPayload {
		return wire.ErrFrameTooLarge
	}
	b[0], b[1], b[2], b[3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	return c.writeLocked(b)
}

// requestTime sends REQ_CURRENT_TIME whose answer goes to h.
func (c *Client) requestTime(h func(time.Time, bool)) error {
	p := &pendingPing{sent: time.Now(), onTime: h}
	c.rmu.Lock()
	c.pings = append(c.pings, p)
	c.rmu.Unlock()
	if err := c.send(&wire.ReqCurrentTime{}); err != nil {
		return err
	}
	return nil
}

// NextValidID is the order id the gateway last gave this connection.
func (c *Client) NextValidID() int64 { return c.nextOrderID.Load() }
