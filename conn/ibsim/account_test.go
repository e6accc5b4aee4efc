package ibsim

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

func fieldCount(m wire.Message, v int) int { return bytes.Count(m.AppendFields(nil, v), []byte{0}) }

// openOrderNone is PROTOCOL-trading.md §6.1's count with deltaNeutralOrderType
// "None", id included.
var openOrderNone = map[int]int{157: 128, 165: 131, 176: 136, 178: 135, 187: 138, 200: 156}

// TestAccountAnswersEveryVersion: every account request is answered, in the
// order and with the exact field counts PROTOCOL-trading.md gives, and the
// figures agree with each other.
func TestAccountAnswersEveryVersion(t *testing.T) {
	for _, v := range []int{100, 127, 129, 135, 157, 165, 176, 178, 187, 200} {
		s, _ := manualSim(t, Config{ServerVersion: v})
		c := connect(t, s, 3)
		counts := map[int]int{wire.InAcctValue: 6, wire.InPortfolioValue: 20, wire.InAcctUpdateTime: 3, wire.InAcctDownloadEnd: 3,
			wire.InPositionData: 16, wire.InPositionEnd: 2, wire.InAccountSummary: 7, wire.InAccountSummaryEnd: 3,
			wire.InCommissionReport: 8, wire.InOrderStatus: 12, wire.InOpenOrderEnd: 2, wire.InExecutionDataEnd: 3,
			wire.InAccountUpdateMulti: 8, wire.InAccountUpdateMultiEnd: 3, wire.InContractDataEnd: 3}
		check := func(msgs []wire.Message) {
			t.Helper()
			for _, m := range msgs {
				want, ok := counts[m.MsgID()]
				if m.MsgID() == wire.InOpenOrder {
					want, ok = openOrderNone[v]
				}
				if ok && fieldCount(m, v) != want {
					t.Errorf("v%d %T: %d fields, want %d", v, m, fieldCount(m, v), want)
				}
			}
		}

		c.send(&wire.ReqAcctData{Subscribe: true, Account: ""})
		acct := c.until(isType[*wire.AcctDownloadEnd])
		check(acct)
		values := map[string]string{}
		var unreal float64
		var pvs []*wire.PortfolioValue
		for _, m := range acct {
			switch m := m.(type) {
			case *wire.AcctValue:
				if m.Currency != "BASE" {
					values[m.Key] = m.Value
				}
			case *wire.PortfolioValue:
				pvs = append(pvs, m)
				unreal += m.UnrealizedPnL
				if got := round2(m.Position*m.MarketPrice*mult(m.Contract) - m.Position*m.AverageCost); math.Abs(got-m.UnrealizedPnL) > 0.02 {
					t.Errorf("v%d %s: unrealized %v, want value - cost = %v", v, m.Contract.Symbol, m.UnrealizedPnL, got)
				}
			}
		}
		if len(pvs) != len(DefaultPositions) || values["AccountCode"] != DefaultAccount || values["NetLiquidation"] == "" {
			t.Fatalf("v%d: %d portfolio lines, values %v", v, len(pvs), values)
		}
		if _, ok := acct[len(acct)-2].(*wire.AcctUpdateTime); !ok {
			t.Errorf("v%d: ACCT_UPDATE_TIME does not precede the end", v)
		}

		c.send(&wire.ReqAccountSummary{ReqID: 4, Group: "All", Tags: "NetLiquidation,TotalCashValue,BuyingPower,$LEDGER"})
		sum := c.until(isType[*wire.AccountSummaryEnd])
		check(sum)
		for _, m := range sum[:len(sum)-1] {
			as := m.(*wire.AccountSummary)
			if values[as.Tag] != as.Value {
				t.Errorf("v%d summary %s = %s, account updates say %s", v, as.Tag, as.Value, values[as.Tag])
			}
		}

		c.send(&wire.ReqPnL{ReqID: 5, Account: DefaultAccount})
		pnl := c.next().(*wire.PnL)
		if v >= wire.VersionUnrealizedPnL && math.Abs(pnl.UnrealizedPnL-unreal) > 0.05 {
			t.Errorf("v%d PnL unrealized %v, portfolio lines sum to %v", v, pnl.UnrealizedPnL, unreal)
		}
		c.send(&wire.ReqPnLSingle{ReqID: 6, Account: DefaultAccount, ConID: pvs[0].Contract.ConID})
		if ps := c.next().(*wire.PnLSingle); ps.Pos != pvs[0].Position || ps.Value != pvs[0].MarketValue {
			t.Errorf("v%d PnL single %+v, portfolio %+v", v, ps, pvs[0])
		}

		c.send(&wire.ReqPositions{})
		check(c.until(isType[*wire.PositionEnd]))
		c.send(&wire.ReqAccountUpdatesMulti{ReqID: 7, Account: DefaultAccount, LedgerAndNLV: true})
		check(c.until(isType[*wire.AccountUpdateMultiEnd]))

		c.send(&wire.ReqExecutions{ReqID: 8, Filter: wire.ExecutionFilter{LastNDays: wire.UnsetInt}})
		ex := c.until(isType[*wire.ExecutionDataEnd])
		check(ex)
		if len(ex) != 4 {
			t.Errorf("v%d: %d execution messages, want 3 fills and the end", v, len(ex))
		}
		reports := c.until(func(m wire.Message) bool {
			_, ok := m.(*wire.CommissionReport)
			return ok && m.(*wire.CommissionReport).ExecID == ex[2].(*wire.ExecutionData).Exec.ExecID
		})
		check(reports)

		c.send(&wire.ReqAllOpenOrders{})
		oo := c.until(isType[*wire.OpenOrderEnd])
		check(oo)
		if len(oo) != 5 {
			t.Errorf("v%d: %d open-order messages, want 2 × (OPEN_ORDER, ORDER_STATUS) and the end", v, len(oo))
		}
		c.send(&wire.ReqOpenOrders{})
		if got := c.until(isType[*wire.OpenOrderEnd]); len(got) != 1 {
			t.Errorf("v%d: client 3 owns no orders, got %d messages", v, len(got)-1)
		}
		c.send(&wire.ReqCompletedOrders{})
		c.until(isType[*wire.CompletedOrdersEnd])

		for i, k := range []wire.Contract{{Symbol: "AAPL", SecType: "STK", Exchange: "SMART", Currency: "USD"},
			{Symbol: "EUR", SecType: "CASH", Exchange: "IDEALPRO", Currency: "USD"},
			{Symbol: "ES", SecType: "FUT", Exchange: "CME", LastTradeDateOrContractMonth: "202612"}, {ConID: 265598}} {
			c.send(&wire.ReqContractData{ReqID: 10 + i, Contract: k})
			got := c.until(isType[*wire.ContractDataEnd])
			check(got)
			cd, ok := got[0].(*wire.ContractData)
			if !ok || len(got) != 2 || cd.Details.Contract.ConID == 0 || (k.Symbol != "" && cd.Details.Contract.Symbol != k.Symbol) {
				t.Errorf("v%d contract details of %+v: %v", v, k, got)
			}
		}
		c.send(&wire.ReqContractData{ReqID: 20, Contract: wire.Contract{Symbol: "GBP", SecType: "CASH"}})
		if m := c.next(); !isCode(200)(m) {
			t.Errorf("v%d unknown contract: %v, want 200", v, m)
		}
	}
}

