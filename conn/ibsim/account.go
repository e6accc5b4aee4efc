package ibsim

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// PositionSpec is one holding of every simulated account: the positions
// file's line `SYMBOL QTY [AVG_COST]`. AvgCost 0 derives a cost from the seed.
// AvgCost is per unit (per share, per point): the gateway's avgCost is it
// times the multiplier.
type PositionSpec struct {
	Symbol  string
	Qty     float64
	AvgCost float64
}

// DefaultPositions are held when Config.Positions is nil.
var DefaultPositions = []PositionSpec{{"AAPL", 100, 0}, {"MSFT", 50, 0}, {"SPY", 200, 0}, {"NVDA", 300, 0}, {"ES", 1, 0}}

// maxPositions bounds a positions file.
const maxPositions = 1000

// ErrPositions wraps every positions-file problem.
var ErrPositions = errors.New("ibsim: positions")

// ParsePositions reads a positions file: one `SYMBOL QTY [AVG_COST]` per
// line, blank lines and `#` comments skipped. QTY is negative when short;
// every number must be finite and AVG_COST not negative.
func ParsePositions(r io.Reader) ([]PositionSpec, error) {
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	var out []PositionSpec
	seen := map[string]bool{}
	for line := 1; sc.Scan(); line++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		bad := func(format string, a ...any) error {
			return fmt.Errorf("%w: line %d: %s", ErrPositions, line, fmt.Sprintf(format, a...))
		}
		if len(f) > 3 || len(f) < 2 {
			return nil, bad("want SYMBOL QTY [AVG_COST], got %d fields", len(f))
		}
		sym := normSymbol(f[0])
		if len(sym) > 12 || strings.ContainsAny(sym, ",\x00") {
			return nil, bad("symbol %q: at most 12 characters, no ',' or NUL", clip(sym))
		}
		if seen[sym] {
			return nil, bad("symbol %s listed twice", sym)
		}
		qty, err := strconv.ParseFloat(f[1], 64)
		if err != nil || math.IsNaN(qty) || math.IsInf(qty, 0) || math.Abs(qty) > 1e9 {
			return nil, bad("quantity %q is not a number within ±1e9", clip(f[1]))
		}
		cost := 0.0
		if len(f) == 3 {
			cost, err = strconv.ParseFloat(f[2], 64)
			if err != nil || !(cost >= 0) || math.IsInf(cost, 0) || cost > 1e9 {
				return nil, bad("average cost %q is not a number within 0..1e9", clip(f[2]))
			}
		}
		if len(out) == maxPositions {
			return nil, bad("more than %d positions", maxPositions)
		}
		seen[sym] = true
		out = append(out, PositionSpec{Symbol: sym, Qty: qty, AvgCost: cost})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPositions, err)
	}
	return out, nil
}

// simPosition is one holding valued at an instant.
type simPosition struct {
	ser                                         *series
	qty, avgCost                                float64 // avgCost per contract (unit cost × multiplier), as the gateway writes it
	mark, prevClose, value, unreal, real, daily float64
}

// accountState is one account valued at an instant: every figure the
// simulator reports comes from it, so that they agree with each other.
type accountState struct {
	name                                       string
	cash, net, gross, init, maint, buyingPower float64
	daily, unreal, real                        float64
	positions                                  []simPosition
}

// seedFrac is a stable number in [0, 1) for (seed, what).
func (s *Server) seedFrac(what string) float64 {
	return unit(mix64(uint64(s.cfg.Seed) ^ mix64(fnv64(what))))
}

// holdings are the positions in force: Config.Positions, or the defaults;
// symbols the market does not know are skipped.
func (s *Server) holdings() []PositionSpec {
	s.mu.Lock()
	specs := s.posSpecs
	s.mu.Unlock()
	return specs
}

// SetPositions replaces every account's holdings (nil: the defaults).
// Clients see them at their next request.
func (s *Server) SetPositions(p []PositionSpec) {
	if p == nil {
		p = DefaultPositions
	}
	s.mu.Lock()
	s.posSpecs = append([]PositionSpec(nil), p...)
	s.mu.Unlock()
}

