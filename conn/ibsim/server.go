package ibsim

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by operations on a closed Server.
var ErrClosed = errors.New("ibsim: server closed")

// Server is a running simulated gateway.
type Server struct {
	cfg     Config
	log     *slog.Logger
	clock   Clock
	market  *Market
	addr    string
	port    int
	quit    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
	latency atomic.Int64 // reply latency fault, nanoseconds

	mu          sync.Mutex
	closing     bool
	ln          net.Listener
	relisten    bool // a retry loop is trying to bind again
	clients     map[*client]struct{}
	seq         int
	recent      []closedClient // recently closed, oldest first
	changed     chan struct{}
	flt         faultState
	maxClients  int
	nextOrderID int64
	mktLines    int
	pace        pacer
	posSpecs    []PositionSpec // the holdings of every account
}

// Start listens on cfg.Addr and serves in background goroutines until Close.
func Start(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("ibsim: listen on %s: %w", cfg.Addr, err)
	}
	s := newServer(cfg)
	s.addr = ln.Addr().String()
	if ta, ok := ln.Addr().(*net.TCPAddr); ok {
		s.port = ta.Port
	}
	s.ln = ln
	// Subscribed before Start returns: no Advance can be missed.
	mc, _ := s.clock.(*ManualClock)
	var w *clockWaiter
	if mc != nil {
		w = mc.subscribe(s.quit)
	}
	s.wg.Add(2)
	go s.acceptLoop(ln)
	go s.pushLoop(mc, w)
	s.log.Info("ibsim listening", "addr", s.addr, "server_version", cfg.ServerVersion, "seed", cfg.Seed, "speed", cfg.Speed)
	return s, nil
}

func newServer(cfg Config) *Server {
	return &Server{
		cfg:         cfg,
		log:         cfg.Logger,
		clock:       cfg.Clock,
		market:      NewMarket(cfg.Seed, cfg.Symbols),
		quit:        make(chan struct{}),
		clients:     map[*client]struct{}{},
		changed:     make(chan struct{}),
		maxClients:  cfg.MaxClients,
		nextOrderID: 1,
		pace:        pacer{now: cfg.wallNow},
		posSpecs:    positionsOrDefault(cfg.Positions),
	}
}

// Addr is the listen address, "127.0.0.1:PORT"; it stays the same across
// a "down" fault.
func (s *Server) Addr() string { return s.addr }

// Port is the listen port.
func (s *Server) Port() int { return s.port }

// Market is the server's deterministic market.
func (s *Server) Market() *Market { return s.market }

// Close closes the listener and every client (held ones too) and waits for
// every goroutine the server started.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.mu.Lock()
		s.closing = true
		if s.ln != nil {
			s.ln.Close()
			s.ln = nil
		}
		for c := range s.clients {
			if c.state == stateHeld {
				s.removeLocked(c)
			}
			c.kill(false)
		}
		close(s.quit)
		s.bumpLocked()
		s.mu.Unlock()
		s.wg.Wait()
		s.log.Info("ibsim closed", "addr", s.addr)
	})
	return nil
}

func (s *Server) acceptLoop(ln net.Listener) {
	defer s.wg.Done()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn("accept failed", "err", err)
			if !s.pause(50 * time.Millisecond) {
				return
			}
			continue
		}
		s.mu.Lock()
		if s.closing || s.ln != ln {
			s.mu.Unlock()
			conn.Close()
			continue
		}
		c := s.newClientLocked(conn)
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serveClient(c)
	}
}

// serveConn runs one connection in the calling goroutine (the fuzz target's
// entry point); it returns when the connection is over.
func (s *Server) serveConn(conn net.Conn) {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		conn.Close()
		return
	}
	c := s.newClientLocked(conn)
	s.wg.Add(1)
	s.mu.Unlock()
	s.serveClient(c)
}

// pause waits d unless the server closes first.
func (s *Server) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.quit:
		return false
	}
}

// relistenLocked binds the listen address again after a "down" fault,
// retrying in the background if the port is not free yet.
func (s *Server) relistenLocked() {
	if s.closing || s.ln != nil || s.relisten {
		return
	}
	if s.tryListenLocked() {
		return
	}
	s.relisten = true
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for s.pause(100 * time.Millisecond) {
			s.mu.Lock()
			done := s.closing || s.ln != nil || s.flt.down != nil || s.tryListenLocked()
			if done {
				s.relisten = false
			}
			s.mu.Unlock()
			if done {
				return
			}
		}
	}()
}

func (s *Server) tryListenLocked() bool {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.log.Warn("listener not back yet", "addr", s.addr, "err", err)
		return false
	}
	s.ln = ln
	s.wg.Add(1)
	go s.acceptLoop(ln)
	s.log.Info("listener back", "addr", s.addr)
	s.bumpLocked()
	return true
}

// bumpLocked wakes every WaitFor.
func (s *Server) bumpLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}
