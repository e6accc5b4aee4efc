package ibsim

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// startAPIRefused opens a session expected to be refused with code.
func startAPIRefused(t *testing.T, s *Server, id, code int) {
	t.Helper()
	c := dial(t, s.Addr())
	if _, err := c.hello(100, 178); err != nil {
		t.Fatal(err)
	}
	c.send(&wire.StartAPI{ClientID: id})
	m := c.next()
	if !isCode(code)(m) || m.(*wire.ErrMsg).ReqID != -1 {
		t.Fatalf("got %#v, want ERR_MSG -1 %d", m, code)
	}
	c.expectEOF()
}

func TestClientIDInUse(t *testing.T) {
	s := startSim(t, Config{})
	first := connect(t, s, 5)
	startAPIRefused(t, s, 5, 326)
	first.fence() // the first session is untouched
	second := connect(t, s, 6)
	second.fence()
	st := waitFor(t, s, "refused client closed", func(st State) bool { return st.Count(stateClosed) == 1 })
	if st.Count(stateReady) != 2 {
		t.Errorf("state %+v, want 2 ready sessions", st.Clients)
	}
}

func TestMaxClients(t *testing.T) {
	s := startSim(t, Config{MaxClients: 2})
	a, b := connect(t, s, 1), connect(t, s, 2)
	startAPIRefused(t, s, 3, 502)
	a.fence()
	b.fence()
	// A session that ends frees its slot.
	a.conn.Close()
	waitFor(t, s, "one session left", func(st State) bool { return st.Count(stateReady) == 1 })
	connect(t, s, 3).fence()
}

func TestMarketDataLines(t *testing.T) {
	s, _ := manualSim(t, Config{})
	a, b := connect(t, s, 1), connect(t, s, 2)
	syms := DefaultSymbols()
	for i := range 60 {
		a.send(&wire.ReqMktData{ReqID: i, Contract: wire.Stock(syms[i])})
		b.send(&wire.ReqMktData{ReqID: i, Contract: wire.Stock(syms[60+i])})
	}
	errs := typeNames(append(a.fence(), b.fence()...))["err-101"]
	if errs != 20 {
		t.Fatalf("%d errors 101, want 20 (lines are counted across clients, 100 max)", errs)
	}
	a.send(&wire.CancelMktData{ReqID: 0})
	a.fence()
	b.send(&wire.ReqMktData{ReqID: 200, Contract: aapl})
	if n := typeNames(b.fence()); n["err-101"] != 0 || n["TickPrice"] == 0 {
		t.Errorf("after a cancel a line is free again: %v", n)
	}
}

// fakeWall is a settable wall clock for pacing windows.
type fakeWall struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeWall) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeWall) add(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// histResult sends req and returns 0 when bars came back, else the error code.
func histResult(c *tclient, req *wire.ReqHistoricalData) int {
	c.t.Helper()
	c.send(req)
	for _, m := range c.fence() {
		switch m := m.(type) {
		case *wire.HistoricalData:
			return 0
		case *wire.ErrMsg:
			if m.Code == 162 && !strings.Contains(m.Text, "pacing violation") {
				c.t.Fatalf("162 without \"pacing violation\": %q", m.Text)
			}
			return m.Code
		}
	}
	c.t.Fatal("no answer")
	return -1
}

func TestHistoricalPacing(t *testing.T) {
	syms := DefaultSymbols()
	t.Run("identical within 15s", func(t *testing.T) {
		wall := &fakeWall{t: time.Now()}
		s, _ := manualSim(t, Config{wallNow: wall.now})
		c := connect(t, s, 1)
		req := histReq(1, "AAPL", "30 secs", "1 D", false, 2)
		wantCodes(t, c, []*wire.ReqHistoricalData{req, req}, 0, 162)
		wall.add(14 * time.Second)
		wantCodes(t, c, []*wire.ReqHistoricalData{req}, 162)
		wall.add(time.Second)
		wantCodes(t, c, []*wire.ReqHistoricalData{req}, 0)
		// Bars above 30 secs are paced only softly: the same request again is fine.
		big := histReq(2, "AAPL", "1 min", "1 D", false, 2)
		wantCodes(t, c, []*wire.ReqHistoricalData{big, big}, 0, 0)
	})
	t.Run("six for one contract within 2s", func(t *testing.T) {
		wall := &fakeWall{t: time.Now()}
		s, _ := manualSim(t, Config{wallNow: wall.now})
		c := connect(t, s, 1)
		var reqs []*wire.ReqHistoricalData
		for i := range 6 {
			reqs = append(reqs, histReq(i, "AAPL", "5 secs", fmt.Sprintf("%d S", 600*(i+1)), false, 2))
		}
		wantCodes(t, c, reqs, 0, 0, 0, 0, 0, 162)
		other := histReq(9, "MSFT", "5 secs", "600 S", false, 2)
		wantCodes(t, c, []*wire.ReqHistoricalData{other}, 0)
		wall.add(2 * time.Second)
		wantCodes(t, c, []*wire.ReqHistoricalData{histReq(7, "AAPL", "5 secs", "6000 S", false, 2)}, 0)
	})
	t.Run("sixty in ten minutes for small bars", func(t *testing.T) {
		wall := &fakeWall{t: time.Now()}
		s, _ := manualSim(t, Config{wallNow: wall.now})
		c := connect(t, s, 1)
		for i := range 60 {
			wantCodes(t, c, []*wire.ReqHistoricalData{histReq(i, syms[i], "30 secs", "1800 S", false, 2)}, 0)
			wall.add(9 * time.Second)
		}
		wantCodes(t, c, []*wire.ReqHistoricalData{histReq(60, syms[60], "30 secs", "1800 S", false, 2)}, 162)
		// Larger bars are not held to the 60-per-10-minutes rule.
		wantCodes(t, c, []*wire.ReqHistoricalData{histReq(61, syms[61], "1 min", "1800 S", false, 2)}, 0)
		wall.add(10 * time.Minute)
		wantCodes(t, c, []*wire.ReqHistoricalData{histReq(62, syms[62], "30 secs", "1800 S", false, 2)}, 0)
	})
	t.Run("fifty open at once", func(t *testing.T) {
		s, _ := manualSim(t, Config{})
		if err := s.Inject(Fault{Kind: FaultLatency, MS: 1000}); err != nil {
			t.Fatal(err)
		}
		c := connect(t, s, 1)
		var batch []byte
		for i := range 51 {
			batch, _ = wire.AppendMessage(batch, histReq(i, syms[i], "5 mins", "1800 S", false, 2), c.v)
		}
		c.writeRaw(batch)
		got := c.until(func(m wire.Message) bool { return isCode(162)(m) })
		if n := typeNames(got)["HistoricalData"]; n != 50 || got[len(got)-1].(*wire.ErrMsg).ReqID != 50 {
			t.Errorf("%d answers before the 162 for request %v, want 50 and request 50", n, got[len(got)-1])
		}
	})
}

func wantCodes(t *testing.T, c *tclient, reqs []*wire.ReqHistoricalData, codes ...int) {
	t.Helper()
	for i, r := range reqs {
		if got := histResult(c, r); got != codes[i] {
			t.Fatalf("request %d (%s %s %s): got %d, want %d", r.ReqID, r.Contract.Symbol, r.BarSize, r.Duration, got, codes[i])
		}
	}
}
