package httpserve

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func start(t *testing.T, h http.Handler, lim Limits) string {
	t.Helper()
	srv, err := Start("127.0.0.1:0", h, lim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.Addr.String()
}

// closedWithin reads c until the server closes it; false if it is still
// open after d.
func closedWithin(t *testing.T, c net.Conn, d time.Duration) bool {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	return err == nil // EOF: the server closed it; a timeout is an error
}

func TestIdleAndSilentConnectionsAreClosed(t *testing.T) {
	addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }),
		Limits{ReadHeaderTimeout: 200 * time.Millisecond, IdleTimeout: 200 * time.Millisecond})

	silent, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	if !closedWithin(t, silent, 3*time.Second) {
		t.Error("a connection that never sent a request is still open")
	}

	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	io.WriteString(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(idle), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Close {
		t.Fatal("the server closed after one request: keep-alive is not exercised")
	}
	if !closedWithin(t, idle, 3*time.Second) {
		t.Error("an idle keep-alive connection is still open")
	}
}

func TestConnectionsAreCapped(t *testing.T) {
	const maxConns, clients = 4, 12
	var active, peak atomic.Int32
	entered := make(chan struct{}, clients)
	release := make(chan struct{})
	addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := active.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		entered <- struct{}{}
		<-release
		active.Add(-1)
	}), Limits{MaxConns: maxConns})

	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			c, err := net.Dial("tcp", addr) // one connection per client, as an idle flood would open
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			io.Copy(io.Discard, c)
		})
	}
	for i := range clients {
		<-entered
		if i >= maxConns-1 {
			release <- struct{}{} // one finishes, its slot lets the next connection in
		}
	}
	for range maxConns - 1 {
		release <- struct{}{}
	}
	wg.Wait()
	if p := peak.Load(); p != maxConns {
		t.Errorf("%d connections served at once, want the cap of %d", p, maxConns)
	}
}

func TestDefaultsSetEveryLimit(t *testing.T) {
	d := Defaults()
	if d.ReadHeaderTimeout <= 0 || d.ReadTimeout <= 0 || d.WriteTimeout <= 0 || d.IdleTimeout <= 0 || d.MaxHeaderBytes <= 0 || d.MaxConns <= 0 {
		t.Errorf("a limit is unset: %+v", d)
	}
}
