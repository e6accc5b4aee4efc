package engine

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/conn/wire"
	"github.com/robotui/robotui/engine/account"
)

// held is a position as the must-show tests compare it.
type held struct {
	Symbol       string
	Qty, AvgCost float64
}

func heldOf(b account.Book) []held {
	var out []held
	for _, p := range b.Positions {
		out = append(out, held{p.Symbol, p.Qty, p.AvgCost})
	}
	return out
}

func ps(sym string, qty, cost float64) ibsim.PositionSpec {
	return ibsim.PositionSpec{Symbol: sym, Qty: qty, AvgCost: cost}
}

func specHeld(specs []ibsim.PositionSpec) []held {
	var out []held
	for _, p := range specs {
		out = append(out, held{p.Symbol, p.Qty, p.AvgCost})
	}
	slices.SortFunc(out, func(a, b held) int {
		if a.Symbol < b.Symbol {
			return -1
		}
		return 1
	})
	return out
}

// TestReconnectMidDownloadLeavesExactPositions: a reconnect in the middle
// of an account download (the portfolio lines of reqAccountUpdates), and
// one between two position updates (reqPositions), leave exactly the
// simulator's positions afterwards. Every snapshot on the way shows either
// the old holdings or the new ones whole: no duplicate, nothing missing,
// no old and new lines mixed.
func TestReconnectMidDownloadLeavesExactPositions(t *testing.T) {
	for _, mode := range []string{"portfolio", "positions"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			before := []ibsim.PositionSpec{ps("AAPL", 100, 150), ps("MSFT", 50, 300), ps("SPY", 200, 500), ps("NVDA", 300, 90)}
			after := []ibsim.PositionSpec{ps("AAPL", 120, 151), ps("MSFT", 50, 300), ps("TSLA", -10, 240), ps("NVDA", 100, 91)}
			sim := startSim(t, ibsim.Config{Clock: ibsim.NewManualClock(simStart), Positions: before})
			rec := newRecorder()
			e := startEngine(t, testOptions(sim.Addr(), ibsim.DefaultSymbols()[:1], rec))
			old, want := specHeld(before), specHeld(after)
			exact := func(w []held) func(Snapshot) bool {
				return func(s Snapshot) bool {
					return len(s.Accounts) == 1 && !s.Accounts[0].Stale && slices.Equal(heldOf(s.Accounts[0]), w)
				}
			}
			waitSnapshot(t, e, "the first holdings", exact(old))

			sim.SetPositions(after)
			if err := sim.Inject(ibsim.Fault{Kind: ibsim.FaultCut, Mode: mode, N: 1}); err != nil {
				t.Fatal(err)
			}
			readies := rec.count(EventConnState, isState("ready"))
			if err := sim.Inject(ibsim.Fault{Kind: ibsim.FaultDrop}); err != nil {
				t.Fatal(err)
			}
			// Ready again, cut mid-download, ready once more with a whole round.
			rec.waitCount(t, "the session after the cut", EventConnState, readies+2, isState("ready"))
			seen := 0
			final := waitSnapshot(t, e, "the new holdings, marked", func(s Snapshot) bool {
				seen++
				if len(s.Accounts) != 1 {
					t.Fatalf("%d books", len(s.Accounts))
				}
				got := heldOf(s.Accounts[0])
				if !slices.Equal(got, old) && !slices.Equal(got, want) {
					t.Fatalf("a snapshot holds %v: neither the old %v nor the new %v", got, old, want)
				}
				if !exact(want)(s) {
					return false
				}
				for _, p := range s.Accounts[0].Positions {
					if p.MarketPrice == 0 {
						return false // the marks come with the portfolio download
					}
				}
				return true
			})
			for _, p := range final.Accounts[0].Positions {
				if p.MarketValue != p.Qty*p.MarketPrice || p.UnrealizedPnL == 0 {
					t.Errorf("%s: value %v, mark %v, unrealized %v", p.Symbol, p.MarketValue, p.MarketPrice, p.UnrealizedPnL)
				}
			}
			if seen == 0 {
				t.Error("no snapshot seen")
			}
			rec.waitCount(t, "SPY's closing position event", EventPosition, 1, func(r record) bool {
				return r.attrs["symbol"] == "SPY" && r.attrs["qty"] == 0.0
			})
		})
	}
}

