package conn

import (
	"testing"
	"time"

	"github.com/robotui/robotui/conn/ibsim"
)

func TestParseFarm(t *testing.T) {
	tests := []struct {
		code  int
		text  string
		name  string
		kind  FarmKind
		state FarmState
	}{
		{2103, "Market data farm connection is broken:usfarm", "usfarm", FarmMarketData, FarmBroken},
		{2104, "Market data farm connection is OK:usfarm.nj", "usfarm.nj", FarmMarketData, FarmOK},
		{2104, "Market data farm connection is OK:cashfarm", "cashfarm", FarmMarketData, FarmOK},
		{2105, "HMDS data farm connection is broken:ushmds", "ushmds", FarmHMDS, FarmBroken},
		{2106, "HMDS data farm connection is OK:ushmds", "ushmds", FarmHMDS, FarmOK},
		{2107, "HMDS data farm connection is inactive but should be available upon demand.cashhmds", "cashhmds", FarmHMDS, FarmInactive},
		{2108, "Market data farm connection is inactive but should be available upon demand.usfarm.nj", "usfarm.nj", FarmMarketData, FarmInactive},
		{2119, "Market data farm is connecting:usfuture", "usfuture", FarmMarketData, FarmConnecting},
		{2157, "Sec-def data farm connection is broken:secdefil", "secdefil", FarmSecDef, FarmBroken},
		{2158, "Sec-def data farm connection is OK:secdefil", "secdefil", FarmSecDef, FarmOK},
		{2110, "Connectivity between Trader Workstation and server is broken. It will be restored automatically.", "tws", FarmTWS, FarmBroken},
		{2104, "Market data farm connection is OK:", "md", FarmMarketData, FarmOK}, // a farm the gateway left unnamed
	}
	for _, tt := range tests {
		name, kind, state, ok := ParseFarm(tt.code, tt.text)
		if !ok || name != tt.name || kind != tt.kind || state != tt.state {
			t.Errorf("ParseFarm(%d, %q) = %q %s %s %v; want %q %s %s", tt.code, tt.text, name, kind, state, ok, tt.name, tt.kind, tt.state)
		}
	}
	for _, code := range []int{1100, 2100, 2174, 10167} {
		if _, _, _, ok := ParseFarm(code, "x:y"); ok {
			t.Errorf("ParseFarm(%d) is a farm", code)
		}
	}
}

func farmIs(name string, state FarmState) func(Event) bool {
	return func(ev Event) bool {
		f, ok := ev.(FarmChange)
		return ok && f.Farm.Name == name && f.Farm.State == state
	}
}

func barsOf(kind BarEventKind, reason string) func(BarEvent) bool {
	return func(ev BarEvent) bool { return ev.Kind == kind && (reason == "" || ev.Reason == reason) }
}