// account values acct at now.
func (s *Server) account(acct string, now time.Time) accountState {
	st := accountState{name: acct, cash: math.Round(80_000 + 40_000*s.seedFrac("cash/"+acct))}
	t := now.Unix()
	dayStart := floorDiv(t, secondsPerDay) * secondsPerDay
	for _, spec := range s.holdings() {
		ser := s.market.lookup(spec.Symbol)
		if ser == nil || spec.Qty == 0 {
			continue
		}
		in, mult := ser.in, ser.in.mult()
		unitCost := spec.AvgCost
		if unitCost == 0 {
			unitCost = in.price * (0.7 + 0.35*s.seedFrac("cost/"+acct+"/"+in.symbol))
			unitCost = roundTo(unitCost, max(in.minTick, 0.0001))
		}
		mark, _ := ser.quote(t)
		prev := ser.bar(secondsPerDay, dayStart-secondsPerDay, dayStart).Close
		p := simPosition{ser: ser, qty: spec.Qty, avgCost: unitCost * mult, mark: mark, prevClose: prev}
		p.value = round2(spec.Qty * mark * mult)
		p.unreal = round2(p.value - spec.Qty*p.avgCost)
		p.daily = round2(spec.Qty * mult * (mark - prev))
		if e, ok := s.closingExec(acct, ser, now); ok {
			p.real = round2(e.Shares * (e.Price - unitCost) * mult)
		}
		st.positions = append(st.positions, p)
		if in.SecType() == "FUT" {
			st.net += p.unreal // a future is worth its open P&L, not its notional
		} else {
			st.net += p.value
		}
		st.gross += math.Abs(p.value)
		st.daily += p.daily
		st.unreal += p.unreal
		st.real += p.real
	}
	st.net = round2(st.net + st.cash + st.real)
	st.init, st.maint = round2(st.gross*0.25), round2(st.gross*0.2)
	st.buyingPower = round2(max(0, 4*(st.net-st.init)))
	return st
}

// roundTo rounds v to a multiple of tick (1/tick is a whole number).
func roundTo(v, tick float64) float64 {
	inv := math.Round(1 / tick)
	return math.Round(v*inv) / inv
}