// TestAccountBookFromSimulator: summary, P&L, executions with commissions
// and the other clients' open orders reach the snapshot.
func TestAccountBookFromSimulator(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 3, 4, 16, 30, 0, 0, time.UTC) // 11:30 New York: two fills so far (10:15, 11:00)
	sim := startSim(t, ibsim.Config{Clock: ibsim.NewManualClock(start), ServerVersion: 200, Positions: ibsim.DefaultPositions})
	e := startEngine(t, testOptions(sim.Addr(), ibsim.DefaultSymbols()[:1], newRecorder()))
	s := waitSnapshot(t, e, "a whole book", func(s Snapshot) bool {
		if len(s.Accounts) != 1 {
			return false
		}
		b := s.Accounts[0]
		for _, p := range b.Positions {
			if p.DailyPnL == 0 { // its PNL_SINGLE comes after POSITION_END
				return false
			}
		}
		return len(b.Positions) == len(ibsim.DefaultPositions) && len(b.Orders) == 2 && len(b.Executions) == 2 &&
			b.Summary.NetLiquidation > 0 && b.Summary.DailyPnL != 0 && b.Executions[1].Commission == 1
	})
	b := s.Accounts[0]
	if b.Account != ibsim.DefaultAccount || b.Summary.Cash <= 0 || b.Summary.BuyingPower <= 0 || b.Summary.Tags["AccountType"] != "INDIVIDUAL" {
		t.Errorf("summary %+v", b.Summary)
	}
	var unreal float64
	for _, p := range b.Positions {
		unreal += p.UnrealizedPnL
		if p.DailyPnL == 0 || p.PctNetLiq == 0 {
			t.Errorf("%s: daily %v, %% of net liq %v", p.Symbol, p.DailyPnL, p.PctNetLiq)
		}
	}
	if d := unreal - b.Summary.UnrealizedPnL; d > 0.05 || d < -0.05 {
		t.Errorf("positions' unrealized %v, account's %v", unreal, b.Summary.UnrealizedPnL)
	}
	for _, p := range b.Positions {
		if p.Symbol == "ES" && (p.Exchange != "CME" || p.Multiplier != "50" || p.LastTradeDate == "" || p.SecType != "FUT") {
			t.Errorf("ES position %+v: want what a quote request needs", p)
		}
	}
	if x := b.Executions[0]; x.Side != account.Sold || x.Time.IsZero() || x.Time.After(start) || x.Symbol != "AAPL" {
		t.Errorf("first execution %+v", x)
	}
	if o := b.Orders[0]; o.ClientID != 7 || o.Type != "LMT" || o.Status != "Submitted" || o.LmtPrice == 0 || o.Remaining != o.Qty {
		t.Errorf("first order %+v", o)
	}
}

// TestAccountModelRounds drives the model directly: a round's parts publish
// only at their END, a new round forgets what the last one left pending,
// and messages of an old round are ignored.
func TestAccountModelRounds(t *testing.T) {
	a := newAccountModel(func() *time.Location { return time.UTC })
	now := time.Now()
	pos := func(sym string, id int64, qty float64) *wire.PositionData {
		return &wire.PositionData{Account: "DU1", Contract: wire.Contract{ConID: id, Symbol: sym}, Position: qty, AvgCost: 10}
	}
	msg := func(r uint64, m wire.Message) bool { return a.apply(conn.AccountMsg{Round: r, Msg: m}, now) }
	symbols := func() string { return fmt.Sprint(heldOf(a.books(false)[0])) }

	a.startRound(conn.AccountRound{Round: 1, Accounts: []string{"DU1"}})
	if msg(1, pos("A", 1, 5)) || msg(1, pos("B", 2, 6)) {
		t.Error("a pending line changed the book")
	}
	if got := symbols(); got != "[]" {
		t.Errorf("before the end: %s", got)
	}
	msg(1, &wire.PositionEnd{})
	if got := symbols(); got != "[{A 5 10} {B 6 10}]" {
		t.Errorf("after the end: %s", got)
	}
	// Round 2 is cut after one line; round 3 is whole.
	a.startRound(conn.AccountRound{Round: 2, Accounts: []string{"DU1"}})
	msg(2, pos("C", 3, 7))
	a.startRound(conn.AccountRound{Round: 3, Accounts: []string{"DU1"}})
	if msg(2, pos("D", 4, 1)) || msg(2, &wire.PositionEnd{}) {
		t.Error("a message of an old round was applied")
	}
	if got := symbols(); got != "[{A 5 10} {B 6 10}]" {
		t.Errorf("after the cut: %s", got)
	}
	msg(3, pos("B", 2, 8))
	msg(3, &wire.PositionEnd{})
	if got := symbols(); got != "[{B 8 10}]" {
		t.Errorf("after round 3: %s", got)
	}
	// After the END, single updates apply; a zero quantity closes the position.
	msg(3, pos("E", 5, 2))
	msg(3, pos("B", 2, 0))
	if got := symbols(); got != "[{E 2 10}]" {
		t.Errorf("after live updates: %s", got)
	}
	// A NaN or infinite position is not taken in.
	msg(3, &wire.PositionData{Account: "DU1", Contract: wire.Contract{ConID: 9, Symbol: "X"}, Position: math.NaN()})
	msg(3, &wire.PositionData{Account: "DU1", Contract: wire.Contract{ConID: 9, Symbol: "X"}, Position: 1, AvgCost: math.Inf(1)})
	if got := symbols(); got != "[{E 2 10}]" {
		t.Errorf("after non-finite lines: %s", got)
	}
	if !a.books(true)[0].Stale {
		t.Error("not stale while the session is not ready")
	}
}

