// Package fanout serves the TWS API to local programs over robotui's one
// gateway session: the server side of the handshake as a gateway does it,
// each client's requests remapped onto request ids of the session's own
// (identical market-data and keepUpToDate bar subscriptions shared), the
// answers remapped back and translated to each client's server version,
// and every write (PLACE_ORDER, CANCEL_ORDER, ...) refused with 321.
//
// It must never open a connection to the gateway, never forward a write or
// a message id it does not know, and never let one client's faults (gone,
// stalled, flooding, garbage) reach the session or another client. It
// depends on conn and conn/wire only, never on the simulator.
package fanout

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// Config configures the fan-out. Zero values take the documented defaults.
type Config struct {
	Addr        string // listen address, e.g. "127.0.0.1:4102"
	AllowRemote bool   // allow a listen address that is not loopback
	// MaxClients is the most downstream clients at once (a gateway allows
	// 32); default 32.
	MaxClients int
	// MarketDataLines is the market-data budget of all clients together
	// (IB's default is 100 lines; a shared line counts once); default 100.
	MarketDataLines int
	// MsgRate is each client's message rate (IB allows about 50/s); over it
	// a client gets 100, at four times it the connection is dropped; default 50.
	MsgRate float64
	// QueueLen bounds each client's send queue in frames; a client that lets
	// it fill is dropped; default 8192.
	QueueLen int
	// HandshakeTimeout bounds hello and START_API; default 10 s.
	HandshakeTimeout time.Duration
	// WriteTimeout bounds each write to a client; default 5 s.
	WriteTimeout time.Duration
	// MaxOpenBackfills bounds the clients' historical requests awaiting an
	// answer (IB allows 50 per session and robotui has its own); default 10.
	MaxOpenBackfills int
	// OnEvent receives every client connect and disconnect; it must not block.
	OnEvent func(ClientEvent)
	Logger  *slog.Logger
}

func (c *Config) defaults() {
	if c.MaxClients <= 0 {
		c.MaxClients = 32
	}
	if c.MarketDataLines <= 0 {
		c.MarketDataLines = 100
	}
	if c.MsgRate <= 0 {
		c.MsgRate = 50
	}
	if c.QueueLen <= 0 {
		c.QueueLen = 8192
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = 10 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 5 * time.Second
	}
	if c.MaxOpenBackfills <= 0 {
		c.MaxOpenBackfills = 10
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// ClientEvent is a downstream client connecting or leaving: the
// `fanout.client` event.
type ClientEvent struct {
	At       time.Time
	Addr     string
	ClientID int    // -1 before START_API
	Action   string // "connected" or "disconnected"
	Reason   string
}

// Name is the event's name in the headless log.
func (ClientEvent) Name() string { return "fanout.client" }

// ClientInfo is one downstream client as the console and metrics show it.
type ClientInfo struct {
	Addr          string
	ClientID      int
	Version       int
	Library       string // a guess from the hello
	Subscriptions int
	MsgsIn        uint64
	MsgsOut       uint64
	Refused       uint64 // writes answered 321
	Since         time.Time
}

// Stats is the fan-out's state.
type Stats struct {
	Addr            string
	Clients         []ClientInfo // by connection time
	MarketDataLines int          // lines in use upstream for the clients
	MarketDataLimit int
	UpstreamSubs    int    // shared subscriptions carried by the session
	Connected       uint64 // connections accepted since start
	Dropped         uint64 // connections dropped for a fault of the client's
	Refused         uint64 // writes answered 321
	Pacing          uint64 // requests answered with a pacing or budget code
}

// Server is a running fan-out.
type Server struct {
	cfg  Config
	sess *conn.Session
	log  *slog.Logger
	ln   net.Listener
	wg   sync.WaitGroup
	once sync.Once
	quit chan struct{}

	connected, dropped, refused, pacing atomic.Uint64

	mu      sync.Mutex
	closing bool
	clients map[*client]struct{}
	ids     map[int]*client // client ids in use
	lines   int
	mkt     map[string]*shared
	bars    map[conn.BarRequest]*barGroup
	topics  topics
	hist    histPacer
	down    bool // an outage was announced (1100) and not yet its end
	upVer   int  // the upstream session's server version (0 before the first)

	stops []func()
}

// Start listens on cfg.Addr and serves until Close.
func Start(sess *conn.Session, cfg Config) (*Server, error) {
	cfg.defaults()
	if err := CheckAddr(cfg.Addr, cfg.AllowRemote); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("fanout: listen on %s: %w", cfg.Addr, err)
	}
	s := &Server{
		cfg: cfg, sess: sess, log: cfg.Logger, ln: ln, quit: make(chan struct{}),
		clients: map[*client]struct{}{}, ids: map[int]*client{},
		mkt: map[string]*shared{}, bars: map[conn.BarRequest]*barGroup{},
		hist: histPacer{now: time.Now},
	}
	s.topics.init()
	if st := sess.Stats(); st.ServerVersion > 0 {
		s.upVer = st.ServerVersion
		s.down = !st.State.Up()
	}
	s.stops = append(s.stops, sess.Observe(s.onSession), sess.Listen(s.onTopic, topicIDs...))
	s.wg.Add(1)
	go s.acceptLoop()
	s.log.Info("fanout listening", "addr", ln.Addr().String())
	return s, nil
}

// ErrRemote is a listen address that is not loopback without allow_remote.
var ErrRemote = errors.New("fanout: listen address is not loopback (set allow_remote to serve other hosts)")

// CheckAddr validates a listen address.
func CheckAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("fanout: listen address %q: %w", addr, err)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%w: %q", ErrRemote, addr)
	}
	return nil
}