func money(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// values are the account's key/value figures (ACCT_VALUE, ACCOUNT_UPDATE_MULTI, summary tags).
func (st *accountState) values() [][3]string {
	avail, excess := st.net-st.init, st.net-st.maint
	cushion := 0.0
	if st.net != 0 {
		cushion = excess / st.net
	}
	lev := 0.0
	if st.net != 0 {
		lev = st.gross / st.net
	}
	return [][3]string{
		{"AccountCode", st.name, ""},
		{"AccountReady", "true", ""},
		{"AccountType", "INDIVIDUAL", ""},
		{"Currency", "USD", "USD"},
		{"NetLiquidation", money(st.net), "USD"},
		{"TotalCashValue", money(st.cash + st.real), "USD"},
		{"SettledCash", money(st.cash), "USD"},
		{"AccruedCash", money(0), "USD"},
		{"CashBalance", money(st.cash + st.real), "USD"},
		{"CashBalance", money(st.cash + st.real), "BASE"},
		{"BuyingPower", money(st.buyingPower), "USD"},
		{"EquityWithLoanValue", money(st.net), "USD"},
		{"PreviousDayEquityWithLoanValue", money(st.net - st.daily), "USD"},
		{"GrossPositionValue", money(st.gross), "USD"},
		{"RegTEquity", money(st.net), "USD"},
		{"RegTMargin", money(st.gross * 0.5), "USD"},
		{"SMA", money(st.net - st.gross*0.5), "USD"},
		{"InitMarginReq", money(st.init), "USD"},
		{"MaintMarginReq", money(st.maint), "USD"},
		{"AvailableFunds", money(avail), "USD"},
		{"ExcessLiquidity", money(excess), "USD"},
		{"Cushion", strconv.FormatFloat(cushion, 'f', 4, 64), ""},
		{"FullInitMarginReq", money(st.init), "USD"},
		{"FullMaintMarginReq", money(st.maint), "USD"},
		{"FullAvailableFunds", money(avail), "USD"},
		{"FullExcessLiquidity", money(excess), "USD"},
		{"LookAheadNextChange", "0", ""},
		{"LookAheadInitMarginReq", money(st.init), "USD"},
		{"LookAheadMaintMarginReq", money(st.maint), "USD"},
		{"LookAheadAvailableFunds", money(avail), "USD"},
		{"LookAheadExcessLiquidity", money(excess), "USD"},
		{"HighestSeverity", "0", ""},
		{"DayTradesRemaining", "-1", ""},
		{"Leverage", strconv.FormatFloat(lev, 'f', 2, 64), ""},
		{"UnrealizedPnL", money(st.unreal), "USD"},
		{"RealizedPnL", money(st.real), "USD"},
		{"DailyPnL", money(st.daily), "USD"},
	}
}

func (s *Server) accountOr(name string) (string, bool) {
	if name == "" || strings.EqualFold(name, "All") {
		return s.cfg.Accounts[0], true
	}
	for _, a := range s.cfg.Accounts {
		if a == name {
			return a, true
		}
	}
	return "", false
}

// cutLocked reports whether a "cut" fault of mode applies: the download
// stops after its N-th line and the socket is closed. It fires once.
func (s *Server) cutLocked(mode string) (int, bool) {
	f := s.flt.cut
	if f == nil || f.Mode != mode {
		return 0, false
	}
	s.flt.cut = nil
	return f.N, true
}

// sendCut sends head, the first n of lines (all if !cut), and tail; with a
// cut the socket is closed after the n lines, and tail is never sent.
func (s *Server) sendCut(c *client, mode string, head, lines, tail []wire.Message) {
	s.mu.Lock()
	n, cut := s.cutLocked(mode)
	if cut {
		s.bumpLocked()
	}
	s.mu.Unlock()
	if !cut {
		c.send(append(append(head, lines...), tail...)...)
		return
	}
	s.log.Info("account download cut", "addr", c.addr, "mode", mode, "after", n)
	c.send(append(head, lines[:min(n, len(lines))]...)...)
	c.serverClosed.Store(true)
	c.enqueue(outItem{closeAfter: true, due: s.due()})
}

// reqAcctData answers reqAccountUpdates: the account's values, a
// PORTFOLIO_VALUE per holding, ACCT_UPDATE_TIME, ACCT_DOWNLOAD_END.
func (s *Server) reqAcctData(c *client, m *wire.ReqAcctData) {
	if !m.Subscribe {
		return
	}
	acct, ok := s.accountOr(m.Account)
	if !ok {
		c.send(s.invalid(-1, "Unknown account "+clip(m.Account)))
		return
	}
	now := s.clock.Now()
	st := s.account(acct, now)
	var head, lines []wire.Message
	for _, kv := range st.values() {
		head = append(head, &wire.AcctValue{Key: kv[0], Value: kv[1], Currency: kv[2], Account: acct})
	}
	for _, p := range st.positions {
		k := p.ser.in.contract()
		k.Exchange = ""
		if k.PrimaryExchange == "" {
			k.PrimaryExchange = p.ser.in.exchange
		}
		lines = append(lines, &wire.PortfolioValue{Contract: k, Position: p.qty, MarketPrice: p.mark, MarketValue: p.value,
			AverageCost: p.avgCost, UnrealizedPnL: p.unreal, RealizedPnL: p.real, Account: acct})
	}
	tail := []wire.Message{&wire.AcctUpdateTime{Time: now.In(s.cfg.dates.loc).Format("15:04")}, &wire.AcctDownloadEnd{Account: acct}}
	s.sendCut(c, "portfolio", head, lines, tail)
}

// reqAccountUpdatesMulti answers with the account's values, then END.
func (s *Server) reqAccountUpdatesMulti(c *client, m *wire.ReqAccountUpdatesMulti) {
	accts := s.cfg.Accounts
	if m.Account != "" && !strings.EqualFold(m.Account, "All") {
		acct, ok := s.accountOr(m.Account)
		if !ok {
			c.send(s.invalid(m.ReqID, "Unknown account "+clip(m.Account)))
			return
		}
		accts = []string{acct}
	}
	now := s.clock.Now()
	var msgs []wire.Message
	for _, acct := range accts {
		st := s.account(acct, now)
		for _, kv := range st.values() {
			msgs = append(msgs, &wire.AccountUpdateMulti{ReqID: m.ReqID, Account: acct, ModelCode: m.ModelCode, Key: kv[0], Value: kv[1], Currency: kv[2]})
		}
	}
	c.send(append(msgs, &wire.AccountUpdateMultiEnd{ReqID: m.ReqID})...)
}

func (s *Server) reqPositions(c *client) {
	now := s.clock.Now()
	var lines []wire.Message
	for _, acct := range s.cfg.Accounts {
		for _, p := range s.account(acct, now).positions {
			k := p.ser.in.contract()
			if k.PrimaryExchange != "" {
				k.Exchange = k.PrimaryExchange // POSITION_DATA names the listing exchange
			}
			k.PrimaryExchange = ""
			lines = append(lines, &wire.PositionData{Account: acct, Contract: k, Position: p.qty, AvgCost: p.avgCost})
		}
	}
	s.sendCut(c, "positions", nil, lines, []wire.Message{&wire.PositionEnd{}})
}

func tradingClass(in instrument) string {
	if in.exchange == "NASDAQ" {
		return "NMS"
	}
	return in.symbol
}

// reqAccountSummary answers the requested tags once per account, then END.
// "$LEDGER" tags give the per-currency cash figures.
func (s *Server) reqAccountSummary(c *client, m *wire.ReqAccountSummary) {
	now := s.clock.Now()
	want := map[string]bool{}
	for _, tag := range strings.Split(m.Tags, ",") {
		want[strings.TrimSpace(tag)] = true
	}
	ledger := want["$LEDGER"] || want["$LEDGER:ALL"] || want["$LEDGER:USD"]
	var msgs []wire.Message
	for _, acct := range s.cfg.Accounts {
		st := s.account(acct, now)
		for _, kv := range st.values() {
			switch {
			case kv[0] == "CashBalance" && ledger:
			case kv[2] == "BASE" || !want[kv[0]]:
				continue
			}
			msgs = append(msgs, &wire.AccountSummary{ReqID: m.ReqID, Account: acct, Tag: kv[0], Value: kv[1], Currency: kv[2]})
		}
	}
	c.send(append(msgs, &wire.AccountSummaryEnd{ReqID: m.ReqID})...)
}

// pnlSub is a streaming reqPnL (conID 0) or reqPnLSingle: the answer comes
// at once, then again whenever the figures change, at most once a sim second.
type pnlSub struct {
	reqID   int
	account string
	conID   int64
	single  bool
	last    wire.Message // what was last sent (pusher-owned once registered)
	lastSec int64
}

// pnlMessage is the sub's answer from st.
func (p *pnlSub) message(st *accountState) wire.Message {
	if !p.single {
		return &wire.PnL{ReqID: p.reqID, DailyPnL: st.daily, UnrealizedPnL: st.unreal, RealizedPnL: st.real}
	}
	for _, h := range st.positions {
		if h.ser.in.conID == p.conID {
			return &wire.PnLSingle{ReqID: p.reqID, Pos: h.qty, DailyPnL: h.daily, UnrealizedPnL: h.unreal, RealizedPnL: h.real, Value: h.value}
		}
	}
	// A conId not held: IB's unset figures.
	return &wire.PnLSingle{ReqID: p.reqID, DailyPnL: wire.UnsetDouble, UnrealizedPnL: wire.UnsetDouble, RealizedPnL: wire.UnsetDouble, Value: wire.UnsetDouble}
}

func (s *Server) subscribePnL(c *client, p *pnlSub) {
	acct, ok := s.accountOr(p.account)
	if !ok {
		c.send(s.invalid(p.reqID, "Unknown account "+clip(p.account)))
		return
	}
	p.account = acct
	now := s.clock.Now()
	st := s.account(acct, now)
	p.last, p.lastSec = p.message(&st), now.Unix()
	s.mu.Lock()
	defer s.mu.Unlock()
	switch _, dup := c.pnl[p.reqID]; {
	case dup:
		c.send(s.duplicate(p.reqID))
	case c.out.isClosed():
	default:
		c.send(p.last)
		c.pnl[p.reqID] = p
		s.bumpLocked()
	}
}

// reqPnL streams the account's daily, unrealized and realized P&L.
func (s *Server) reqPnL(c *client, m *wire.ReqPnL) {
	s.subscribePnL(c, &pnlSub{reqID: m.ReqID, account: m.Account})
}

// reqPnLSingle streams one position's P&L; a conId not held gives unset figures.
func (s *Server) reqPnLSingle(c *client, m *wire.ReqPnLSingle) {
	s.subscribePnL(c, &pnlSub{reqID: m.ReqID, account: m.Account, conID: m.ConID, single: true})
}

// pushPnL appends p's answer if it changed and a sim second has passed.
func (s *Server) pushPnL(msgs []wire.Message, p *pnlSub, accts map[string]*accountState, now time.Time) []wire.Message {
	if now.Unix() == p.lastSec {
		return msgs
	}
	st := accts[p.account]
	if st == nil {
		v := s.account(p.account, now)
		st = &v
		accts[p.account] = st
	}
	m := p.message(st)
	if reflect.DeepEqual(m, p.last) {
		return msgs
	}
	p.last, p.lastSec = m, now.Unix()
	return append(msgs, m)
}

// reqContractData describes the one instrument a contract names, or 200.
func (s *Server) reqContractData(c *client, m *wire.ReqContractData) {
	k := m.Contract
	if ex := strings.ToUpper(k.Exchange); ex == "SMART" || ex == "" {
		k.Exchange = ""
	}
	ser := s.resolve(k)
	if ser == nil || (k.Exchange != "" && !strings.EqualFold(k.Exchange, ser.in.exchange) && !strings.EqualFold(k.Exchange, ser.in.venue)) {
		c.send(s.errMsg(m.ReqID, 200, textNoSecDef))
		return
	}
	c.send(&wire.ContractData{ReqID: m.ReqID, Details: s.details(ser.in)}, &wire.ContractDataEnd{ReqID: m.ReqID})
}

func (s *Server) details(in instrument) wire.ContractDetails {
	k := in.contract()
	d := wire.ContractDetails{Contract: k, MarketName: k.TradingClass, MinTick: cmpOrF(in.minTick, 0.01),
		OrderTypes:     "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,DAY,DEACT,GTC,GTD,LIT,LMT,MIT,MKT,MOC,MTL,NONALGO,OCA,REL,STP,STPLMT,TRAIL",
		ValidExchanges: "SMART," + in.exchange, PriceMagnifier: 1, LongName: in.symbol, TimeZoneID: "US/Eastern",
		TradingHours: "", LiquidHours: "", AggGroup: 1, MarketRuleIDs: "26", MinSize: 1, SizeIncrement: 1, SuggestedSizeIncrement: 100}
	switch in.SecType() {
	case "STK":
		d.Industry, d.Category, d.StockType = "Technology", "Computers", "COMMON"
		if in.exchange == "ARCA" {
			d.StockType = "ETF"
		}
	case "CASH":
		d.ValidExchanges, d.LongName, d.TimeZoneID, d.StockType = in.venue, "European Monetary Union Euro", "US/Eastern", ""
		d.MinSize, d.SizeIncrement, d.SuggestedSizeIncrement, d.MarketRuleIDs = 1, 1, 20000, "239"
	case "FUT":
		d.ValidExchanges, d.LongName, d.TimeZoneID = in.venue, "E-mini S&P 500", "US/Central"
		d.ContractMonth, d.UnderSymbol, d.UnderSecType, d.RealExpirationDate = in.lastTrade[:6], "ES", "IND", in.lastTrade
		d.LastTradeDate, d.UnderConID, d.MarketRuleIDs = in.lastTrade, 11004968, "67"
	}
	return d
}

func cmpOrF(a, b float64) float64 {
	if a != 0 {
		return a
	}
	return b
}

// simExec is one of today's fills "from another client".
type simExec struct {
	acct     string
	ser      *series
	id       string
	orderID  int64
	permID   int64
	clientID int
	side     string
	t        time.Time
	wire.Execution
}

// execClientID is the client the simulated fills and open orders belong to.
const execClientID = 7

// executions are today's fills: a sell of part of the first two holdings
// and a buy of the third, 1, 2 and 3 hours after the day's start in the
// login zone, seen only once the clock has passed them.
func (s *Server) executions(acct string, now time.Time) []simExec {
	specs := s.holdings()
	local := now.In(s.cfg.dates.loc)
	day := time.Date(local.Year(), local.Month(), local.Day(), 9, 30, 0, 0, s.cfg.dates.loc)
	var out []simExec
	for i, spec := range specs {
		if i >= 3 {
			break
		}
		ser := s.market.lookup(spec.Symbol)
		if ser == nil || spec.Qty == 0 {
			continue
		}
		t := day.Add(time.Duration(i+1) * 45 * time.Minute)
		if t.After(now) {
			continue
		}
		price, _ := ser.quote(t.Unix())
		side, qty := "SLD", math.Max(1, math.Round(math.Abs(spec.Qty)/10))
		if i == 2 {
			side = "BOT"
		}
		h := mix64(uint64(s.cfg.Seed) ^ fnv64(acct+spec.Symbol))
		e := simExec{acct: acct, ser: ser, orderID: int64(90 + i), permID: int64(1_000_000_000 + h%900_000_000), clientID: execClientID, side: side, t: t}
		e.id = fmt.Sprintf("%08x.%08x.01.01", uint32(h>>32), uint32(t.Unix()))
		e.Execution = wire.Execution{ExecID: e.id, Account: acct, Exchange: cmpOr(ser.in.venue, ser.in.exchange), Side: side,
			Shares: qty, Price: price, PermID: e.permID, ClientID: execClientID, CumQty: qty, AvgPrice: price, OrderRef: fmt.Sprintf("other-%d", i+1), LastLiquidity: 2}
		out = append(out, e)
	}
	return out
}

// closingExec is the holding's sell today, if any (its realized P&L).
func (s *Server) closingExec(acct string, ser *series, now time.Time) (simExec, bool) {
	for _, e := range s.executions(acct, now) {
		if e.ser == ser && e.side == "SLD" {
			return e, true
		}
	}
	return simExec{}, false
}

func (s *Server) execTime(t time.Time, v int) string {
	t = t.In(s.cfg.dates.loc)
	if v >= wire.VersionParametrizedDays {
		return t.Format("20060102 15:04:05") + " " + s.cfg.dates.name
	}
	return t.Format("20060102  15:04:05")
}

// reqExecutions answers today's fills that match the filter, each with its
// COMMISSION_REPORT, then EXECUTION_DATA_END.
func (s *Server) reqExecutions(c *client, m *wire.ReqExecutions) {
	f := &m.Filter
	v := int(c.version.Load())
	now := s.clock.Now()
	var msgs, reports []wire.Message
	for _, acct := range s.cfg.Accounts {
		if f.AcctCode != "" && f.AcctCode != acct {
			continue
		}
		for _, e := range s.executions(acct, now) {
			k := e.ser.in.contract()
			if (f.Symbol != "" && !strings.EqualFold(f.Symbol, k.Symbol)) || (f.SecType != "" && !strings.EqualFold(f.SecType, k.SecType)) ||
				(f.Side != "" && !strings.EqualFold(f.Side[:1], e.side[:1])) || (f.ClientID != 0 && f.ClientID != e.clientID) {
				continue
			}
			k.Exchange, k.PrimaryExchange = e.Exchange, ""
			x := e.Execution
			x.Time = s.execTime(e.t, v)
			msgs = append(msgs, &wire.ExecutionData{ReqID: m.ReqID, OrderID: e.orderID, Contract: k, Exec: x})
			realized := wire.UnsetDouble
			if e.side == "SLD" {
				if p, ok := s.position(acct, e.ser, now); ok {
					realized = p.real
				}
			}
			reports = append(reports, &wire.CommissionReport{ExecID: e.id, Commission: 1, Currency: "USD", RealizedPnL: realized, Yield: wire.UnsetDouble})
		}
	}
	msgs = append(msgs, &wire.ExecutionDataEnd{ReqID: m.ReqID})
	c.send(append(msgs, reports...)...)
}

func (s *Server) position(acct string, ser *series, now time.Time) (simPosition, bool) {
	for _, p := range s.account(acct, now).positions {
		if p.ser == ser {
			return p, true
		}
	}
	return simPosition{}, false
}

// simOrder is a resting order of another client (or of TWS, client 0).
type simOrder struct {
	o  wire.OpenOrder
	st wire.OrderStatus
}

// orders are two resting orders per account: a limit buy of the first
// holding below the market (client 7) and a stop sell of the second below
// it (TWS, client 0).
func (s *Server) orders(now time.Time) []simOrder {
	specs := s.holdings()
	var out []simOrder
	for ai, acct := range s.cfg.Accounts {
		for i, spec := range specs {
			if i >= 2 {
				break
			}
			ser := s.market.lookup(spec.Symbol)
			if ser == nil {
				continue
			}
			mark, _ := ser.quote(floorDiv(now.Unix(), secondsPerDay) * secondsPerDay)
			k := ser.in.contract()
			k.PrimaryExchange = ""
			id := int64(100 + 10*ai + i)
			o := wire.OpenOrder{OrderID: id, Contract: k, TotalQty: math.Max(1, math.Round(math.Abs(spec.Qty)/2)), TIF: "GTC", Account: acct,
				PermID: 2_000_000_000 + id, DeltaNeutralOrderType: "None", Commission: wire.UnsetDouble, AuxPrice: wire.UnsetDouble, LmtPrice: wire.UnsetDouble}
			if i == 0 {
				o.Action, o.OrderType, o.LmtPrice, o.ClientID, o.Status, o.OrderRef = "BUY", "LMT", round2(mark*0.95), execClientID, "Submitted", "other-limit"
			} else {
				o.Action, o.OrderType, o.AuxPrice, o.ClientID, o.Status, o.OrderRef = "SELL", "STP", round2(mark*0.9), 0, "PreSubmitted", ""
			}
			st := wire.OrderStatus{OrderID: id, Status: o.Status, Remaining: o.TotalQty, PermID: o.PermID, ClientID: o.ClientID}
			out = append(out, simOrder{o: o, st: st})
		}
	}
	return out
}

// reqOpenOrders answers the open orders: with all, every client's;
// otherwise this client id's (client 0 also sees TWS's). Each is
// OPEN_ORDER then ORDER_STATUS; OPEN_ORDER_END closes the list.
func (s *Server) reqOpenOrders(c *client, all bool) {
	s.mu.Lock()
	id := c.id
	s.mu.Unlock()
	var msgs []wire.Message
	for _, o := range s.orders(s.clock.Now()) {
		if all || o.o.ClientID == id {
			msgs = append(msgs, &o.o, &o.st)
		}
	}
	c.send(append(msgs, &wire.OpenOrderEnd{})...)
}

func (s *Server) reqAutoOpenOrders(c *client) {
	s.mu.Lock()
	id := c.id
	s.mu.Unlock()
	if id != 0 {
		c.send(s.errMsg(-1, 327, "Only API connections with clientId set to 0 can set the auto bind TWS orders property."))
	}
}

func positionsOrDefault(p []PositionSpec) []PositionSpec {
	if p == nil {
		return DefaultPositions
	}
	return append([]PositionSpec(nil), p...)
}