// TestAccountEvents: the headless `account`, `position` and `execution`
// events carry their documented fields; `account` comes at most once a second.
func TestAccountEvents(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 3, 4, 16, 30, 0, 0, time.UTC) // two fills so far
	sim := startSim(t, ibsim.Config{Clock: ibsim.NewManualClock(start), Positions: ibsim.DefaultPositions})
	rec := newRecorder()
	startEngine(t, testOptions(sim.Addr(), ibsim.DefaultSymbols()[:1], rec))
	rec.waitCount(t, "an execution event per fill", EventExecution, 2, nil)
	rec.waitCount(t, "a position event per holding", EventPosition, len(ibsim.DefaultPositions), nil)
	rec.waitCount(t, "an account event", EventAccount, 1, nil)
	fields := map[string][]string{
		EventAccount:   {"account", "net_liquidation", "cash", "buying_power", "daily_pnl", "unrealized_pnl", "realized_pnl"},
		EventPosition:  {"account", "symbol", "qty", "avg_cost", "market_value", "unrealized_pnl"},
		EventExecution: {"account", "symbol", "side", "qty", "price", "exec_id"}, // `time`: the record's own
	}
	for name, keys := range fields {
		for _, r := range rec.all(name) {
			for _, k := range keys {
				if _, ok := r.attrs[k]; !ok {
					t.Errorf("%s event lacks %s: %v", name, k, r.attrs)
				}
			}
		}
	}
	ex := rec.all(EventExecution)
	if ex[0].attrs["side"] != "SLD" || ex[0].attrs["account"] != ibsim.DefaultAccount {
		t.Errorf("execution event %v", ex[0].attrs)
	}
	// The line's time is the fill's (10:15 New York), and no second `time` field.
	if fill := time.Date(2025, 3, 4, 15, 15, 0, 0, time.UTC); !ex[0].at.Equal(fill) || ex[0].attrs["time"] != nil {
		t.Errorf("execution event at %v with time field %v, want the fill's %v alone", ex[0].at, ex[0].attrs["time"], fill)
	}
	if n := rec.count(EventExecution, nil); n != 2 {
		t.Errorf("%d execution events, want one per fill", n)
	}
	acct := rec.all(EventAccount)
	for i := 1; i < len(acct); i++ {
		if d := acct[i].at.Sub(acct[i-1].at); d < time.Second {
			t.Errorf("account events %v apart", d)
		}
	}
}