// TestFarmBackRenewsOnTheSameSocket: a market data farm that breaks and
// comes back has its live requests asked again, recovering until their
// first update, and the socket is never touched.
func TestFarmBackRenewsOnTheSameSocket(t *testing.T) {
	sim, s, rec, bars := readyWithBars(t, ibsim.Config{}, func(c *Config) { c.RetryDelay = 50 * time.Millisecond })
	sub := s.activeSubs()[0]
	local := s.Stats().LocalAddr
	bars.waitCount(t, BarUpdate, 1, 5*time.Second)
	_, from := rec.waitFor(t, 0, 5*time.Second, "usfarm OK at login", farmIs("usfarm", FarmOK))
	backfills := bars.count(BarBackfill) // the renewal's backfill may come before its event is seen
	if err := sim.Inject(ibsim.Fault{Kind: ibsim.FaultFarmFlap, Farm: "usfarm", For: ibsim.Duration(100 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	_, from = rec.waitFor(t, from, 5*time.Second, "usfarm broken", farmIs("usfarm", FarmBroken))
	rec.waitFor(t, from, 5*time.Second, "usfarm back", farmIs("usfarm", FarmOK))
	bars.waitFor(t, 5*time.Second, "the renewal", barsOf(BarResubscribed, "2104"))
	if st, _ := sub.Status(); st != SubRecovering && st != SubLive {
		t.Errorf("status %s after the renewal, want recovering until the first update", st)
	}
	bars.waitCount(t, BarBackfill, backfills+1, 5*time.Second)
	bars.waitFor(t, 5*time.Second, "an update after the renewal", func(BarEvent) bool {
		st, _ := sub.Status()
		return st == SubLive
	})
	if got := s.Stats(); got.LocalAddr != local || got.Reconnects != 0 || got.State != Ready {
		t.Errorf("after the flap: local %s (was %s), %d reconnects, %s; want the same socket, ready", got.LocalAddr, local, got.Reconnects, got.State)
	}
	farms := map[string]FarmState{}
	for _, f := range s.Stats().Farms {
		farms[f.Name] = f.State
	}
	if farms["usfarm"] != FarmOK || farms["eufarm"] != FarmInactive || farms["secdefil"] != FarmOK {
		t.Errorf("farms %v", farms)
	}
}

// TestCompetingSessionDegrades: 10197 makes the session degraded
// (competing_session) without touching the socket; the refused requests are
// retried, and the first answered one makes it ready again.
func TestCompetingSessionDegrades(t *testing.T) {
	sim, s, rec, bars := readyWithBars(t, ibsim.Config{}, func(c *Config) { c.RetryDelay = 50 * time.Millisecond })
	local := s.Stats().LocalAddr
	from := rec.len()
	if err := sim.Inject(ibsim.Fault{Kind: ibsim.FaultCompeting, For: ibsim.Duration(300 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	ev, from := rec.waitFor(t, from, 5*time.Second, "degraded", isState(Degraded))
	if c := ev.(StateChange).Cause; c != CauseCompetingSession {
		t.Errorf("degraded for %s, want competing_session", c)
	}
	ev, _ = rec.waitFor(t, from, 5*time.Second, "ready again", isState(Ready))
	if c := ev.(StateChange).Cause; c != CauseDataRestored {
		t.Errorf("ready again for %s, want data_restored", c)
	}
	n := bars.count(BarUpdate)
	bars.waitCount(t, BarUpdate, n+1, 5*time.Second)
	if got := s.Stats(); got.LocalAddr != local || got.Reconnects != 0 {
		t.Errorf("local %s (was %s), %d reconnects; want the same socket", got.LocalAddr, local, got.Reconnects)
	}
}

// TestWarningsReachTheSubscriber: a warning about a request (10167 delayed
// data, 2174) is delivered as BarWarning and does not end the request.
func TestWarningsReachTheSubscriber(t *testing.T) {
	s := NewSession(Config{Addr: "127.0.0.1:1"})
	bars := newBarCollector()
	sub := &Subscription{s: s, id: 1, req: aaplBars(), handler: bars.handle, status: SubLive}
	deliver := s.deliver(sub, 7)
	deliver(BarEvent{Kind: BarError, ReqID: 7, Code: 10167, Text: "Displaying delayed market data."})
	deliver(BarEvent{Kind: BarError, ReqID: 7, Code: 2174, Text: "Warning: time zone"})
	if n := bars.count(BarWarning); n != 2 {
		t.Errorf("%d warnings delivered, want 2", n)
	}
	if items := s.in.take(); len(items) != 0 {
		t.Errorf("a warning ended the request: %v", items)
	}
	deliver(BarEvent{Kind: BarError, ReqID: 7, Code: 162, Text: "query cancelled"})
	if items := s.in.take(); len(items) != 1 {
		t.Errorf("an error did not end the request: %v", items)
	}
	// Not subscribed to the data: a request never answered is refused, not retried every 15 s.
	for _, code := range []int{354, 10089} {
		if !isRefusal(code, "Requested market data is not subscribed.") {
			t.Errorf("%d is not a refusal", code)
		}
	}
	if isRefusal(10182, "Failed to request live updates (disconnected).") {
		t.Error("10182 (a nightly reset) is a refusal: it must be retried")
	}
}
