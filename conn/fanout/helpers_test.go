package fanout_test

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/fanout"
	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/conn/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// rig is a simulator, robotui's one session to it, and a fan-out on an
// ephemeral loopback port.
type rig struct {
	sim  *ibsim.Server
	sess *conn.Session
	fo   *fanout.Server
	ev   *events
}

func startRig(t testing.TB, simCfg ibsim.Config, foCfg fanout.Config, sessOpts ...func(*conn.Config)) *rig {
	t.Helper()
	if simCfg.Speed == 0 {
		simCfg.Speed = 60
	}
	sim, err := ibsim.Start(simCfg)
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { sim.Close() })
	ready, farms := make(chan struct{}), make(chan struct{})
	var once, farmOnce sync.Once
	cfg := conn.Config{
		Addr: sim.Addr(), ClientID: 1, ConnectTimeout: 2 * time.Second,
		Backoff:              conn.BackoffConfig{Initial: 5 * time.Millisecond, Multiplier: 2, Max: 50 * time.Millisecond, Jitter: 0.2},
		MaxAttemptsPerMinute: 1_000_000,
		RequestRate:          500,
		Observer: func(ev conn.Event) {
			if sc, ok := ev.(conn.StateChange); ok && sc.State == conn.Ready {
				once.Do(func() { close(ready) })
			}
			if _, ok := ev.(conn.FarmChange); ok {
				farmOnce.Do(func() { close(farms) })
			}
		},
	}
	for _, o := range sessOpts {
		o(&cfg)
	}
	sess := conn.NewSession(cfg)
	sess.Start()
	t.Cleanup(sess.Close)
	for _, ch := range []chan struct{}{ready, farms} {
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatal("session not ready")
		}
	}
	ev := &events{wake: make(chan struct{}, 1)}
	if foCfg.Addr == "" {
		foCfg.Addr = "127.0.0.1:0"
	}
	foCfg.OnEvent = ev.add
	fo, err := fanout.Start(sess, foCfg)
	if err != nil {
		t.Fatalf("start fanout: %v", err)
	}
	t.Cleanup(func() { fo.Close() })
	return &rig{sim: sim, sess: sess, fo: fo, ev: ev}
}

// events records fanout.client events.
type events struct {
	mu   sync.Mutex
	list []fanout.ClientEvent
	wake chan struct{}
}

func (e *events) add(ev fanout.ClientEvent) {
	e.mu.Lock()
	e.list = append(e.list, ev)
	e.mu.Unlock()
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func (e *events) waitFor(t testing.TB, what string, match func(fanout.ClientEvent) bool) fanout.ClientEvent {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		e.mu.Lock()
		for _, ev := range e.list {
			if match(ev) {
				e.mu.Unlock()
				return ev
			}
		}
		e.mu.Unlock()
		select {
		case <-e.wake:
		case <-deadline:
			e.mu.Lock()
			defer e.mu.Unlock()
			t.Fatalf("no %s event; got %+v", what, e.list)
		}
	}
}