func mult(k wire.Contract) float64 {
	if m, err := strconv.ParseFloat(k.Multiplier, 64); err == nil && m > 0 {
		return m
	}
	return 1
}

// TestAccountDeterministicPerSeed: the same seed gives the same account,
// another seed another.
func TestAccountDeterministicPerSeed(t *testing.T) {
	netLiq := func(seed int64) string {
		s, _ := manualSim(t, Config{Seed: seed})
		c := connect(t, s, 1)
		c.send(&wire.ReqAccountSummary{ReqID: 1, Group: "All", Tags: "NetLiquidation"})
		return c.next().(*wire.AccountSummary).Value
	}
	if a, b, d := netLiq(5), netLiq(5), netLiq(6); a != b || a == d {
		t.Errorf("net liquidation seed 5: %s, %s; seed 6: %s", a, b, d)
	}
}

func TestCutFaultStopsTheDownload(t *testing.T) {
	s, _ := manualSim(t, Config{})
	if err := s.Inject(Fault{Kind: FaultCut, Mode: "nope"}); !errors.Is(err, ErrBadFault) {
		t.Fatalf("bad mode accepted: %v", err)
	}
	c := connect(t, s, 1)
	if err := s.Inject(Fault{Kind: FaultCut, Mode: "positions", N: 2}); err != nil {
		t.Fatal(err)
	}
	c.send(&wire.ReqPositions{})
	for i := range 2 {
		if _, ok := c.next().(*wire.PositionData); !ok {
			t.Fatalf("line %d is not a position", i)
		}
	}
	c.expectEOF()
	c2 := connect(t, s, 1)
	c2.send(&wire.ReqPositions{})
	if got := c2.until(isType[*wire.PositionEnd]); len(got) != len(DefaultPositions)+1 {
		t.Errorf("after the cut: %d messages, want every position and the end", len(got))
	}
}

func TestParsePositions(t *testing.T) {
	got, err := ParsePositions(strings.NewReader("# mine\naapl 10 150.5\n\nES -2 # short\n"))
	if err != nil || len(got) != 2 || got[0] != (PositionSpec{"AAPL", 10, 150.5}) || got[1] != (PositionSpec{"ES", -2, 0}) {
		t.Fatalf("got %v, %v", got, err)
	}
	for _, bad := range []string{"AAPL", "AAPL x", "AAPL 1 -3", "AAPL 1 2 3", "AAPL NaN", "AAPL 1\nAAPL 2", "AAPL 1e99", "WAYTOOLONGSYMBOL 1"} {
		if _, err := ParsePositions(strings.NewReader(bad)); !errors.Is(err, ErrPositions) {
			t.Errorf("%q: %v, want ErrPositions", bad, err)
		}
	}
}

