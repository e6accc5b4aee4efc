package ibsim

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// updateIDs advances the clock a minute and returns the request ids of the
// live bar updates that came.
func updateIDs(c *tclient, clk *ManualClock) map[int]int {
	clk.Advance(time.Minute)
	ids := map[int]int{}
	for _, m := range c.fence() {
		if u, ok := m.(*wire.HistoricalDataUpdate); ok {
			ids[u.ReqID]++
		}
	}
	return ids
}

func errFor(msgs []wire.Message, code int) map[int]bool {
	out := map[int]bool{}
	for _, m := range msgs {
		if e, ok := m.(*wire.ErrMsg); ok && e.Code == code {
			out[e.ReqID] = true
		}
	}
	return out
}

func TestFaultFarmFlap(t *testing.T) {
	s, clk := manualSim(t, Config{})
	c := connect(t, s, 1)
	c.send(histReq(1, "AAPL", "5 mins", "1800 S", true, 2))
	c.until(isType[*wire.HistoricalData])
	if n := updateIDs(c, clk)[1]; n == 0 {
		t.Fatal("no live updates before the flap")
	}
	inject(t, s, Fault{Kind: FaultFarmFlap, Farm: "usfarm", For: Duration(50 * time.Millisecond)})
	broken := c.until(isCode(2103))
	if e := broken[len(broken)-1].(*wire.ErrMsg); e.ReqID != -1 || e.Text != "Market data farm connection is broken:usfarm" {
		t.Errorf("2103: %+v", e)
	}
	if ids := updateIDs(c, clk); len(ids) != 0 {
		t.Errorf("updates %v while usfarm is broken", ids)
	}
	back := c.until(isCode(2104))
	if e := back[len(back)-1].(*wire.ErrMsg); e.Text != "Market data farm connection is OK:usfarm" {
		t.Errorf("2104: %+v", e)
	}
	waitFor(t, s, "the flap to end", noFaults)
	if ids := updateIDs(c, clk); len(ids) != 0 {
		t.Errorf("updates %v after 2104: like a real gateway, a stopped request stays silent until asked again", ids)
	}
	c.send(histReq(2, "AAPL", "5 mins", "1800 S", true, 2))
	c.until(isType[*wire.HistoricalData])
	if ids := updateIDs(c, clk); ids[2] == 0 || ids[1] != 0 {
		t.Errorf("updates %v, want request 2 only (asked again)", ids)
	}

	// A login during a flap hears the broken farm; clearing the faults says it is back.
	inject(t, s, Fault{Kind: FaultFarmFlap, Farm: "ushmds"})
	c.until(isCode(2105))
	late := dial(t, s.Addr())
	if _, err := late.hello(100, 178); err != nil {
		t.Fatal(err)
	}
	late.send(&wire.StartAPI{ClientID: 2})
	login := late.until(isCode(2107))
	if codes := errFor(login, 2105); !codes[-1] {
		t.Errorf("login during an ushmds flap: no 2105 among %v", typeNames(login))
	}
	if codes := errFor(login, 2106); len(codes) != 0 {
		t.Errorf("login during an ushmds flap reported it OK")
	}
	s.ClearFaults()
	c.until(isCode(2106))
	late.until(isCode(2106))
	if err := s.Inject(Fault{Kind: FaultFarmFlap, Farm: "nosuchfarm"}); !errors.Is(err, ErrBadFault) {
		t.Errorf("unknown farm: %v, want ErrBadFault", err)
	}
}