// dial connects robotui's own client type to the fan-out: a full TWS API
// client, as an outside program would be.
func dial(t testing.TB, addr string, clientID int, maxVersion int) *conn.Client {
	t.Helper()
	c, err := conn.Dial(context.Background(), conn.Options{Addr: addr, ClientID: clientID, MaxVersion: maxVersion, ConnectTimeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("dial fanout: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// rawClient is a bare TWS API socket for what conn.Client never sends.
type rawClient struct {
	nc      net.Conn
	fr      *wire.Reader
	version int
}

func dialRaw(t testing.TB, addr string, clientID, maxVersion int) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	nc.(*net.TCPConn).SetReadBuffer(4096) // a reader that stops stalls the fan-out's writes soon
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	rc := &rawClient{nc: nc, fr: wire.NewReader(bufio.NewReader(nc))}
	if _, err := nc.Write(wire.Hello{Min: 100, Max: maxVersion}.Append(nil)); err != nil {
		t.Fatal(err)
	}
	p, err := rc.fr.ReadFrame()
	if err != nil {
		t.Fatalf("server hello: %v", err)
	}
	sh, err := wire.ParseServerHello(p)
	if err != nil {
		t.Fatal(err)
	}
	rc.version = sh.Version
	rc.send(t, &wire.StartAPI{ClientID: clientID})
	rc.waitFor(t, "NEXT_VALID_ID", func(id int, _ []byte) bool { return id == wire.InNextValidID })
	return rc
}

func (rc *rawClient) send(t testing.TB, m wire.Message) {
	t.Helper()
	b, err := wire.AppendMessage(nil, m, rc.version)
	if err != nil {
		t.Fatal(err)
	}
	rc.write(t, b)
}

func (rc *rawClient) sendFields(t testing.TB, fields ...string) {
	t.Helper()
	var p []byte
	for _, f := range fields {
		p = wire.AppendString(p, f)
	}
	b, _ := wire.AppendFrame(nil, p)
	rc.write(t, b)
}

func (rc *rawClient) write(t testing.TB, b []byte) {
	t.Helper()
	if _, err := rc.nc.Write(b); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// waitFor reads frames until match; every frame read is passed to it.
func (rc *rawClient) waitFor(t testing.TB, what string, match func(id int, p []byte) bool) []byte {
	t.Helper()
	rc.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		p, err := rc.fr.ReadFrame()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		id, _ := wire.PeekID(p)
		if match(id, p) {
			return append([]byte(nil), p...)
		}
	}
}

// waitErr waits for an ERR_MSG with code and returns it.
func (rc *rawClient) waitErr(t testing.TB, code int) wire.ErrMsg {
	t.Helper()
	var m wire.ErrMsg
	rc.waitFor(t, "error "+itoa(code), func(id int, p []byte) bool {
		return id == wire.InErrMsg && m.Decode(p, rc.version) == nil && m.Code == code
	})
	return m
}

// readUntilClosed reads until the fan-out closes the connection.
func (rc *rawClient) readUntilClosed(t testing.TB) error {
	t.Helper()
	rc.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, err := rc.fr.ReadFrame(); err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatal("the fan-out kept the connection open")
			}
			return err
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// waitSim waits for a simulator state.
func waitSim(t testing.TB, sim *ibsim.Server, what string, cond func(ibsim.State) bool) ibsim.State {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sim.WaitFor(ctx, cond); err != nil {
		t.Fatalf("simulator never showed %s: %+v", what, sim.State())
	}
	return sim.State()
}

// readyClients is the simulator's clients in state ready.
func readyClients(st ibsim.State) int { return st.Count("ready") }

func aapl() wire.Contract { return wire.Stock("AAPL") }

func netDial(addr string) (net.Conn, error) { return net.Dial("tcp", addr) }

// recordHandler keeps every log record's attributes, as text.
type recordHandler struct {
	mu   sync.Mutex
	recs []map[string]string
}

func newLogger(h *recordHandler) *slog.Logger { return slog.New(h) }

func (h *recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordHandler) Handle(_ context.Context, r slog.Record) error {
	m := map[string]string{"msg": r.Message}
	r.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value.String()
		return true
	})
	h.mu.Lock()
	h.recs = append(h.recs, m)
	h.mu.Unlock()
	return nil
}
func (h *recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordHandler) WithGroup(string) slog.Handler      { return h }
func (h *recordHandler) all() []map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]map[string]string(nil), h.recs...)
}

func parseEpoch(t testing.TB, s string) int64 {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Errorf("bar date %q is not epoch seconds", s)
	}
	return v
}

// waitUntil waits, woken by every fanout.client event, until cond holds.
func (e *events) waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for !cond() {
		select {
		case <-e.wake:
		case <-deadline:
			t.Fatalf("never %s", what)
		}
	}
}

// balanced reports whether every connected client has disconnected.
func (e *events) balanced() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, ev := range e.list {
		switch ev.Action {
		case "connected":
			n++
		case "disconnected":
			n--
		}
	}
	return n == 0
}
