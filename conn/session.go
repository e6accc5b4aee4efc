package conn

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/robotui/robotui/conn/wire"
)

// KeepaliveConfig is the liveness check of a ready session.
type KeepaliveConfig struct {
	Interval  time.Duration // between pings; default 2 s
	Timeout   time.Duration // a reply later than this is a miss; default 2 s
	MaxMisses int           // consecutive misses that mean dead; default 2
	History   int           // round trips kept; default 300
}

// Config configures a Session. Zero values take the documented defaults.
type Config struct {
	Addr           string
	ClientID       int           // the base client id
	ClientIDSpan   int           // ids tried on 326: ClientID .. ClientID+span-1, then around; default 10
	ConnectTimeout time.Duration // default 10 s
	DrainTimeout   time.Duration // how long a clean close waits for the gateway's FIN; default 250 ms
	MaxVersion     int           // highest server version asked for; default wire.MaxVersion
	Keepalive      KeepaliveConfig
	Backoff        BackoffConfig
	// RequestRate bounds requests per second sent to the gateway (IB allows
	// about 50 messages/s); default 40.
	RequestRate float64
	// MaxOpenBackfills bounds historical requests awaiting their answer
	// (IB allows 50); default 40.
	MaxOpenBackfills int
	// RetryDelay is how long an interrupted subscription waits before it is
	// asked again; default 15 s, IB's pacing window for identical requests.
	RetryDelay time.Duration
	// StableAfter is how long a connection must stay up before the reconnect
	// backoff starts over from Initial; default 10 s.
	StableAfter time.Duration
	// MaxAttemptsPerMinute caps connection attempts whatever Backoff says
	// and however often Reconnect is called, with bursts of a third of it:
	// churn is what leaves a gateway full of CLOSE_WAIT sockets; default 30.
	MaxAttemptsPerMinute int
	// Observer receives every event, from the session goroutine, in order.
	// It must not block.
	Observer func(Event)
	Logger   *slog.Logger
}

