// Package sockettest makes real TCP socket states on loopback for tests:
// servers that drop or hold every connection, and child processes (the test
// binary re-executed) that hold client sockets and never close them. It binds
// only 127.0.0.1:0 and signals only the children it started. It is a small
// stand-in for the simulator's "drop" and "hold" faults.
package sockettest

import (
	"errors"
	"net"
	"sync"
	"testing"
	"time"
)

// Mode is what a server does with each accepted connection.
type Mode int

const (
	// Drop closes each connection at once: a client that never closes is left in CLOSE_WAIT.
	Drop Mode = iota
	// Hold never closes: when a client closes, the server's side is left in CLOSE_WAIT.
	Hold
)

// Server is a loopback listener that drops or holds every connection.
type Server struct {
	ln   net.Listener
	mode Mode
	done chan struct{}
	mu   sync.Mutex
	held []net.Conn
}

// Serve starts a server on 127.0.0.1 with an ephemeral port.
func Serve(mode Mode) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, mode: mode, done: make(chan struct{})}
	go s.accept()
	return s, nil
}

// NewServer starts a server that is closed when the test ends.
func NewServer(t testing.TB, mode Mode) *Server {
	t.Helper()
	s, err := Serve(mode)
	if err != nil {
		t.Fatalf("sockettest: listen: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func (s *Server) accept() {
	defer close(s.done)
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		if s.mode == Drop {
			c.Close()
			continue
		}
		s.mu.Lock()
		s.held = append(s.held, c)
		s.mu.Unlock()
	}
}

// Addr is the listening address, "127.0.0.1:port".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Port is the listening port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Close stops listening, closes held connections and waits for the accept loop.
func (s *Server) Close() error {
	err := s.ln.Close()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.held {
		c.Close()
	}
	s.held = nil
	return err
}

// Dial opens n connections to addr, for a test to hold or close.
func Dial(t testing.TB, addr string, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, 0, n)
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for range n {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatalf("sockettest: dial %s: %v", addr, err)
		}
		conns = append(conns, c)
	}
	return conns
}

// Eventually polls cond until it holds or timeout passes. Use it only for
// kernel state such as socket tables, which offers no event to wait on.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("sockettest: %s: not reached within %v", what, timeout)
		}
		<-tick.C
	}
}

var errNoReady = errors.New("child did not report ready")
