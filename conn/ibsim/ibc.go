package ibsim

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// DefaultRestartDown is how long RESTART keeps the API listener down.
const DefaultRestartDown = 3 * time.Second

// IBCServer speaks IBC's command server protocol (IbcAlpha/IBC 3.24.1
// CommandChannel: one text command a line, one `OK ...`/`ERROR ...` line
// back) for a simulated gateway.
type IBCServer struct {
	sim  *Server
	ln   net.Listener
	down time.Duration
	wg   sync.WaitGroup

	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	closed   bool
	stopping bool
}

// StartIBC listens on addr (loopback) and answers IBC commands for s. down
// is how long RESTART keeps the API listener closed (0: DefaultRestartDown).
func StartIBC(s *Server, addr string, down time.Duration) (*IBCServer, error) {
	if down <= 0 {
		down = DefaultRestartDown
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("ibsim: ibc listen on %s: %w", addr, err)
	}
	b := &IBCServer{sim: s, ln: ln, down: down, conns: map[net.Conn]struct{}{}}
	b.wg.Add(1)
	go b.accept()
	s.log.Info("ibc command server listening", "addr", ln.Addr().String())
	return b, nil
}

// Addr is the command server's host:port.
func (b *IBCServer) Addr() string { return b.ln.Addr().String() }

// Close stops the command server and ends its connections.
func (b *IBCServer) Close() error {
	b.mu.Lock()
	b.closed = true
	for c := range b.conns {
		c.Close()
	}
	b.mu.Unlock()
	err := b.ln.Close()
	b.wg.Wait()
	return err
}

func (b *IBCServer) accept() {
	defer b.wg.Done()
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			c.Close()
			return
		}
		b.conns[c] = struct{}{}
		b.mu.Unlock()
		b.wg.Add(1)
		go b.serve(c)
	}
}

func (b *IBCServer) serve(c net.Conn) {
	defer b.wg.Done()
	defer func() {
		b.mu.Lock()
		delete(b.conns, c)
		b.mu.Unlock()
		c.Close()
	}()
	r := bufio.NewReaderSize(c, 512)
	for {
		c.SetReadDeadline(time.Now().Add(5 * time.Minute)) // an idle controller is not kept forever
		line, err := r.ReadString('\n')
		cmd := strings.ToUpper(strings.TrimSpace(line))
		if cmd != "" {
			reply, end := b.run(cmd)
			c.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, werr := fmt.Fprintf(c, "%s\n", reply); werr != nil || end {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// run executes one command; end says the connection closes after the reply.
func (b *IBCServer) run(cmd string) (reply string, end bool) {
	s := b.sim
	s.log.Info("ibc command", "command", cmd)
	switch cmd {
	case "EXIT":
		return "OK Goodbye", true
	case "RESTART":
		b.restart()
		return "OK RESTART in progress", false
	case "RECONNECTDATA", "RECONNECTACCOUNT":
		return "OK ", false
	case "STOP":
		b.mu.Lock()
		again := b.stopping
		b.stopping = true
		b.mu.Unlock()
		if again {
			return "ERROR STOP already in progress", false
		}
		go s.Close() // IBC closes the gateway: the API socket goes, the listener with it
		return "OK Shutting down: STOP command", true
	case "ENABLEAPI":
		return "ERROR ENABLEAPI is not valid for the IB Gateway", false
	}
	return "ERROR Command invalid", false
}

// restart is the gateway's soft restart: every client dropped, every held
// (gateway-side CLOSE_WAIT) socket closed, the listener down for a while.
func (b *IBCServer) restart() {
	s := b.sim
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return
	}
	// A new process holds nothing: the hold fault dies with the old one.
	s.flt.hold = false
	s.releaseHeldLocked()
	s.flt.down.end()
	if s.ln != nil {
		s.ln.Close()
		s.ln = nil
	}
	s.dropAllLocked(false)
	s.flt.down = s.timedLocked(Fault{Kind: FaultDown, For: Duration(b.down)}, s.endDownLocked)
	s.bumpLocked()
}