// TestSecondAccountValuedFromPnL: IB serves reqAccountUpdates for one
// account at a time; the other accounts' holdings are valued from their
// per-position P&L.
func TestSecondAccountValuedFromPnL(t *testing.T) {
	t.Parallel()
	sim := startSim(t, ibsim.Config{Clock: ibsim.NewManualClock(simStart), Accounts: []string{"DU1", "DU2"}, Positions: ibsim.DefaultPositions})
	e := startEngine(t, testOptions(sim.Addr(), ibsim.DefaultSymbols()[:1], newRecorder()))
	s := waitSnapshot(t, e, "both books valued", func(s Snapshot) bool {
		if len(s.Accounts) != 2 {
			return false
		}
		for _, b := range s.Accounts {
			if len(b.Positions) != len(ibsim.DefaultPositions) || b.Summary.NetLiquidation == 0 {
				return false
			}
			for _, p := range b.Positions {
				if p.MarketValue == 0 || p.DailyPnL == 0 {
					return false
				}
			}
		}
		return true
	})
	if s.Accounts[0].Account != "DU1" || s.Accounts[1].Account != "DU2" {
		t.Fatalf("books %s, %s: want the gateway's order", s.Accounts[0].Account, s.Accounts[1].Account)
	}
	for i, p := range s.Accounts[1].Positions {
		q := s.Accounts[0].Positions[i]
		if p.Symbol != q.Symbol || p.MarketPrice <= 0 || (p.SecType == "STK" && abs(p.MarketPrice-q.MarketPrice) > 0.01) {
			t.Errorf("DU2 %s marked %v, DU1 %s %v", p.Symbol, p.MarketPrice, q.Symbol, q.MarketPrice)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// BenchmarkAccountBooks500 copies a book of 500 valued positions, as every
// snapshot does.
func BenchmarkAccountBooks500(b *testing.B) {
	a := newAccountModel(func() *time.Location { return time.UTC })
	now := time.Now()
	a.startRound(conn.AccountRound{Round: 1, Accounts: []string{"DU1"}})
	for i := range 500 {
		k := wire.Contract{ConID: int64(1000 + i), Symbol: fmt.Sprintf("S%03d", i), SecType: "STK", Currency: "USD"}
		a.apply(conn.AccountMsg{Round: 1, Msg: &wire.PositionData{Account: "DU1", Contract: k, Position: 10, AvgCost: 100}}, now)
		a.apply(conn.AccountMsg{Round: 1, Msg: &wire.PortfolioValue{Contract: k, Position: 10, MarketPrice: 101, MarketValue: 1010, UnrealizedPnL: 10, Account: "DU1"}}, now)
		a.apply(conn.AccountMsg{Round: 1, Account: "DU1", ConID: k.ConID, Msg: &wire.PnLSingle{Pos: 10, DailyPnL: 1, Value: 1010}}, now)
	}
	a.apply(conn.AccountMsg{Round: 1, Msg: &wire.PositionEnd{}}, now)
	a.apply(conn.AccountMsg{Round: 1, Msg: &wire.AcctDownloadEnd{Account: "DU1"}}, now)
	b.ReportAllocs()
	for b.Loop() {
		if bk := a.books(false); len(bk[0].Positions) != 500 {
			b.Fatal(len(bk[0].Positions))
		}
	}
}

// TestAccountModelAskedAgain: after 1101 the account is asked again on the
// same connection; a download still under way keeps its lines, so the END
// that follows (the old one's) publishes it whole, never a part of it.
func TestAccountModelAskedAgain(t *testing.T) {
	a := newAccountModel(func() *time.Location { return time.UTC })
	now := time.Now()
	pos := func(sym string, id int64) *wire.PositionData {
		return &wire.PositionData{Account: "DU1", Contract: wire.Contract{ConID: id, Symbol: sym}, Position: 1, AvgCost: 10}
	}
	a.startRound(conn.AccountRound{Round: 1, Accounts: []string{"DU1"}})
	a.apply(conn.AccountMsg{Round: 1, Msg: pos("A", 1)}, now)
	a.startRound(conn.AccountRound{Round: 2, Accounts: []string{"DU1"}, Again: true})
	// The rest of the first download, tagged with the new round.
	a.apply(conn.AccountMsg{Round: 2, Msg: pos("B", 2)}, now)
	a.apply(conn.AccountMsg{Round: 2, Msg: &wire.PositionEnd{}}, now)
	if got := fmt.Sprint(heldOf(a.books(false)[0])); got != "[{A 1 10} {B 1 10}]" {
		t.Errorf("after the first END: %s, want the whole download", got)
	}
	a.apply(conn.AccountMsg{Round: 2, Msg: pos("A", 1)}, now)
	a.apply(conn.AccountMsg{Round: 2, Msg: pos("B", 2)}, now)
	a.apply(conn.AccountMsg{Round: 2, Msg: &wire.PositionEnd{}}, now)
	if got := fmt.Sprint(heldOf(a.books(false)[0])); got != "[{A 1 10} {B 1 10}]" {
		t.Errorf("after the second download: %s", got)
	}
}
