package sockets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Scanner scans this network namespace's TCP table, through netlink
// sock_diag or, where that is unavailable, /proc/net/tcp and tcp6. It keeps
// its buffers and owner caches between scans (the engine scans every few
// seconds); it is safe for concurrent use, scans run one at a time.
type Scanner struct {
	mu       sync.Mutex
	root     string // procfs mount point
	self     int
	procOnly bool // read /proc/net/tcp{,6}, not netlink
	diag     sockDiag
	buf      []byte
	rows     []rawSocket
	owners   []*Process
	finder   *ownerFinder
	gateway  *gatewayAddrs // nil: every socket on the port
}

// NewScanner returns a Scanner over /proc.
func NewScanner() *Scanner { return newScanner("/proc", os.Getpid(), false) }

func newScanner(root string, self int, procOnly bool) *Scanner {
	return &Scanner{root: root, self: self, procOnly: procOnly, finder: newOwnerFinder(root, self)}
}

// ScanContext is Scan with a context that can cut short the owner lookup.
func (s *Scanner) ScanContext(ctx context.Context, port int, withOwners bool) (Table, error) {
	p, err := checkPort(port)
	if err != nil {
		return Table{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rows, err = s.readTable(p); err != nil {
		return Table{}, err
	}
	if s.gateway != nil {
		s.rows = s.gateway.filter(s.rows, p)
	}
	rows := s.rows
	var sharers map[int][]*Process
	s.owners, sharers = s.finder.owners(ctx, rows, p, withOwners, s.owners[:0])
	if err := ctx.Err(); err != nil {
		return Table{}, fmt.Errorf("sockets: scan: %w", err)
	}
	return assemble(p, rows, s.owners, sharers, true, withOwners, s.self, time.Now()), nil
}

// readTable returns the rows on port, from netlink when it works.
func (s *Scanner) readTable(port uint16) ([]rawSocket, error) {
	if !s.procOnly {
		rows, err := s.diag.dump(port, s.rows[:0])
		if err == nil {
			return dedupe(rows), nil
		}
		s.procOnly = errors.Is(err, errNoSockDiag)
	}
	rows := s.rows[:0]
	for _, name := range [...]string{"net/tcp", "net/tcp6"} {
		path := filepath.Join(s.root, name)
		var err error
		s.buf, err = readAll(path, s.buf)
		if errors.Is(err, fs.ErrNotExist) && name == "net/tcp6" {
			continue // IPv6 disabled
		}
		if err != nil {
			return nil, fmt.Errorf("sockets: read socket table: %w", err)
		}
		if rows, err = parseProcNet(s.buf, port, rows); err != nil {
			return nil, fmt.Errorf("sockets: %s: %w", path, err)
		}
	}
	return dedupe(rows), nil
}

// readAll reads the file into buf[:0], growing it as needed.
func readAll(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return buf[:0], err
	}
	defer f.Close()
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, fmt.Errorf("read %s: %w", path, err)
		}
	}
}
