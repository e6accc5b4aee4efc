package engine

import (
	"bufio"
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// silentHMDS is a gateway that completes the handshake and answers pings,
// but never answers a historical data request: HMDS trouble, as seen from
// the API.
func silentHMDS(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		go func() { <-t.Context().Done(); c.Close() }() // unblock the reads when the test ends
		br := bufio.NewReader(c)
		if _, err := io.ReadFull(br, make([]byte, len(wire.APIPrefix))); err != nil {
			return
		}
		fr := wire.NewReader(br)
		if _, err := fr.ReadFrame(); err != nil { // the hello
			return
		}
		const v = 178
		c.Write(wire.ServerHello{Version: v, Time: "20261126 12:00:00 EST"}.Append(nil))
		for {
			p, err := fr.ReadFrame()
			if err != nil {
				return
			}
			var out []byte
			switch id, _ := wire.PeekID(p); id {
			case wire.OutStartAPI:
				out, _ = wire.AppendMessage(out, &wire.ManagedAccts{Accounts: "DU1"}, v)
				out, _ = wire.AppendMessage(out, &wire.NextValidID{OrderID: 1}, v)
			case wire.OutReqCurrentTime:
				out, _ = wire.AppendMessage(out, &wire.CurrentTime{Time: time.Now().Unix()}, v)
			}
			if len(out) > 0 {
				c.Write(out)
			}
		}
	}()
	return ln.Addr().String()
}

func TestRunOnceEndsAtItsDeadline(t *testing.T) {
	addr := silentHMDS(t)
	e, err := New(Options{
		Session:      conn.Config{Addr: addr, ConnectTimeout: 2 * time.Second},
		Symbols:      []string{"AAPL"},
		ScanInterval: -1,
		OnceTimeout:  300 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if code := e.RunOnce(context.Background()); code != ExitFailed {
		t.Fatalf("exit %d, want %d (the symbol never settled)", code, ExitFailed)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("RunOnce took %v past its 300ms deadline", took)
	}
}