func TestLoginFarmChatter(t *testing.T) {
	s := startSim(t, Config{})
	c := dial(t, s.Addr())
	if _, err := c.hello(100, 178); err != nil {
		t.Fatal(err)
	}
	c.send(&wire.StartAPI{ClientID: 1})
	var got []string
	for _, m := range c.until(isCode(2107)) {
		if e, ok := m.(*wire.ErrMsg); ok {
			got = append(got, strconv.Itoa(e.Code)+" "+e.Text)
		}
	}
	want := []string{
		"2104 Market data farm connection is OK:usfarm",
		"2106 HMDS data farm connection is OK:ushmds",
		"2158 Sec-def data farm connection is OK:secdefil",
		"2119 Market data farm is connecting:usfuture",
		"2104 Market data farm connection is OK:usfuture",
		"2108 Market data farm connection is inactive but should be available upon demand.eufarm",
		"2107 HMDS data farm connection is inactive but should be available upon demand.cashhmds",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("login notices:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFaultSilence(t *testing.T) {
	s, clk := manualSim(t, Config{})
	c := connect(t, s, 1)
	c.send(histReq(1, "AAPL", "5 mins", "1800 S", true, 2))
	c.send(histReq(2, "MSFT", "5 mins", "1800 S", true, 2))
	c.until(isType[*wire.HistoricalData])
	c.until(isType[*wire.HistoricalData])
	inject(t, s, Fault{Kind: FaultSilence, Symbols: []string{"aapl"}})
	msgs := c.fence()
	if len(msgs) != 0 {
		t.Errorf("a silence said something: %v", typeNames(msgs))
	}
	if ids := updateIDs(c, clk); ids[1] != 0 || ids[2] == 0 {
		t.Errorf("updates %v under a silence of AAPL, want MSFT's (2) only", ids)
	}
	s.ClearFaults()
	if ids := updateIDs(c, clk); ids[1] == 0 || ids[2] == 0 {
		t.Errorf("updates %v after the silence, want both", ids)
	}
	for _, f := range []Fault{{Kind: FaultSilence}, {Kind: FaultSilence, Symbols: []string{"NOSUCH"}}} {
		if err := s.Inject(f); !errors.Is(err, ErrBadFault) {
			t.Errorf("Inject(%+v) = %v, want ErrBadFault", f, err)
		}
	}
}

func TestFaultReset(t *testing.T) {
	s, clk := manualSim(t, Config{})
	c := connect(t, s, 1)
	c.send(histReq(1, "AAPL", "5 mins", "1800 S", true, 2))
	c.send(histReq(2, "MSFT", "5 mins", "1800 S", true, 2))
	c.until(isType[*wire.HistoricalData])
	c.until(isType[*wire.HistoricalData])
	start := time.Now()
	inject(t, s, Fault{Kind: FaultReset, Gap: Duration(100 * time.Millisecond)})
	msgs := c.until(isCode(1102))
	if gap := time.Since(start); gap < 100*time.Millisecond {
		t.Errorf("1102 after %v, want the 100ms gap", gap)
	}
	if first, ok := msgs[0].(*wire.ErrMsg); !ok || first.Code != 1100 {
		t.Errorf("the reset began with %v, want 1100", msgs[0])
	}
	if ids := errFor(msgs, 10182); !ids[1] || !ids[2] || len(ids) != 2 {
		t.Errorf("10182 for %v, want every keepUpToDate request (1, 2)", ids)
	}
	waitFor(t, s, "the reset's end", noFaults)
	if ids := updateIDs(c, clk); len(ids) != 0 {
		t.Errorf("updates %v after the reset: the requests ended with 10182", ids)
	}
	if err := s.Inject(Fault{Kind: FaultReset, Gap: Duration(2 * time.Hour)}); !errors.Is(err, ErrBadFault) {
		t.Errorf("a 2h gap: %v, want ErrBadFault", err)
	}
}

func TestFaultCompetingSession(t *testing.T) {
	s, clk := manualSim(t, Config{})
	c := connect(t, s, 1)
	c.send(histReq(1, "AAPL", "5 mins", "1800 S", true, 2))
	c.until(isType[*wire.HistoricalData])
	c.send(&wire.ReqMktData{ReqID: 2, Contract: aapl})
	c.fence()
	inject(t, s, Fault{Kind: FaultCompeting})
	msgs := c.fence()
	if ids := errFor(msgs, 10197); !ids[1] || !ids[2] {
		t.Errorf("10197 for %v, want every data request (1, 2)", ids)
	}
	c.send(histReq(3, "MSFT", "5 mins", "1800 S", true, 2))
	if ids := errFor(c.fence(), 10197); !ids[3] {
		t.Error("no 10197 for a new request during the competing session")
	}
	if ids := updateIDs(c, clk); len(ids) != 0 {
		t.Errorf("updates %v during a competing session", ids)
	}
	s.ClearFaults()
	c.send(histReq(4, "MSFT", "5 mins", "1800 S", true, 2))
	c.until(isType[*wire.HistoricalData])
	if ids := updateIDs(c, clk); ids[4] == 0 {
		t.Errorf("updates %v after the competing session, want request 4's", ids)
	}
}

// TestRegularHours: a useRTH request gets the regular session's bars only,
// 78 five-minute bars a day, and no live bar outside it.
func TestRegularHours(t *testing.T) {
	s, clk := manualSim(t, Config{})
	c := connect(t, s, 1)
	friday := "20240301 16:00:00 US/Eastern"
	for i, tt := range []struct {
		dur  string
		rth  bool
		want int
	}{{"1 D", true, 78}, {"2 D", true, 156}, {"1 W", true, 390}, {"1 D", false, 288}} {
		req := histReq(10+i, "AAPL", "5 mins", tt.dur, false, 2)
		req.UseRTH, req.EndDateTime = tt.rth, friday
		c.send(req)
		hd := c.until(isType[*wire.HistoricalData])
		bars := hd[len(hd)-1].(*wire.HistoricalData).Bars
		if len(bars) != tt.want {
			t.Errorf("%s rth=%v: %d bars, want %d", tt.dur, tt.rth, len(bars), tt.want)
			continue
		}
		for _, b := range bars {
			if st := parseInt(t, b.Date); tt.rth && !inRTH(st, 300) {
				t.Errorf("%s: a bar at %s outside regular hours", tt.dur, time.Unix(st, 0).In(newYork))
			}
		}
	}
	// Live: t0 is 14:30 in New York; past the close only the session's bars come.
	req := histReq(1, "AAPL", "5 mins", "1 D", true, 2)
	req.UseRTH = true
	c.send(req)
	c.until(isType[*wire.HistoricalData])
	clk.Advance(2 * time.Hour)
	var last int64
	for _, m := range c.fence() {
		if u, ok := m.(*wire.HistoricalDataUpdate); ok {
			last = parseInt(t, u.Bar.Date)
		}
	}
	if got := time.Unix(last, 0).In(newYork).Format("15:04"); got != "15:55" {
		t.Errorf("the last live bar at %s, want the session's last, 15:55", got)
	}
	if ids := updateIDs(c, clk); len(ids) != 0 {
		t.Errorf("updates %v after the close", ids)
	}
}

func TestLoginZoneAndDateStyle(t *testing.T) {
	s, _ := manualSim(t, Config{})
	c := dial(t, s.Addr())
	if sh, err := c.hello(100, 178); err != nil || sh.Time != "20240304 14:30:00 EST" {
		t.Errorf("default hello time %q, %v; want New York's", sh.Time, err)
	}
	s, _ = manualSim(t, Config{LoginZone: "Europe/London=Greenwich Mean Time", DateStyle: DateSpaced})
	c = dial(t, s.Addr())
	if sh, err := c.hello(100, 178); err != nil || sh.Time != "20240304 19:30:00 Greenwich Mean Time" {
		t.Errorf("hello time %q, %v; want London's, labelled", sh.Time, err)
	}
	c.send(&wire.StartAPI{ClientID: 1})
	c.until(isCode(2107))
	c.send(histReq(1, "AAPL", "5 mins", "1800 S", false, 1))
	hd := c.until(isType[*wire.HistoricalData])
	if d := hd[len(hd)-1].(*wire.HistoricalData).Bars[0].Date; d != "20240304  19:00:00" {
		t.Errorf("spaced date %q, want \"20240304  19:00:00\" (two spaces, London)", d)
	}
	for _, cfg := range []Config{{LoginZone: "Nowhere/Else"}, {DateStyle: "fancy"}, {LoginZone: "UTC=a\x00b"}} {
		if _, err := Start(cfg); err == nil {
			t.Errorf("Start(%+v) accepted", cfg)
		}
	}
}

func parseInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("%q is not epoch seconds", s)
		}
		n = n*10 + int64(c-'0')
	}
	return n
}
