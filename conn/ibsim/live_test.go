package ibsim

import (
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// TestBackfillEqualsLiveUpdates follows a keepUpToDate subscription as the
// sim clock moves (bar boundaries crossed one at a time and several at
// once), keeps the last update of each bar, and checks that a backfill of
// the period gives exactly those bars, and so does Market.Bars.
func TestBackfillEqualsLiveUpdates(t *testing.T) {
	s, clk := manualSim(t, Config{Seed: 42})
	clk.Advance(2*time.Minute + 10*time.Second) // start mid-bar
	c := connect(t, s, 1)
	c.send(histReq(1, "AAPL", "5 mins", "3600 S", true, 2))
	first := c.until(isType[*wire.HistoricalData])
	backfill := first[len(first)-1].(*wire.HistoricalData)
	if n := len(backfill.Bars); n != 12 {
		t.Fatalf("initial backfill has %d bars, want 11 complete (the first starts after now-1h) and the partial one", n)
	}

	last := map[string]wire.Bar{} // each bar's newest version
	var order []string
	record := func(msgs []wire.Message) {
		for _, m := range msgs {
			u, ok := m.(*wire.HistoricalDataUpdate)
			if !ok || u.ReqID != 1 {
				continue
			}
			if _, seen := last[u.Bar.Date]; !seen {
				order = append(order, u.Bar.Date)
			}
			last[u.Bar.Date] = u.Bar
		}
	}
	for _, step := range []time.Duration{37 * time.Second, 37 * time.Second, 2 * time.Minute, 3 * time.Minute, 16 * time.Minute, 4*time.Minute + 59*time.Second, time.Second, 7 * time.Minute} {
		clk.Advance(step)
		record(c.fence())
	}
	if len(order) < 8 {
		t.Fatalf("live updates covered %d bars, want at least 8", len(order))
	}
	// Updates go oldest first and revise one bar at a time: dates never go back.
	for i := 1; i < len(order); i++ {
		if order[i] <= order[i-1] {
			t.Fatalf("update dates out of order: %v", order)
		}
	}

	c.send(histReq(2, "AAPL", "5 mins", "7200 S", false, 2))
	got := c.until(isType[*wire.HistoricalData])
	bf := got[len(got)-1].(*wire.HistoricalData)
	byDate := map[string]wire.Bar{}
	for _, b := range bf.Bars {
		byDate[b.Date] = b
	}
	closed := order[:len(order)-1] // the newest bar is still open
	for _, d := range closed {
		if b, ok := byDate[d]; !ok || b != last[d] {
			t.Errorf("bar %s: live %+v, backfill %+v", d, last[d], b)
		}
	}
	newest := order[len(order)-1]
	if b := byDate[newest]; b != last[newest] {
		t.Errorf("open bar %s: live %+v, backfill %+v (same instant, same partial bar)", newest, last[newest], b)
	}

	start, _ := strconv.ParseInt(closed[0], 10, 64)
	end, _ := strconv.ParseInt(newest, 10, 64)
	want := s.Market().Bars("AAPL", 5*time.Minute, time.Unix(start, 0), time.Unix(end, 0))
	var live []wire.Bar
	for _, d := range closed {
		live = append(live, last[d])
	}
	if !reflect.DeepEqual(live, want) {
		t.Errorf("Market.Bars disagrees with the live bars:\n%v\n%v", want, live)
	}
}

func TestSameSeedSameBars(t *testing.T) {
	backfill := func(seed int64) []wire.Bar {
		s, _ := manualSim(t, Config{Seed: seed})
		c := connect(t, s, 1)
		c.send(histReq(1, "QQQ", "1 min", "2 D", false, 2))
		got := c.until(isType[*wire.HistoricalData])
		return got[len(got)-1].(*wire.HistoricalData).Bars
	}
	a, b, other := backfill(9), backfill(9), backfill(10)
	if len(a) != 2*24*60+1 || !reflect.DeepEqual(a, b) {
		t.Fatalf("two simulators with seed 9 disagree (%d and %d bars)", len(a), len(b))
	}
	if reflect.DeepEqual(a, other) {
		t.Fatal("seeds 9 and 10 gave the same bars")
	}
}

func TestLiveStreams(t *testing.T) {
	s, clk := manualSim(t, Config{})
	c := connect(t, s, 1)
	c.send(&wire.ReqMktData{ReqID: 1, Contract: aapl})
	c.send(&wire.ReqRealTimeBars{ReqID: 2, Contract: aapl, BarSize: 5, WhatToShow: "TRADES"})
	initial := c.fence()
	if n := typeNames(initial); n["TickPrice"] != 6 || n["TickSize"] != 4 {
		t.Fatalf("initial ticks %v, want 6 prices and 4 sizes", n)
	}
	clk.Advance(31 * time.Second)
	got := c.fence()
	var rt []int64
	for _, m := range got {
		if b, ok := m.(*wire.RealTimeBar); ok {
			rt = append(rt, b.Time)
			want := s.Market().Bar("AAPL", 5*time.Second, time.Unix(b.Time, 0), time.Unix(b.Time+5, 0))
			if b.Open != want.Open || b.Close != want.Close || b.Volume != want.Volume {
				t.Errorf("real-time bar %+v, market %+v", b, want)
			}
		}
	}
	if len(rt) != 6 || rt[0] != t0.Unix() || rt[5] != t0.Unix()+25 {
		t.Errorf("real-time bar times %v, want 6 bars from %d", rt, t0.Unix())
	}
	if typeNames(got)["TickPrice"] == 0 {
		t.Error("no tick after the clock moved")
	}
	waitFor(t, s, "2 subscriptions", func(st State) bool { cs, _ := st.Client(c.local()); return cs.Subscriptions == 2 })
	c.send(&wire.CancelMktData{ReqID: 1})
	c.send(&wire.CancelRealTimeBars{ReqID: 2})
	c.fence()
	clk.Advance(time.Minute)
	if rest := c.fence(); len(rest) != 0 {
		t.Errorf("%d messages after cancelling everything", len(rest))
	}
}

func TestRequestErrors(t *testing.T) {
	tests := []struct {
		name string
		req  wire.Message
		code int
	}{
		{"unknown symbol", histReq(1, "NOSUCH", "5 mins", "1 D", false, 1), 200},
		{"not a known non-stock", &wire.ReqHistoricalData{ReqID: 1, Contract: wire.Contract{Symbol: "GBP", SecType: "CASH", Currency: "USD"}, BarSize: "5 mins", Duration: "1 D", WhatToShow: "MIDPOINT", FormatDate: 1}, 200},
		{"unknown symbol, market data", &wire.ReqMktData{ReqID: 1, Contract: wire.Stock("NOSUCH")}, 200},
		{"unknown symbol, real-time bars", &wire.ReqRealTimeBars{ReqID: 1, Contract: wire.Stock("NOSUCH"), BarSize: 5}, 200},
		{"bad bar size", histReq(1, "AAPL", "7 mins", "1 D", false, 1), 321},
		{"bad duration", histReq(1, "AAPL", "5 mins", "1 Q", false, 1), 321},
		{"bad whatToShow", &wire.ReqHistoricalData{ReqID: 1, Contract: aapl, BarSize: "5 mins", Duration: "1 D", WhatToShow: "NOPE", FormatDate: 1}, 321},
		{"end date with keepUpToDate", &wire.ReqHistoricalData{ReqID: 1, Contract: aapl, EndDateTime: "20240301 10:00:00", BarSize: "5 mins", Duration: "1 D", WhatToShow: "TRADES", KeepUpToDate: true}, 321},
		{"1 secs with keepUpToDate", histReq(1, "AAPL", "1 secs", "60 S", true, 1), 321},
		{"bad end date", &wire.ReqHistoricalData{ReqID: 1, Contract: aapl, EndDateTime: "yesterday", BarSize: "5 mins", Duration: "1 D", WhatToShow: "TRADES"}, 321},
		{"too many bars", histReq(1, "AAPL", "1 secs", "2 D", false, 1), 162},
		{"real-time bars of 10 s", &wire.ReqRealTimeBars{ReqID: 1, Contract: aapl, BarSize: 10}, 321},
	}
	s, _ := manualSim(t, Config{})
	c := connect(t, s, 1)
	for _, tt := range tests {
		c.send(tt.req)
		got := c.fence()
		if len(got) != 1 || !isCode(tt.code)(got[0]) || got[0].(*wire.ErrMsg).ReqID != 1 {
			t.Errorf("%s: got %v, want one error %d for request 1", tt.name, got, tt.code)
		}
	}
	// A past end date gives complete bars only, ending there.
	c.send(&wire.ReqHistoricalData{ReqID: 2, Contract: aapl, EndDateTime: "20240301 10:00:00 US/Eastern", BarSize: "1 hour", Duration: "1 D", WhatToShow: "TRADES", FormatDate: 1})
	got := c.until(isType[*wire.HistoricalData])
	hd := got[len(got)-1].(*wire.HistoricalData)
	if len(hd.Bars) != 24 || hd.Bars[23].Date != "20240301 09:00:00 US/Eastern" {
		t.Errorf("past end date: %d bars ending %q, want 24 ending 20240301 09:00:00 US/Eastern", len(hd.Bars), hd.Bars[len(hd.Bars)-1].Date)
	}
	// A duplicate live request id is refused; the first keeps streaming.
	c.send(histReq(3, "AAPL", "5 mins", "1 D", true, 2))
	c.send(histReq(3, "MSFT", "5 mins", "1 D", true, 2))
	got = c.fence()
	if n := typeNames(got); n["HistoricalData"] != 1 || n["err-322"] != 1 {
		t.Errorf("duplicate request id: %v", n)
	}
}
