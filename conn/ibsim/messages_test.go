package ibsim

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

var aapl = wire.Stock("AAPL")

func histReq(id int, sym, size, dur string, keep bool, format int) *wire.ReqHistoricalData {
	return &wire.ReqHistoricalData{ReqID: id, Contract: wire.Stock(sym), BarSize: size, Duration: dur,
		WhatToShow: "TRADES", FormatDate: format, KeepUpToDate: keep}
}

// fence sends REQ_CURRENT_TIME and returns everything up to its answer:
// replies are written in order, so all that was queued before is in.
func (c *tclient) fence() []wire.Message {
	c.t.Helper()
	c.send(&wire.ReqCurrentTime{})
	got := c.until(isType[*wire.CurrentTime])
	return got[:len(got)-1]
}

func typeNames(msgs []wire.Message) map[string]int {
	out := map[string]int{}
	for _, m := range msgs {
		name := fmt.Sprintf("%T", m)
		if u, ok := m.(*wire.Unknown); ok {
			name = fmt.Sprintf("unknown-%d", u.ID)
		}
		if e, ok := m.(*wire.ErrMsg); ok {
			name = fmt.Sprintf("err-%d", e.Code)
		}
		out[strings.TrimPrefix(name, "*wire.")]++
	}
	return out
}

// TestEveryMessageDecodesAtEveryVersion drives every request the simulator
// answers and checks (in tclient.read) that each message it sends decodes
// at the negotiated version and re-encodes to the same bytes.
func TestEveryMessageDecodesAtEveryVersion(t *testing.T) {
	for _, v := range versions {
		t.Run("v"+itoa(v), func(t *testing.T) {
			s, clk := manualSim(t, Config{ServerVersion: v})
			c := dial(t, s.Addr())
			if _, err := c.hello(100, v); err != nil {
				t.Fatal(err)
			}
			c.send(&wire.StartAPI{ClientID: 1})
			got := c.until(isCode(2158))
			c.send(&wire.ReqIDs{NumIDs: 1})
			c.send(&wire.ReqManagedAccts{})
			c.send(&wire.ReqPositions{})
			c.send(&wire.ReqAccountSummary{ReqID: 3, Group: "All", Tags: "NetLiquidation,AccountType,BuyingPower,NoSuchTag"})
			c.send(histReq(4, "AAPL", "5 mins", "1 D", v >= wire.VersionSyntRealtimeBars, 1))
			c.send(histReq(5, "MSFT", "1 day", "1 M", false, 2))
			c.send(histReq(6, "NOSUCH", "5 mins", "1 D", false, 1))
			c.send(histReq(7, "AAPL", "7 mins", "1 D", false, 1))
			c.send(&wire.ReqMktData{ReqID: 8, Contract: aapl})
			c.send(&wire.ReqMktData{ReqID: 9, Contract: wire.Stock("SPY"), Snapshot: true})
			c.send(&wire.ReqRealTimeBars{ReqID: 10, Contract: aapl, BarSize: 5, WhatToShow: "TRADES"})
			if v >= wire.VersionCurrentTimeInMillis {
				c.send(&wire.ReqCurrentTimeInMillis{})
			}
			got = append(got, c.fence()...)
			clk.Advance(6 * time.Minute)
			got = append(got, c.fence()...)

			seen := typeNames(got)
			want := []string{"ManagedAccts", "NextValidID", "err-2104", "err-2106", "err-2158",
				"PositionData", "PositionEnd", "AccountSummary", "AccountSummaryEnd", "HistoricalData",
				"err-200", "err-321", "TickPrice", "TickSize", "unknown-57", "RealTimeBar"}
			if v >= wire.VersionSyntRealtimeBars {
				want = append(want, "HistoricalDataUpdate")
			}
			if v >= wire.VersionHistoricalDataEnd {
				want = append(want, "HistoricalDataEnd")
			}
			if v >= wire.VersionCurrentTimeInMillis {
				want = append(want, "CurrentTimeInMillis")
			}
			for _, w := range want {
				if seen[w] == 0 {
					t.Errorf("no %s among %v", w, sortedKeys(seen))
				}
			}
			if n := seen["AccountSummary"]; n != 3 {
				t.Errorf("%d ACCOUNT_SUMMARY rows, want 3 (unknown tags skipped)", n)
			}
			if v < wire.VersionHistoricalDataEnd && seen["HistoricalDataEnd"] > 0 {
				t.Errorf("HISTORICAL_DATA_END sent at v%d", v)
			}
			checkHistoricalAnswer(t, got, v)
		})
	}
}

// checkHistoricalAnswer looks at request 4 (1 D of 5 mins, formatDate 1) and
// request 5 (1 M of days, formatDate 2).
func checkHistoricalAnswer(t *testing.T, msgs []wire.Message, v int) {
	t.Helper()
	for _, m := range msgs {
		hd, ok := m.(*wire.HistoricalData)
		if !ok {
			continue
		}
		switch hd.ReqID {
		case 4:
			if len(hd.Bars) != 289 {
				t.Errorf("1 D of 5 mins: %d bars, want 288 complete + 1 partial", len(hd.Bars))
			}
			if d := hd.Bars[0].Date; len(d) != len("20240303 14:30:00 US/Eastern") || d[17:] != " US/Eastern" {
				t.Errorf("formatDate 1 date %q", d)
			}
			if (v < wire.VersionHistoricalDataEnd) != (hd.Start != "") {
				t.Errorf("v%d: start %q", v, hd.Start)
			}
		case 5:
			if len(hd.Bars) != 30 { // the first day starts after now-30d
				t.Errorf("1 M of days: %d bars, want 29 complete + 1 partial", len(hd.Bars))
			}
			if d := hd.Bars[0].Date; len(d) != len("20240204") {
				t.Errorf("daily bar date %q with formatDate 2, want yyyymmdd as real gateways send", d)
			}
		}
	}
}

func sortedKeys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestSimpleRequests(t *testing.T) {
	s, _ := manualSim(t, Config{})
	c := connect(t, s, 1)
	c.send(&wire.ReqCurrentTime{})
	if m := c.next().(*wire.CurrentTime); m.Time != t0.Unix() {
		t.Errorf("current time %d, want the sim clock %d", m.Time, t0.Unix())
	}
	c.send(&wire.ReqPositions{})
	got := c.until(isType[*wire.PositionEnd])
	if len(got) != len(DefaultPositions)+1 {
		t.Fatalf("%d messages, want %d positions and the end: %v", len(got), len(DefaultPositions), got)
	}
	p := got[0].(*wire.PositionData)
	if p.AvgCost < 0.7*190 || p.AvgCost > 1.05*190 {
		t.Errorf("AAPL average cost %v outside the seed's 0.7..1.05 of its base price", p.AvgCost)
	}
	want := wire.PositionData{Account: DefaultAccount, Position: 100, AvgCost: p.AvgCost,
		Contract: wire.Contract{ConID: 265598, Symbol: "AAPL", SecType: "STK", Exchange: "NASDAQ", Currency: "USD", LocalSymbol: "AAPL", TradingClass: "NMS"}}
	if !reflect.DeepEqual(*p, want) {
		t.Errorf("position %+v, want %+v", *p, want)
	}
	es := got[len(DefaultPositions)-1].(*wire.PositionData)
	if es.Contract.SecType != "FUT" || es.Contract.Exchange != "CME" || es.Contract.Multiplier != "50" || es.AvgCost < 0.7*5000*50 {
		t.Errorf("ES position %+v: want a CME future, avgCost per contract", es)
	}
}