func (c *Config) defaults() {
	if c.ClientIDSpan <= 0 {
		c.ClientIDSpan = 10
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = 10 * time.Second
	}
	if c.MaxVersion == 0 {
		c.MaxVersion = wire.MaxVersion
	}
	k := &c.Keepalive
	if k.Interval <= 0 {
		k.Interval = 2 * time.Second
	}
	if k.Timeout <= 0 {
		k.Timeout = 2 * time.Second
	}
	if k.MaxMisses <= 0 {
		k.MaxMisses = 2
	}
	if k.History <= 0 {
		k.History = 300
	}
	c.Backoff.defaults()
	if c.RequestRate <= 0 {
		c.RequestRate = 40
	}
	if c.MaxOpenBackfills <= 0 {
		c.MaxOpenBackfills = 40
	}
	if c.RetryDelay <= 0 {
		c.RetryDelay = 15 * time.Second
	}
	if c.StableAfter <= 0 {
		c.StableAfter = 10 * time.Second
	}
	if c.MaxAttemptsPerMinute <= 0 {
		c.MaxAttemptsPerMinute = 30
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Event is something the session reports: a StateChange, a PingResult, a
// Notice or a FarmChange.
type Event interface{ Name() string }

// StateChange is one transition of the session's state machine.
type StateChange struct {
	At            time.Time
	State, Prev   State
	Cause         Cause
	Err           error // the failure behind Cause; nil when there is none
	Addr          string
	ClientID      int
	ServerVersion int
	Attempt       int
	NextRetry     time.Time // set when entering backoff
}

// PingResult is one keepalive outcome.
type PingResult struct {
	Sample PingSample
	Misses int // consecutive misses after this one
}

// Notice is an IB error or informational message not tied to a request of ours.
type Notice struct {
	At    time.Time
	ReqID int
	Code  int
	Text  string
}

func (StateChange) Name() string { return "conn.state" }
func (PingResult) Name() string  { return "keepalive" }
func (Notice) Name() string      { return "ib.error" }

// Session keeps one Client alive for the life of the program.
type Session struct {
	cfg      Config
	in       *inbox
	done     chan struct{}
	started  sync.Once
	closeReq sync.Once
	ctx      context.Context
	cancel   context.CancelFunc
	counters Counters
	// serverClock is the gateway's clock from the newest CURRENT_TIME.
	serverClock atomic.Pointer[clockSample]

	mu    sync.Mutex // guards st, ring and subs for Stats and Subscription readers
	st    Stats
	ring  *pingRing
	subs  map[int]*Subscription
	subID int

	// Owned by the session goroutine.
	client    *Client
	backoff   backoff
	idOffset  int
	misses    int
	readyAt   time.Time // when the current connection became ready (session goroutine)
	queue     []*Subscription
	cancels   []int // cancels waiting for the pacer
	dialing   bool  // a Dial is under way
	open      int
	limiter   *rate.Limiter
	attempts  *rate.Limiter // connection attempts: the hard cap
	small     smallBarPacer
	pacer     *time.Timer
	exit      exitKind
	farms     farmTable
	competing bool // a competing live session (10197) holds the data on this connection
	quotes    quoteSubs
	acct      accountFeed

	rawState // requests carried for the fan-out (conn/raw.go)
}

// noSuchHostRetry is the least wait before resolving a host name that did
// not resolve: a typo will not fix itself, and the resolver is no gateway
// to be hurried.
const noSuchHostRetry = 10 * time.Second

type exitKind uint8

const (
	exitNone      exitKind = iota
	exitClose              // Close was called
	exitImmediate          // manual reconnect: dial again at once
)

// NewSession returns a session; Start begins connecting.
func NewSession(cfg Config) *Session {
	cfg.defaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Session{
		cfg:     cfg,
		in:      newInbox(),
		done:    make(chan struct{}),
		ctx:     ctx,
		cancel:  cancel,
		ring:    newPingRing(cfg.Keepalive.History),
		subs:    make(map[int]*Subscription),
		backoff: backoff{cfg: cfg.Backoff},
		limiter: rate.NewLimiter(rate.Limit(cfg.RequestRate), max(1, int(cfg.RequestRate/4))),
		attempts: rate.NewLimiter(rate.Every(time.Minute/time.Duration(cfg.MaxAttemptsPerMinute)),
			max(1, cfg.MaxAttemptsPerMinute/3)),
		pacer: time.NewTimer(time.Hour),
		small: smallBarPacer{renewGap: cfg.RetryDelay},
	}
	s.pacer.Stop()
	s.st = Stats{State: Disconnected, Since: time.Now(), Addr: cfg.Addr, ClientID: cfg.ClientID, ByCause: map[Cause]int{}}
	return s
}

type clockSample struct{ server, local time.Time }

func (s *Session) noteServerTime(t time.Time) {
	s.serverClock.Store(&clockSample{server: t, local: time.Now()})
}

// ServerTime is the gateway's clock as it last reported it (every keepalive
// answer carries it), and false before the first answer. It is never
// extrapolated: a gateway's clock need not run at ours (the simulator's can
// be paused or fast), and whether a bar is over is the gateway's to say.
func (s *Session) ServerTime() (time.Time, bool) {
	c := s.serverClock.Load()
	if c == nil {
		return time.Time{}, false
	}
	return c.server, true
}

// Config is the session's configuration with every default applied.
func (s *Session) Config() Config { return s.cfg }

// Start launches the session goroutine. It is idempotent.
func (s *Session) Start() { s.started.Do(func() { go s.run() }) }

// Done is closed when the session has stopped for good.
func (s *Session) Done() <-chan struct{} { return s.done }

// Close closes the connection cleanly and stops the session; it waits.
func (s *Session) Close() {
	s.closeReq.Do(func() {
		s.Start() // a never-started session still has to reach "closed"
		s.cancel()
	})
	<-s.done
}

// Reconnect closes the current connection cleanly and dials again at once,
// without a backoff penalty.
func (s *Session) Reconnect() { s.do(func() { s.exit = exitImmediate }) }

// do queues f to run on the session goroutine; it never blocks, and after
// Close f never runs.
func (s *Session) do(f func()) { s.in.put(f) }

func (s *Session) clientID() int { return s.cfg.ClientID + s.idOffset }

func (s *Session) emit(ev Event) {
	// Observers registered once this emit began do not see it: read before
	// the config's Observer runs, which may wake the one registering.
	observers := s.loadObservers()
	if s.cfg.Observer != nil {
		s.cfg.Observer(ev)
	}
	for _, o := range observers {
		o.f(ev)
	}
}

func (s *Session) setState(state State, cause Cause, err error, attempt int, nextRetry time.Time) {
	now := time.Now()
	s.mu.Lock()
	prev := s.st.State
	s.st.State, s.st.Since, s.st.Cause, s.st.Err, s.st.Attempt, s.st.NextRetry = state, now, cause, err, attempt, nextRetry
	s.st.ClientID = s.clientID()
	if state.Up() && !prev.Up() {
		s.st.ReadySince = now
	} else if !state.Up() {
		s.st.ReadySince = time.Time{}
	}
	version := s.st.ServerVersion
	s.mu.Unlock()
	s.cfg.Logger.Debug("session state", "state", state, "prev", prev, "cause", cause)
	s.emit(StateChange{At: now, State: state, Prev: prev, Cause: cause, Err: err, Addr: s.cfg.Addr,
		ClientID: s.clientID(), ServerVersion: version, Attempt: attempt, NextRetry: nextRetry})
}

// run is the session goroutine: connect, serve, and again, until Close.
func (s *Session) run() {
	defer close(s.done)
	defer s.pacer.Stop()
	cause, err, wait := CauseStart, error(nil), false
	for {
		c := s.connect(cause, err, wait)
		if c == nil {
			break
		}
		cause, err = s.serve(c)
		s.dropClient(c, cause, err)
		if s.exit == exitClose {
			break
		}
		wait = s.exit != exitImmediate
		s.exit = exitNone
	}
	for _, sub := range s.activeSubs() {
		sub.stopRetry()
	}
	s.setState(Closed, CauseQuit, nil, 0, time.Time{})
}

// connect dials until a client is ready (nil once the session is closed).
// With wait, the first attempt comes after a backoff delay.
func (s *Session) connect(cause Cause, why error, wait bool) *Client {
	attempt := 0
	for {
		var d time.Duration
		if wait {
			d = s.backoff.next()
		}
		if cause == CauseNoSuchHost {
			d = max(d, noSuchHostRetry)
		}
		gate := time.Now().Add(s.attempts.Reserve().Delay())
		if d = max(d, time.Until(gate)); d > 0 && !s.waitBackoff(cause, why, attempt, d, gate) {
			return nil
		}
		wait = true
		attempt++
		s.setState(Connecting, cause, why, attempt, time.Time{})
		c, err := s.dial()
		if s.exit == exitClose {
			if c != nil {
				c.Close()
			}
			return nil
		}
		if err == nil {
			return c
		}
		if s.exit == exitImmediate {
			s.exit, wait, attempt = exitNone, false, 0
			cause, why = CauseManual, nil
			continue
		}
		cause, why = CauseOf(err), err
		if cause == CauseClientIDInUse {
			s.idOffset = (s.idOffset + 1) % s.cfg.ClientIDSpan
		}
		s.count(cause)
	}
}

// waitBackoff sits in the backoff state for d; false means the session
// closed. A manual reconnect cuts it short, but not before gate: the
// attempt cap holds for the trader's key too.
func (s *Session) waitBackoff(cause Cause, err error, attempt int, d time.Duration, gate time.Time) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	s.setState(Backoff, cause, err, attempt, time.Now().Add(d))
	for {
		select {
		case <-t.C:
			return true
		case <-s.ctx.Done():
			s.exit = exitClose
			return false
		case <-s.in.wake:
			s.drainInbox(nil)
			if s.exit == exitImmediate {
				s.exit = exitNone
				if early := time.Until(gate); early > 0 {
					t.Reset(early)
					continue
				}
				return true
			}
		}
	}
}

// dial runs one Dial while still answering commands.
func (s *Session) dial() (*Client, error) {
	type result struct {
		c   *Client
		err error
	}
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	res := make(chan result, 1)
	opts := Options{
		Addr: s.cfg.Addr, ClientID: s.clientID(), ConnectTimeout: s.cfg.ConnectTimeout, DrainTimeout: s.cfg.DrainTimeout,
		MaxVersion: s.cfg.MaxVersion, Counters: &s.counters,
		OnNotice:     func(m wire.ErrMsg) { s.in.put(m) },
		OnStage:      func(st Stage) { s.in.put(st) },
		OnServerTime: s.noteServerTime,
		Tap:          s.tap,
	}
	s.acct.dials++
	dialN := s.acct.dials
	opts.OnAccount = func(m wire.Message) { s.in.put(accountItem{dial: dialN, m: m}) }
	go func() {
		c, err := Dial(ctx, opts)
		res <- result{c, err}
	}()
	s.dialing = true
	defer func() { s.dialing = false }()
	closed := s.ctx.Done()
	for {
		select {
		case r := <-res:
			if r.err == nil {
				s.drainInbox(r.c) // notices that came with the handshake
			}
			return r.c, r.err
		case <-closed:
			s.exit = exitClose
			closed = nil // once is enough: now wait for Dial to give up
			cancel()
		case <-s.in.wake:
			s.drainInbox(nil)
			if s.exit != exitNone {
				cancel()
			}
		}
	}
}

// serve runs a ready client until it dies or the session is told to leave
// it; it returns why, and the error behind it if there is one.
func (s *Session) serve(c *Client) (Cause, error) {
	s.client = c
	s.misses = 0
	s.readyAt = time.Now()
	s.mu.Lock()
	s.st.ServerVersion, s.st.Accounts, s.st.ConnTime = c.ServerVersion(), c.Accounts(), c.ConnTime()
	s.st.LocalAddr = c.LocalAddr().String()
	s.st.NextValidID = c.NextValidID()
	s.mu.Unlock()
	// Every request on a new connection is fresh: a farm that broke before
	// it has nothing of it to renew when it reports OK.
	clear(s.farms.broken)
	s.setState(Ready, CauseHandshakeDone, nil, 0, time.Time{})
	// The first ping goes at once, before any request: its round trip is the
	// first sample, and its answer gives the gateway's clock before any bar.
	first := s.startPing(c)
	s.requeueAll("connected")
	s.requeueRaw("connected", false)
	s.pump()
	s.acct.dial = s.acct.dials
	s.requestAccounts(c, false)

	k := s.cfg.Keepalive
	tick := time.NewTicker(k.Interval)
	defer tick.Stop()
	// The backoff starts over only once the connection has proved stable, so
	// a gateway that drops every session right after the handshake is not
	// met with a reconnect every 250 ms: that churn is what makes zombies.
	stable := time.NewTimer(s.cfg.StableAfter)
	defer stable.Stop()
	// Pings go out on every tick, answered or not, so that a stall is caught
	// within interval×max_misses + timeout whatever the settings.
	pings := []*inflight{first} // oldest first; replies come back in order
	defer func() {
		for _, p := range pings {
			p.stop()
		}
	}()
	head := func() *inflight {
		if len(pings) == 0 {
			return nil
		}
		return pings[0]
	}
	for {
		select {
		case <-c.Done():
			// What the reader got before the end comes first: a 1300 sent
			// just before the gateway closed is why it closed.
			if err := s.drainInbox(c); err != nil {
				return CauseOf(err), err
			}
			return CauseOf(c.Err()), c.Err()
		case <-s.ctx.Done():
			s.exit = exitClose
			return CauseQuit, nil
		case <-stable.C:
			s.backoff.reset()
		case <-tick.C:
			pings = append(pings, s.startPing(c))
		case rtt := <-head().reply():
			p := pings[0]
			p.stop()
			pings = pings[1:]
			s.recordPing(PingSample{At: p.sent, RTT: rtt, OK: true})
		case <-head().expired():
			p := pings[0]
			pings = pings[1:]
			s.recordPing(PingSample{At: p.sent, RTT: k.Timeout, OK: false})
			if s.misses >= k.MaxMisses {
				return CauseKeepalive, fmt.Errorf("%w: %d pings in a row", ErrKeepalive, s.misses)
			}
		case <-s.in.wake:
			if err := s.drainInbox(c); err != nil {
				return CauseOf(err), err
			}
			if s.exit == exitImmediate {
				return CauseManual, nil
			}
		case <-s.pacer.C:
			s.pump()
		}
	}
}

// dropClient closes a finished client and forgets what was sent on it. A
// connection judged dead is closed at once, one we chose to leave is closed
// cleanly; the loss is reported as soon as the socket is gone.
func (s *Session) dropClient(c *Client, cause Cause, err error) {
	if s.exit != exitClose { // counted first: whoever sees the state change sees the count
		s.mu.Lock()
		s.st.ByCause[cause]++
		s.st.Reconnects++
		s.mu.Unlock()
	}
	switch {
	case s.exit == exitClose:
		c.Close()
	case s.exit == exitImmediate || cause == Cause1300:
		c.Close()
		s.setState(Disconnected, cause, err, 0, time.Time{})
	default:
		c.Abort()
		s.setState(Disconnected, cause, err, 0, time.Time{})
	}
	s.client = nil
	s.open = 0
	s.cancels = nil
	s.competing = false
	s.pacer.Stop()
	s.mu.Lock()
	s.st.LocalAddr = ""
	s.mu.Unlock()
	for _, sub := range s.activeSubs() {
		sub.reqID, sub.awaiting = 0, false
	}
	s.loseRaw()
	for _, h := range s.timeQueue {
		h(time.Time{}, false)
	}
	s.timeQueue = nil
	s.forgetQuotes()
	s.drainInbox(nil)
}

// drainInbox handles what the reader goroutine and dialer queued. With a
// live client it may return why to leave it.
func (s *Session) drainInbox(c *Client) error {
	var leave error
	for _, item := range s.in.take() {
		switch v := item.(type) {
		case Stage:
			// A stage from a dial that has already ended is old news.
			if v == StageVersion && s.dialing {
				s.setState(Handshaking, CauseTCPConnected, nil, s.st.Attempt, time.Time{})
			}
		case wire.ErrMsg:
			if err := s.onNotice(c, v); err != nil {
				leave = err
			}
		case reqDone:
			s.onReqDone(v)
		case accountItem:
			// Only the served client's: what a dead connection read is of a round that is over.
			if c != nil && c == s.client && v.dial == s.acct.dial {
				s.onAccount(c, v.m)
			}
		case func():
			v()
		}
	}
	return leave
}

// onNotice applies IB's system codes (PROTOCOL.md section 5). Farm codes
// never touch the socket: a farm back from broken only has its
// subscriptions asked again.
func (s *Session) onNotice(c *Client, m wire.ErrMsg) error {
	now := time.Now()
	s.emit(Notice{At: now, ReqID: m.ReqID, Code: m.Code, Text: m.Text})
	recovered := s.noteFarm(m, now)
	if c == nil || c != s.client {
		return nil
	}
	switch m.Code {
	case 1100:
		s.setState(Degraded, Cause1100, nil, 0, time.Time{})
	case 1101:
		s.setState(Ready, Cause1101, nil, 0, time.Time{})
		s.resubscribeAll(c, m.Code)
		s.requestAccounts(c, true) // data lost: the account too
	case 1102:
		s.setState(Ready, Cause1102, nil, 0, time.Time{})
		s.resubscribeAll(c, m.Code)
	case 1300:
		return fmt.Errorf("%w: %s", ErrSocketPortReset, m.Text)
	case codeCompetingSession:
		s.competingSession()
	}
	if recovered {
		s.renewLive(strconv.Itoa(m.Code))
	}
	return nil
}

// codeCompetingSession is IB's 10197: no market data during a competing
// live session (the same user logged in elsewhere).
const codeCompetingSession = 10197

// noteFarm updates the farm table from a notice; it reports a broken market
// data or HMDS farm that has just come back.
func (s *Session) noteFarm(m wire.ErrMsg, now time.Time) bool {
	var changes []FarmChange
	ch, changed, recovered := s.farms.note(m.Code, m.Text, now)
	if changed {
		changes = append(changes, ch)
	}
	_, kind, state, isFarm := ParseFarm(m.Code, m.Text)
	if m.Code == 1101 || m.Code == 1102 || isFarm && state == FarmOK && kind != FarmTWS {
		if ch, ok := s.farms.restoreTWS(m.Code, now); ok {
			changes = append(changes, ch)
		}
	}
	if len(changes) > 0 {
		list := s.farms.list()
		s.mu.Lock()
		s.st.Farms = list
		s.mu.Unlock()
		for _, ch := range changes {
			s.emit(ch)
		}
	}
	return recovered
}

// competingSession marks the session degraded while another live session
// holds the market data; the requests it refused are retried, and the first
// one answered ends the condition.
func (s *Session) competingSession() {
	s.competing = true
	if s.st.State == Ready {
		s.setState(Degraded, CauseCompetingSession, nil, 0, time.Time{})
	}
}

func (s *Session) dataFlowing() {
	if !s.competing {
		return
	}
	s.competing = false
	if s.st.State == Degraded && s.st.Cause == CauseCompetingSession {
		s.setState(Ready, CauseDataRestored, nil, 0, time.Time{})
	}
}

func (s *Session) count(cause Cause) {
	s.mu.Lock()
	s.st.ByCause[cause]++
	s.mu.Unlock()
}

// Stats is a copy of the session's state and counters.
type Stats struct {
	State         State
	Since         time.Time
	ReadySince    time.Time
	Cause         Cause
	Err           error // the failure behind Cause, if any
	Attempt       int
	NextRetry     time.Time
	Addr          string
	ClientID      int
	ServerVersion int
	ConnTime      string
	Accounts      []string
	NextValidID   int64  // the gateway's NEXT_VALID_ID at the handshake
	LocalAddr     string // our end of the socket we hold ("" when none)
	Pings         []PingSample
	Misses        int // consecutive, now
	PingsSent     uint64
	PingsMissed   uint64
	Reconnects    int
	ByCause       map[Cause]int // connections lost or failed
	MsgsIn        uint64
	MsgsOut       uint64
	BytesIn       uint64
	BytesOut      uint64
	BadFrames     uint64
	NonFinite     uint64 // messages and bars rejected for a NaN or infinite value
	Subscriptions int
	Queued        int
	Farms         []Farm // every farm the gateway reported, by name
}

// Stats returns a snapshot of the session's state and counters.
func (s *Session) Stats() Stats {
	s.mu.Lock()
	st := s.st
	st.Accounts = append([]string(nil), s.st.Accounts...)
	st.ByCause = maps.Clone(s.st.ByCause)
	st.Farms = slices.Clone(s.st.Farms)
	st.Pings = s.ring.samples()
	st.Subscriptions = len(s.subs)
	for _, sub := range s.subs {
		if status, _ := sub.Status(); status == SubQueued {
			st.Queued++
		}
	}
	s.mu.Unlock()
	st.MsgsIn, st.MsgsOut = s.counters.MsgsIn.Load(), s.counters.MsgsOut.Load()
	st.BytesIn, st.BytesOut = s.counters.BytesIn.Load(), s.counters.BytesOut.Load()
	st.BadFrames = s.counters.BadFrames.Load()
	st.NonFinite = s.counters.NonFinite.Load()
	return st
}
