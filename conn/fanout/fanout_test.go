package fanout_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/fanout"
	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/conn/wire"
)

// The handshake as a gateway does it, at every version a client asks for
// within the session's: min(client max, session version), the accounts and
// next id of the session, and the farm notices robotui knows.
func TestHandshakeEveryVersion(t *testing.T) {
	r := startRig(t, ibsim.Config{ServerVersion: 190}, fanout.Config{})
	for _, max := range []int{100, 124, 157, 176, 178, 190, 193, 200} {
		rc := dialRaw(t, r.fo.Addr(), 100+max, max)
		if want := min(max, 190); rc.version != want {
			t.Errorf("client max %d: negotiated %d, want %d", max, rc.version, want)
		}
		rc.waitErr(t, 2104) // the market-data farm notice comes after NEXT_VALID_ID
		rc.send(t, &wire.ReqManagedAccts{})
		var m wire.ManagedAccts
		rc.waitFor(t, "MANAGED_ACCTS", func(id int, p []byte) bool { return id == wire.InManagedAccts && m.Decode(p, rc.version) == nil })
		if m.Accounts != ibsim.DefaultAccount {
			t.Errorf("accounts %q", m.Accounts)
		}
		rc.nc.Close()
	}
	// A client whose range is above the session's is refused, as a gateway would.
	rc := rawHello(t, r.fo.Addr(), 191, 200)
	if err := rc.readUntilClosed(t); err == nil {
		t.Fatal("no close")
	}
	if st := r.sim.State(); readyClients(st) != 1 {
		t.Errorf("simulator clients: %+v", st.Clients)
	}
}

func rawHello(t *testing.T, addr string, lo, hi int) *rawClient {
	t.Helper()
	rc := &rawClient{}
	nc, err := netDial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	rc.nc = nc
	rc.fr = wire.NewReader(nc)
	rc.write(t, wire.Hello{Min: lo, Max: hi}.Append(nil))
	return rc
}