func FuzzParsePositions(f *testing.F) {
	f.Add("AAPL 10 150\nES -1\n# c\n")
	f.Add("x 1e308 1e308")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParsePositions(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, p := range got {
			if math.IsNaN(p.Qty) || math.IsInf(p.Qty, 0) || p.AvgCost < 0 || p.Symbol == "" {
				t.Fatalf("accepted %+v", p)
			}
		}
	})
}

// TestIBAsyncConnectSequence replays what an unchanged ib_async IB.connect()
// sends (ib.py connectAsync, v157..178): every request it then waits on is
// answered, so no sync timeout runs out; qualifyContracts (reqContractDetails)
// then reqMktData on the qualified contract streams quotes.
func TestIBAsyncConnectSequence(t *testing.T) {
	s, _ := manualSim(t, Config{Accounts: []string{"DU1", "DU2"}})
	c := dial(t, s.Addr())
	if _, err := c.hello(157, 178); err != nil {
		t.Fatal(err)
	}
	c.send(&wire.StartAPI{ClientID: 1})
	c.until(isCode(2107))
	c.send(&wire.ReqPositions{})
	c.send(&wire.ReqOpenOrders{})
	c.send(&wire.ReqCompletedOrders{})
	c.send(&wire.ReqAcctData{Subscribe: true, Account: "DU1"})
	c.send(&wire.ReqAccountUpdatesMulti{ReqID: 1, Account: "DU1"})
	c.send(&wire.ReqAccountUpdatesMulti{ReqID: 2, Account: "DU2"})
	c.send(&wire.ReqExecutions{ReqID: 3, Filter: wire.ExecutionFilter{}})
	waiting := map[string]bool{"positions": true, "open orders": true, "completed orders": true, "account updates": true,
		"multi 1": true, "multi 2": true, "executions": true}
	for len(waiting) > 0 {
		switch m := c.next().(type) {
		case *wire.PositionEnd:
			delete(waiting, "positions")
		case *wire.OpenOrderEnd:
			delete(waiting, "open orders")
		case *wire.CompletedOrdersEnd:
			delete(waiting, "completed orders")
		case *wire.AcctDownloadEnd:
			delete(waiting, "account updates")
		case *wire.AccountUpdateMultiEnd:
			delete(waiting, "multi "+strconv.Itoa(m.ReqID))
		case *wire.ExecutionDataEnd:
			delete(waiting, "executions")
		case *wire.ErrMsg:
			t.Fatalf("error %d %s while connecting", m.Code, m.Text)
		}
	}
	for i, k := range []wire.Contract{wire.Stock("AAPL"), {Symbol: "EUR", SecType: "CASH", Exchange: "IDEALPRO", Currency: "USD"}} {
		c.send(&wire.ReqContractData{ReqID: 10 + i, Contract: k})
		got := c.until(isType[*wire.ContractDataEnd]) // the commission reports of the executions come first
		q := got[len(got)-2].(*wire.ContractData).Details.Contract
		c.send(&wire.ReqMktData{ReqID: 20 + i, Contract: q})
		if tick, ok := c.next().(*wire.TickPrice); !ok || tick.ReqID != 20+i || tick.Price <= 0 {
			t.Fatalf("%s: market data after qualifying %+v: %v", k.Symbol, q, tick)
		}
	}
}

// TestPnLStreams: reqPnL and reqPnLSingle answer at once, then again as the
// market moves, until cancelled.
func TestPnLStreams(t *testing.T) {
	s, clk := manualSim(t, Config{})
	c := connect(t, s, 1)
	c.send(&wire.ReqPnL{ReqID: 1, Account: DefaultAccount})
	first := c.next().(*wire.PnL)
	c.send(&wire.ReqPnLSingle{ReqID: 2, Account: DefaultAccount, ConID: 265598})
	single := c.next().(*wire.PnLSingle)
	if single.Pos != 100 || single.Value == 0 {
		t.Fatalf("AAPL P&L %+v", single)
	}
	clk.Advance(10 * time.Minute)
	got := map[int]bool{}
	c.send(&wire.ReqCurrentTime{})
	for _, m := range c.until(isType[*wire.CurrentTime]) {
		switch m := m.(type) {
		case *wire.PnL:
			got[1] = m.DailyPnL != first.DailyPnL
		case *wire.PnLSingle:
			got[2] = m.Value != single.Value
		}
	}
	if !got[1] || !got[2] {
		t.Fatalf("after the market moved: account P&L changed %v, AAPL's %v", got[1], got[2])
	}
	c.send(&wire.CancelPnL{ReqID: 1})
	c.send(&wire.CancelPnLSingle{ReqID: 2})
	c.send(&wire.ReqCurrentTime{})
	c.until(isType[*wire.CurrentTime])
	clk.Advance(10 * time.Minute)
	c.send(&wire.ReqCurrentTime{})
	for _, m := range c.until(isType[*wire.CurrentTime]) {
		if _, ok := m.(*wire.PnL); ok {
			t.Fatal("a cancelled P&L still streams")
		}
		if _, ok := m.(*wire.PnLSingle); ok {
			t.Fatal("a cancelled P&L single still streams")
		}
	}
}
