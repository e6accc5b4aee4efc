package ibsim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/wire"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// t0 is a Monday afternoon in New York; every test clock starts here.
var t0 = time.Date(2024, 3, 4, 19, 30, 0, 0, time.UTC)

const ioTimeout = 10 * time.Second // a safety net on reads, never a wait

func startSim(t testing.TB, cfg Config) *Server {
	t.Helper()
	s, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func manualSim(t testing.TB, cfg Config) (*Server, *ManualClock) {
	t.Helper()
	clk := NewManualClock(t0)
	cfg.Clock = clk
	return startSim(t, cfg), clk
}

func waitFor(t testing.TB, s *Server, what string, cond func(State) bool) State {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	if err := s.WaitFor(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v; state %+v", what, err, s.State())
	}
	return s.State()
}

// tclient is a minimal TWS API client built on conn/wire.
type tclient struct {
	t    testing.TB
	conn net.Conn
	r    *wire.Reader
	v    int
}

func dial(t testing.TB, addr string) *tclient {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, ioTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return &tclient{t: t, conn: conn, r: wire.NewReader(conn)}
}

func (c *tclient) local() string { return c.conn.LocalAddr().String() }

func (c *tclient) writeRaw(b []byte) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(ioTimeout))
	if _, err := c.conn.Write(b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// hello sends the opening and reads the server's answer.
func (c *tclient) hello(lo, hi int) (wire.ServerHello, error) {
	c.t.Helper()
	c.writeRaw(wire.Hello{Min: lo, Max: hi}.Append(nil))
	c.conn.SetReadDeadline(time.Now().Add(ioTimeout))
	p, err := c.r.ReadFrame()
	if err != nil {
		return wire.ServerHello{}, err
	}
	sh, err := wire.ParseServerHello(p)
	c.v = sh.Version
	return sh, err
}

func (c *tclient) send(m wire.Message) {
	c.t.Helper()
	b, err := wire.AppendMessage(nil, m, c.v)
	if err != nil {
		c.t.Fatalf("encode %T: %v", m, err)
	}
	c.writeRaw(b)
}

// read returns the next message, checking that it decodes at the
// negotiated version and re-encodes to the very same bytes.
func (c *tclient) read() (wire.Message, error) {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(ioTimeout))
	p, err := c.r.ReadFrame()
	if err != nil {
		return nil, err
	}
	m, err := wire.DecodeServerMessage(p, c.v)
	if err != nil {
		return nil, &decodeError{err: err, payload: append([]byte(nil), p...)}
	}
	if again := m.AppendFields(nil, c.v); !bytes.Equal(again, p) {
		c.t.Fatalf("v%d %T does not round-trip:\n got %q\nwant %q", c.v, m, again, p)
	}
	return m, nil
}

type decodeError struct {
	err     error
	payload []byte
}

func (e *decodeError) Error() string { return e.err.Error() }

func (c *tclient) next() wire.Message {
	c.t.Helper()
	m, err := c.read()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return m
}

// until reads messages up to and including the first that satisfies stop.
func (c *tclient) until(stop func(wire.Message) bool) []wire.Message {
	c.t.Helper()
	var got []wire.Message
	for {
		m := c.next()
		got = append(got, m)
		if stop(m) {
			return got
		}
	}
}

// connect opens a ready session with client id id, v100..max.
func connect(t testing.TB, s *Server, id int) *tclient {
	t.Helper()
	c := dial(t, s.Addr())
	if _, err := c.hello(wire.MinVersion, wire.MaxVersion); err != nil {
		t.Fatalf("hello: %v", err)
	}
	c.send(&wire.StartAPI{ClientID: id})
	c.until(isCode(2107)) // the last farm notice of the login
	return c
}

func isCode(code int) func(wire.Message) bool {
	return func(m wire.Message) bool {
		e, ok := m.(*wire.ErrMsg)
		return ok && e.Code == code
	}
}

func isType[T wire.Message](m wire.Message) bool {
	_, ok := m.(T)
	return ok
}

// expectEOF reads until the server closes the connection and fails on
// anything but a clean end of stream.
func (c *tclient) expectEOF() {
	c.t.Helper()
	for {
		_, err := c.read()
		if err == nil {
			continue
		}
		var de *decodeError
		if errors.As(err, &de) {
			continue
		}
		if !isEOF(err) {
			c.t.Fatalf("want EOF, got %v", err)
		}
		return
	}
}

func isEOF(err error) bool { return errors.Is(err, io.EOF) }