// Addr is the address the fan-out listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops listening, closes every client at once and waits for every
// goroutine the fan-out started; the shared subscriptions are cancelled.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.mu.Lock()
		s.closing = true
		for c := range s.clients {
			c.drop("fanout closed", false)
		}
		s.mu.Unlock()
		close(s.quit)
		s.ln.Close()
		s.wg.Wait()
		for _, stop := range s.stops {
			stop()
		}
	})
	return nil
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn("fanout accept failed", "err", err)
			t := time.NewTimer(50 * time.Millisecond)
			select {
			case <-t.C:
			case <-s.quit:
				t.Stop()
				return
			}
			continue
		}
		if !s.cfg.AllowRemote && !isLoopback(nc.RemoteAddr()) {
			nc.Close()
			continue
		}
		c := newClient(s, nc)
		s.mu.Lock()
		if s.closing {
			s.mu.Unlock()
			nc.Close()
			continue
		}
		s.clients[c] = struct{}{}
		s.wg.Add(3)
		s.mu.Unlock()
		s.connected.Add(1)
		go c.writeLoop()
		go c.workLoop()
		go c.serve()
	}
}

func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// Stats returns the fan-out's state.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	st := Stats{
		Addr: s.Addr(), MarketDataLines: s.lines, MarketDataLimit: s.cfg.MarketDataLines,
		UpstreamSubs: len(s.mkt) + len(s.bars) + s.topics.upstream(),
	}
	for c := range s.clients {
		if c.clientID < 0 {
			continue // still in the handshake
		}
		st.Clients = append(st.Clients, ClientInfo{
			Addr: c.addr, ClientID: c.clientID, Version: c.version, Library: c.library,
			Subscriptions: c.subscriptionsLocked(), MsgsIn: c.msgsIn.Load(), MsgsOut: c.msgsOut.Load(),
			Refused: c.refused.Load(), Since: c.since,
		})
	}
	s.mu.Unlock()
	slices.SortFunc(st.Clients, func(a, b ClientInfo) int { return a.Since.Compare(b.Since) })
	st.Connected, st.Dropped, st.Refused, st.Pacing = s.connected.Load(), s.dropped.Load(), s.refused.Load(), s.pacing.Load()
	return st
}

func (s *Server) emit(ev ClientEvent) {
	if s.cfg.OnEvent != nil {
		s.cfg.OnEvent(ev)
	}
}

// upstreamVersion is the session's negotiated version (0 before the first).
func (s *Server) upstreamVersion() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.upVer
}

// gatewayNow is the gateway's clock: its last report moved on by our own.
func (s *Server) gatewayNow() time.Time {
	server, at, ok := s.sess.ServerClock()
	if !ok {
		return time.Now()
	}
	return server.Add(time.Since(at))
}

var _ = wire.MaxVersion