// REQ_CURRENT_TIME goes through the session and back, with the gateway's clock.
func TestCurrentTimeForwarded(t *testing.T) {
	r := startRig(t, ibsim.Config{ServerVersion: 200}, fanout.Config{})
	c := dial(t, r.fo.Addr(), 5, 193)
	var got []time.Time
	var mu sync.Mutex
	c2, err := conn.Dial(context.Background(), conn.Options{Addr: r.fo.Addr(), ClientID: 6, OnServerTime: func(tm time.Time) {
		mu.Lock()
		got = append(got, tm)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c.Ping(context.Background()); err != nil {
		t.Fatalf("ping through the fan-out: %v", err)
	}
	if _, err := c2.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	gw, _ := r.sess.ServerTime()
	if len(got) != 1 || got[0].Sub(gw).Abs() > time.Hour {
		t.Errorf("client time %v, gateway's %v", got, gw)
	}
}

// Writes never reach the gateway: PLACE_ORDER, CANCEL_ORDER and
// REQ_GLOBAL_CANCEL get 321 read-only; an unknown id gets 320; a read the
// fan-out does not serve gets 321; the connection stays.
func TestWritesRefused(t *testing.T) {
	logs := &recordHandler{}
	r := startRig(t, ibsim.Config{ServerVersion: 200, Logger: newLogger(logs)}, fanout.Config{})
	rc := dialRaw(t, r.fo.Addr(), 9, 200)
	rc.sendFields(t, "3", "42", "0", "AAPL", "STK", "", "0", "", "", "SMART", "", "USD", "", "", "", "", "BUY", "100", "MKT")
	if m := rc.waitErr(t, 321); m.ReqID != 42 || !strings.Contains(m.Text, "Read-Only mode") {
		t.Errorf("PLACE_ORDER answered %+v", m)
	}
	rc.sendFields(t, "4", "42", "", "", "2147483647")
	if m := rc.waitErr(t, 321); m.ReqID != 42 || !strings.Contains(m.Text, "Read-Only") {
		t.Errorf("CANCEL_ORDER answered %+v", m)
	}
	rc.sendFields(t, "58", "", "2147483647")
	rc.waitErr(t, 321)
	rc.sendFields(t, "999", "1")
	rc.waitErr(t, 320)
	rc.sendFields(t, "10", "5", "1") // REQ_MKT_DEPTH: a read, not served
	if m := rc.waitErr(t, 321); !strings.Contains(m.Text, "not served") {
		t.Errorf("REQ_MKT_DEPTH answered %+v", m)
	}
	rc.send(t, &wire.ReqCurrentTime{})
	rc.waitFor(t, "CURRENT_TIME", func(id int, _ []byte) bool { return id == wire.InCurrentTime })
	if n := r.fo.Stats().Refused; n != 3 {
		t.Errorf("refused %d writes, want 3", n)
	}
	for _, rec := range logs.all() {
		if id, ok := rec["msg_id"]; ok && (id == "3" || id == "4" || id == "58" || id == "999" || id == "10") {
			t.Errorf("the simulator saw message %s: %v", id, rec)
		}
	}
}

// Three clients asking for the same AAPL bars make one upstream request;
// the last cancel cancels it.
func TestSharedBarsOneUpstream(t *testing.T) {
	r := startRig(t, ibsim.Config{ServerVersion: 200, Speed: 600}, fanout.Config{})
	req := conn.BarRequest{Contract: aapl(), Duration: "1 D", BarSize: "1 min", WhatToShow: "TRADES", FormatDate: 2, KeepUpToDate: true}
	var clients []*conn.Client
	for i, v := range []int{176, 193, 200} {
		c := dial(t, r.fo.Addr(), 20+i, v)
		got := make(chan int, 1)
		if err := c.RequestBars(7, req, func(ev conn.BarEvent) {
			if ev.Kind == conn.BarBackfill {
				select {
				case got <- len(ev.Bars):
				default:
				}
			}
		}); err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-got:
			if n < 100 {
				t.Errorf("client %d (v%d): backfill of %d bars", i, v, n)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("client %d: no backfill", i)
		}
		clients = append(clients, c)
	}
	subs := func(st ibsim.State) int {
		n := 0
		for _, c := range st.Clients {
			if c.State == "ready" {
				n += c.Subscriptions
			}
		}
		return n
	}
	if st := r.sim.State(); subs(st) != 1 || readyClients(st) != 1 {
		t.Fatalf("simulator: %+v, want one client with one subscription", st.Clients)
	}
	for i, c := range clients {
		if err := c.CancelBars(7); err != nil {
			t.Fatal(err)
		}
		if i < len(clients)-1 {
			// the fan-out has seen the cancel once this client's ping is answered
			if _, err := c.Ping(context.Background()); err != nil {
				t.Fatal(err)
			}
			if st := r.sim.State(); subs(st) != 1 {
				t.Fatalf("after %d cancels: %+v", i+1, st.Clients)
			}
		}
	}
	waitSim(t, r.sim, "the upstream subscription cancelled", func(st ibsim.State) bool { return subs(st) == 0 })
}

// Market data: identical requests share one line; the budget counts lines
// for all clients together, and the client over it gets 101.
func TestMarketDataSharedAndBudget(t *testing.T) {
	r := startRig(t, ibsim.Config{ServerVersion: 200}, fanout.Config{MarketDataLines: 2})
	ticks := func(c *conn.Client, reqID int, sym string) (<-chan conn.TickEvent, error) {
		ch := make(chan conn.TickEvent, 1000)
		return ch, c.RequestMarketData(reqID, wire.Stock(sym), func(ev conn.TickEvent) {
			select {
			case ch <- ev:
			default:
			}
		})
	}
	a, b, c := dial(t, r.fo.Addr(), 1, 193), dial(t, r.fo.Addr(), 2, 200), dial(t, r.fo.Addr(), 3, 178)
	ta, _ := ticks(a, 1, "AAPL")
	tb, _ := ticks(b, 99, "AAPL")
	tc, _ := ticks(c, 5, "MSFT")
	for name, ch := range map[string]<-chan conn.TickEvent{"a": ta, "b": tb, "c": tc} {
		select {
		case ev := <-ch:
			if ev.Code != 0 || ev.Price <= 0 && !ev.IsSize {
				t.Errorf("%s: first tick %+v", name, ev)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no tick", name)
		}
	}
	if st := r.fo.Stats(); st.MarketDataLines != 2 {
		t.Errorf("lines in use %d, want 2 (AAPL shared)", st.MarketDataLines)
	}
	td, _ := ticks(c, 6, "SPY")
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-td:
			if ev.Code == 0 {
				t.Fatalf("a third line past a budget of 2: %+v", ev)
			}
			if ev.Code != 101 {
				t.Errorf("over the budget: %+v, want 101", ev)
			}
			return
		case <-deadline:
			t.Fatal("no answer over the budget")
		}
	}
}

// A client sending garbage, flooding or never reading loses its own
// connection; another client and robotui's session notice nothing.
func TestClientFaultsStayDownstream(t *testing.T) {
	r := startRig(t, ibsim.Config{ServerVersion: 200, Speed: 600}, fanout.Config{MsgRate: 50, WriteTimeout: 300 * time.Millisecond})
	var changes int
	var mu sync.Mutex
	stop := r.sess.Observe(func(ev conn.Event) {
		if _, ok := ev.(conn.StateChange); ok {
			mu.Lock()
			changes++
			mu.Unlock()
		}
	})
	defer stop()
	good := dial(t, r.fo.Addr(), 1, 200)

	t.Run("garbage", func(t *testing.T) {
		rc := dialRaw(t, r.fo.Addr(), 2, 200)
		rc.sendFields(t, "not a number")
		if err := rc.readUntilClosed(t); err == nil {
			t.Fatal("still open")
		}
		ev := r.ev.waitFor(t, "disconnect of 2", func(e fanout.ClientEvent) bool { return e.ClientID == 2 && e.Action == "disconnected" })
		if !strings.Contains(ev.Reason, "garbage") {
			t.Errorf("reason %q", ev.Reason)
		}
	})
	t.Run("over the rate", func(t *testing.T) {
		rc := dialRaw(t, r.fo.Addr(), 5, 200)
		frame, _ := wire.AppendMessage(nil, &wire.ReqIDs{NumIDs: 1}, 200)
		var burst []byte
		for range 100 { // over 50 but under four times it: warned, not dropped
			burst = append(burst, frame...)
		}
		rc.write(t, burst)
		ids, warned := 0, false
		rc.waitFor(t, "50 answers and a 100", func(id int, p []byte) bool {
			var e wire.ErrMsg
			switch {
			case id == wire.InNextValidID:
				ids++
			case id == wire.InErrMsg && e.Decode(p, rc.version) == nil && e.Code == 100:
				warned = true
			}
			return warned && ids >= 50
		})
		rc.nc.Close()
		ev := r.ev.waitFor(t, "disconnect of 5", func(e fanout.ClientEvent) bool { return e.ClientID == 5 && e.Action == "disconnected" })
		if ev.Reason != "client closed" {
			t.Errorf("a client over the rate was dropped: %q", ev.Reason)
		}
	})
	t.Run("flood", func(t *testing.T) {
		rc := dialRaw(t, r.fo.Addr(), 3, 200)
		frame, _ := wire.AppendMessage(nil, &wire.ReqIDs{NumIDs: 1}, 200)
		var burst []byte
		for range 1000 {
			burst = append(burst, frame...)
		}
		rc.nc.Write(burst) // may fail once the fan-out has closed
		if err := rc.readUntilClosed(t); err == nil {
			t.Fatal("still open")
		}
		ev := r.ev.waitFor(t, "disconnect of 3", func(e fanout.ClientEvent) bool { return e.ClientID == 3 && e.Action == "disconnected" })
		if !strings.Contains(ev.Reason, "flood") {
			t.Errorf("reason %q", ev.Reason)
		}
	})
	t.Run("stalled", func(t *testing.T) {
		// The good client holds a month of minute bars (2.6 MB, asked upstream
		// once); the stalled one asks for the same series three times and gets
		// it from the fan-out's copy: more than the socket buffers hold, and
		// nothing more for the session to carry.
		req := conn.BarRequest{Contract: aapl(), Duration: "1 M", BarSize: "1 min", WhatToShow: "TRADES", FormatDate: 1, KeepUpToDate: true}
		backfill := make(chan struct{}, 1)
		good.RequestBars(50, req, func(ev conn.BarEvent) {
			if ev.Kind == conn.BarBackfill {
				select {
				case backfill <- struct{}{}:
				default:
				}
			}
		})
		waitTick(t, backfill)
		rc := dialRaw(t, r.fo.Addr(), 4, 200)
		for i := range 3 {
			rc.send(t, &wire.ReqHistoricalData{ReqID: i + 1, Contract: req.Contract, BarSize: req.BarSize, Duration: req.Duration,
				WhatToShow: req.WhatToShow, FormatDate: req.FormatDate, KeepUpToDate: true})
		}
		// never read: the fan-out's write times out and it drops the client
		ev := r.ev.waitFor(t, "disconnect of 4", func(e fanout.ClientEvent) bool { return e.ClientID == 4 && e.Action == "disconnected" })
		if !strings.Contains(ev.Reason, "write") && !strings.Contains(ev.Reason, "slow") {
			t.Errorf("reason %q", ev.Reason)
		}
	})
	if _, err := good.Ping(context.Background()); err != nil {
		t.Fatalf("the good client: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if changes != 0 || r.sess.Stats().State != conn.Ready {
		t.Errorf("robotui's session changed state %d times", changes)
	}
	if st := r.fo.Stats(); st.Dropped != 3 || len(st.Clients) != 1 {
		t.Errorf("fan-out: %+v", st)
	}
}

// A duplicate client id gets 326 and the socket closes, as at a gateway.
func TestDuplicateClientID(t *testing.T) {
	r := startRig(t, ibsim.Config{}, fanout.Config{})
	dial(t, r.fo.Addr(), 8, 178)
	_, err := conn.Dial(context.Background(), conn.Options{Addr: r.fo.Addr(), ClientID: 8, ConnectTimeout: 5 * time.Second})
	if !errors.Is(err, conn.ErrClientIDInUse) {
		t.Fatalf("second client id 8: %v", err)
	}
}

// The upstream session drops: every client stays connected, gets 1100 then
// 1102, and its bars continue without a gap or a repeat.
func TestUpstreamDropClientsStay(t *testing.T) {
	r := startRig(t, ibsim.Config{ServerVersion: 200, Speed: 600}, fanout.Config{})
	req := conn.BarRequest{Contract: aapl(), Duration: "1 D", BarSize: "1 min", WhatToShow: "TRADES", FormatDate: 2, KeepUpToDate: true}
	type cl struct {
		c      *conn.Client
		codes  chan int
		mu     sync.Mutex
		dates  []int64
		update chan struct{}
	}
	var cls []*cl
	for i, v := range []int{193, 200} {
		x := &cl{codes: make(chan int, 16), update: make(chan struct{}, 1)}
		c, err := conn.Dial(context.Background(), conn.Options{Addr: r.fo.Addr(), ClientID: 30 + i, MaxVersion: v,
			OnNotice: func(m wire.ErrMsg) {
				if m.Code == 1100 || m.Code == 1101 || m.Code == 1102 {
					x.codes <- m.Code
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		x.c = c
		if err := c.RequestBars(3, req, func(ev conn.BarEvent) {
			x.mu.Lock()
			defer x.mu.Unlock()
			add := func(b wire.Bar) {
				d := parseEpoch(t, b.Date)
				if n := len(x.dates); n > 0 && x.dates[n-1] == d {
					return // the newest bar revised
				}
				x.dates = append(x.dates, d)
			}
			switch ev.Kind {
			case conn.BarBackfill:
				for _, b := range ev.Bars {
					add(b)
				}
			case conn.BarUpdate:
				add(ev.Bar)
				select {
				case x.update <- struct{}{}:
				default:
				}
			}
		}); err != nil {
			t.Fatal(err)
		}
		cls = append(cls, x)
	}
	for _, x := range cls {
		waitTick(t, x.update)
	}
	// Market data too: a line the session asks for again after the reconnect.
	ticks := make(chan struct{}, 1)
	if err := cls[0].c.RequestMarketData(9, aapl(), func(ev conn.TickEvent) {
		if ev.Code == 0 {
			select {
			case ticks <- struct{}{}:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	waitTick(t, ticks)
	if err := r.sim.Inject(ibsim.Fault{Kind: "drop", Mode: "rst"}); err != nil {
		t.Fatal(err)
	}
	for i, x := range cls {
		for _, want := range []int{1100, 1102} {
			select {
			case got := <-x.codes:
				if got != want {
					t.Fatalf("client %d: code %d, want %d", i, got, want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("client %d: no %d", i, want)
			}
		}
	}
	select { // a tick from before the outage may still be waiting
	case <-ticks:
	default:
	}
	waitTick(t, ticks)
	for _, x := range cls {
		// bars go on after the outage: wait for a few more updates
		for range 5 {
			waitTick(t, x.update)
		}
		if x.c.Err() != nil {
			t.Fatalf("client dropped: %v", x.c.Err())
		}
		x.mu.Lock()
		for j := 1; j < len(x.dates); j++ {
			if d := x.dates[j] - x.dates[j-1]; d != 60 {
				t.Errorf("bars %d → %d: a step of %d s (gap or repeat)", x.dates[j-1], x.dates[j], d)
				break
			}
		}
		x.mu.Unlock()
	}
	if st := r.sim.State(); readyClients(st) != 1 {
		t.Errorf("simulator: %+v", st.Clients)
	}
}

func waitTick(t *testing.T, ch chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no bar update")
	}
}

// The gateway's own outage (1100 … 1102 on a live socket) reaches each
// client once, as the gateway sent it: not twice for the session's state
// change and the notice behind it.
func TestGatewayCodesPassOnce(t *testing.T) {
	r := startRig(t, ibsim.Config{ServerVersion: 200}, fanout.Config{})
	rc := dialRaw(t, r.fo.Addr(), 3, 193)
	if err := r.sim.Inject(ibsim.Fault{Kind: "codes", Codes: []int{1100, 1102}, Gap: ibsim.Duration(100 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	rc.waitErr(t, 1100)
	rc.waitErr(t, 1102)
	// A ping answered means everything sent before it has been read.
	rc.send(t, &wire.ReqCurrentTime{})
	var again []int
	rc.waitFor(t, "CURRENT_TIME", func(id int, p []byte) bool {
		var e wire.ErrMsg
		if id == wire.InErrMsg && e.Decode(p, rc.version) == nil && (e.Code == 1100 || e.Code == 1102) {
			again = append(again, e.Code)
		}
		return id == wire.InCurrentTime
	})
	if len(again) != 0 {
		t.Errorf("codes sent again: %v", again)
	}
}

// One client holding the same line under two of its ids gets both, and
// cancelling one leaves the other.
func TestSameLineTwiceInOneClient(t *testing.T) {
	r := startRig(t, ibsim.Config{ServerVersion: 200}, fanout.Config{})
	c := dial(t, r.fo.Addr(), 4, 200)
	a, b := make(chan struct{}, 1), make(chan struct{}, 1)
	tick := func(ch chan struct{}) func(conn.TickEvent) {
		return func(ev conn.TickEvent) {
			if ev.Code == 0 {
				select {
				case ch <- struct{}{}:
				default:
				}
			}
		}
	}
	c.RequestMarketData(1, aapl(), tick(a))
	c.RequestMarketData(2, aapl(), tick(b))
	waitTick(t, a)
	waitTick(t, b)
	if st := r.fo.Stats(); st.MarketDataLines != 1 {
		t.Errorf("lines %d, want one shared", st.MarketDataLines)
	}
	c.CancelMarketData(1)
	if _, err := c.Ping(context.Background()); err != nil { // the cancel has been read
		t.Fatal(err)
	}
	select { // a tick already on its way
	case <-b:
	default:
	}
	waitTick(t, b)
	if st := r.fo.Stats(); st.MarketDataLines != 1 {
		t.Errorf("lines %d after one cancel", st.MarketDataLines)
	}
}
