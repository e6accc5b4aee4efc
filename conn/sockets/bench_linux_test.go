package sockets

import (
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPairs opens n loopback connections to a fresh listener: 2n sockets on its port.
func openPairs(b *testing.B, n int) int {
	b.Helper()
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err == nil && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		unix.Setrlimit(unix.RLIMIT_NOFILE, &lim)
	}
	if lim.Cur < uint64(2*n+100) {
		b.Skipf("RLIMIT_NOFILE %d is too low for %d sockets", lim.Cur, 2*n)
	}
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	var conns []net.Conn
	accepted := make(chan net.Conn)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	b.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	for range n {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
		select {
		case a := <-accepted:
			conns = append(conns, a)
		case <-time.After(5 * time.Second):
			b.Fatal("accept timed out")
		}
	}
	return ln.Addr().(*net.TCPAddr).Port
}

func BenchmarkScan1000(b *testing.B) {
	port := openPairs(b, 500)
	check := func(b *testing.B, tb Table) {
		if tb.Count(Established) != 1000 || tb.Listener == nil {
			b.Fatalf("counted %v, listener %v; want 1000 established and the listener", tb.Counts.Map(), tb.Listener)
		}
	}
	b.Run("counts", func(b *testing.B) {
		s := NewScanner()
		for b.Loop() {
			tb, err := s.Scan(port, false)
			if err != nil {
				b.Fatal(err)
			}
			check(b, tb)
		}
	})
	b.Run("counts-procfs", func(b *testing.B) {
		s := newScanner("/proc", os.Getpid(), true) // the fallback without netlink
		for b.Loop() {
			tb, err := s.Scan(port, false)
			if err != nil {
				b.Fatal(err)
			}
			check(b, tb)
		}
	})
	b.Run("owners", func(b *testing.B) {
		s := NewScanner()
		for b.Loop() {
			tb, err := s.Scan(port, true)
			if err != nil {
				b.Fatal(err)
			}
			check(b, tb)
			if tb.Conns[len(tb.Conns)-1].Owner == nil {
				b.Fatal("owner missing")
			}
		}
	})
	b.Run("owners-cold", func(b *testing.B) {
		for b.Loop() {
			tb, err := NewScanner().Scan(port, true)
			if err != nil {
				b.Fatal(err)
			}
			check(b, tb)
		}
	})
}

// BenchmarkScanIdlePort is the scan the engine repeats every few seconds
// while nothing is on the port: its cost is the kernel's walk of the whole
// TCP table, once for both families, or once per family (the fallback).
func BenchmarkScanIdlePort(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // a free port: nothing on it
	for _, perFamily := range []bool{false, true} {
		name := "one-dump"
		if perFamily {
			name = "per-family"
		}
		b.Run(name, func(b *testing.B) {
			s := NewScanner()
			s.diag.perFamily = perFamily
			for b.Loop() {
				tb, err := s.Scan(port, false)
				if err != nil || len(tb.Conns) != 0 || s.procOnly {
					b.Fatalf("scan: %v, %d conns, procOnly %v", err, len(tb.Conns), s.procOnly)
				}
			}
		})
	}
}

func BenchmarkParseProcNet1000(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(tcpHeader)
	for i := range 1000 {
		sb.WriteString(procLine(i, "127.0.0.1:4002", "127.0.0.1:"+itoa(uint16(40000+i)), Established, 1000, uint64(5000+i)))
	}
	data := []byte(sb.String())
	var rows []rawSocket
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var err error
		if rows, err = parseProcNet(data, 4002, rows[:0]); err != nil || len(rows) != 1000 {
			b.Fatal(len(rows), err)
		}
	}
}
