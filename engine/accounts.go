package engine

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
	"github.com/robotui/robotui/engine/account"
)

// The account model: one book per managed account, filled from the
// session's account rounds (conn.AccountRound, conn.AccountMsg). Each part
// (positions, portfolio marks, account values, summary, executions, open
// orders) is built into a pending copy and replaces the published one only
// at its *_END, so a snapshot never holds half a download, nor old and new
// lines of one part mixed. A round cut short by a reconnect is forgotten:
// the published parts stay (shown stale) until the next round's ENDs. Lines
// that arrive after a part's END are updates and apply one by one.

// part is one downloadable part of the account.
type part int

const (
	partPositions  part = iota // REQ_POSITIONS: every account
	partPortfolio              // REQ_ACCT_DATA: one account's values and marks
	partSummary                // REQ_ACCOUNT_SUMMARY: every account
	partExecutions             // REQ_EXECUTIONS: every account
	partOrders                 // REQ_ALL_OPEN_ORDERS: every account
	nParts
)

// posLine is one POSITION_DATA.
type posLine struct {
	account string
	k       wire.Contract
	qty     float64
	avgCost float64
}

// markLine is one PORTFOLIO_VALUE.
type markLine struct {
	qty, price, value, unreal, real float64
}

type pnlFigures struct {
	daily, unreal, real, value float64
	ok                         bool
}

// acctValues are one account's key/value figures (ACCT_VALUE, summary).
type acctValues map[string]string // "key|currency" → value

// accountModel is guarded by mu: the session goroutine writes, the
// publisher reads.
type accountModel struct {
	mu      sync.Mutex
	loc     func() *time.Location // zone of zone-less execution times
	round   uint64
	order   []string
	loading [nParts]bool // the part's download of this round has not ended

	// published parts
	positions map[string]map[int64]posLine    // account → conId → line
	marks     map[string]map[int64]markLine   // account → conId → line
	values    map[string]acctValues           // ACCT_VALUE, by account
	summary   map[string]acctValues           // ACCOUNT_SUMMARY, by account
	pnl       map[string]pnlFigures           // reqPnL, by account
	pnlSingle map[string]map[int64]pnlFigures // account → conId
	execs     map[string]wire.ExecutionData   // execId → fill
	orders    map[int64]account.Order         // by order id
	comms     map[string]wire.CommissionReport
	updated   map[string]time.Time
	marksAcct string          // the account the portfolio download is of
	quoted    map[string]bool // accounts whose holdings have quote lines

	// pending parts of the current round
	pPositions map[string]map[int64]posLine
	pMarks     map[int64]markLine
	pValues    acctValues
	pSummary   map[string]acctValues
	pExecs     map[string]wire.ExecutionData
	pOrders    map[int64]account.Order
}

func newAccountModel(loc func() *time.Location) *accountModel {
	return &accountModel{loc: loc, positions: map[string]map[int64]posLine{}, marks: map[string]map[int64]markLine{},
		values: map[string]acctValues{}, summary: map[string]acctValues{}, pnl: map[string]pnlFigures{},
		pnlSingle: map[string]map[int64]pnlFigures{}, execs: map[string]wire.ExecutionData{}, orders: map[int64]account.Order{},
		comms: map[string]wire.CommissionReport{}, updated: map[string]time.Time{}, quoted: map[string]bool{}}
}

// startRound forgets every pending part: a new round asks for all again.
// Asked again on the same connection (r.Again), a part still downloading
// keeps its pending lines: the old download's END, which cannot be told
// apart from the new one's, then publishes it whole, and the new round's
// lines follow as updates.
func (a *accountModel) startRound(r conn.AccountRound) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.round = r.Round
	a.order = slices.Clone(r.Accounts)
	keep := [nParts]bool{}
	for i := range a.loading {
		keep[i] = r.Again && a.loading[i]
		a.loading[i] = true
	}
	if !keep[partPositions] {
		a.pPositions = map[string]map[int64]posLine{}
	}
	if !keep[partPortfolio] {
		a.pMarks, a.pValues = map[int64]markLine{}, acctValues{}
	}
	if !keep[partSummary] {
		a.pSummary = map[string]acctValues{}
	}
	if !keep[partExecutions] {
		a.pExecs = map[string]wire.ExecutionData{}
	}
	if !keep[partOrders] {
		a.pOrders = map[int64]account.Order{}
	}
	if len(r.Accounts) > 0 {
		a.marksAcct = r.Accounts[0]
	}
}

func key(k, ccy string) string { return k + "|" + ccy }

// apply folds one message in; it reports whether anything published changed.
func (a *accountModel) apply(ev conn.AccountMsg, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ev.Round != a.round {
		return false // a message of a round that is over
	}
	touch := func(acct string) { a.updated[acct] = now }
	switch m := ev.Msg.(type) {
	case *wire.PositionData:
		if !finite(m.Position) || !finite(m.AvgCost) { // POSITION_DATA's decoder is lenient
			return false
		}
		line := posLine{account: m.Account, k: m.Contract, qty: m.Position, avgCost: m.AvgCost}
		if a.loading[partPositions] {
			inner(a.pPositions, m.Account)[m.Contract.ConID] = line
			return false
		}
		if m.Position == 0 {
			delete(inner(a.positions, m.Account), m.Contract.ConID)
		} else {
			inner(a.positions, m.Account)[m.Contract.ConID] = line
		}
		touch(m.Account)
	case *wire.PositionEnd:
		if !a.loading[partPositions] {
			return false
		}
		a.loading[partPositions] = false
		a.positions = a.pPositions
		for acct, lines := range a.positions {
			maps.DeleteFunc(lines, func(_ int64, l posLine) bool { return l.qty == 0 })
			touch(acct)
		}
		a.pPositions = nil
	case *wire.PortfolioValue:
		line := markLine{qty: m.Position, price: m.MarketPrice, value: m.MarketValue, unreal: m.UnrealizedPnL, real: m.RealizedPnL}
		if a.loading[partPortfolio] {
			a.pMarks[m.Contract.ConID] = line
			return false
		}
		inner(a.marks, m.Account)[m.Contract.ConID] = line
		touch(m.Account)
	case *wire.AcctValue:
		if a.loading[partPortfolio] {
			a.pValues[key(m.Key, m.Currency)] = m.Value
			return false
		}
		innerV(a.values, m.Account)[key(m.Key, m.Currency)] = m.Value
		touch(m.Account)
	case *wire.AcctDownloadEnd:
		if !a.loading[partPortfolio] {
			return false
		}
		a.loading[partPortfolio] = false
		acct := cmp.Or(m.Account, a.marksAcct)
		a.marks[acct], a.values[acct] = a.pMarks, a.pValues
		a.pMarks, a.pValues = nil, nil
		touch(acct)
	case *wire.AccountSummary:
		if a.loading[partSummary] {
			innerV(a.pSummary, m.Account)[key(m.Tag, m.Currency)] = m.Value
			return false
		}
		innerV(a.summary, m.Account)[key(m.Tag, m.Currency)] = m.Value
		touch(m.Account)
	case *wire.AccountSummaryEnd:
		if !a.loading[partSummary] {
			return false
		}
		a.loading[partSummary] = false
		a.summary, a.pSummary = a.pSummary, nil
		for acct := range a.summary {
			touch(acct)
		}
	case *wire.PnL:
		a.pnl[ev.Account] = pnlFigures{daily: unset(m.DailyPnL), unreal: unset(m.UnrealizedPnL), real: unset(m.RealizedPnL), ok: true}
		touch(ev.Account)
	case *wire.PnLSingle:
		inner(a.pnlSingle, ev.Account)[ev.ConID] = pnlFigures{daily: unset(m.DailyPnL), unreal: unset(m.UnrealizedPnL), real: unset(m.RealizedPnL),
			value: unset(m.Value), ok: m.DailyPnL != wire.UnsetDouble}
		touch(ev.Account)
	case *wire.ExecutionData:
		if a.loading[partExecutions] && m.ReqID >= 0 {
			a.pExecs[m.Exec.ExecID] = *m
			return false
		}
		a.execs[m.Exec.ExecID] = *m // a live fill (reqId -1), or a correction
		touch(m.Exec.Account)
	case *wire.ExecutionDataEnd:
		if !a.loading[partExecutions] {
			return false
		}
		a.loading[partExecutions] = false
		for id, e := range a.execs {
			if e.ReqID < 0 { // a live fill of this connection the download may not hold yet
				if _, ok := a.pExecs[id]; !ok {
					a.pExecs[id] = e
				}
			}
		}
		a.execs, a.pExecs = a.pExecs, nil
		for _, acct := range a.order {
			touch(acct)
		}
	case *wire.CommissionReport:
		a.comms[m.ExecID] = *m
		if e, ok := a.execs[m.ExecID]; ok {
			touch(e.Exec.Account)
		}
	case *wire.OpenOrder:
		o := orderOf(m)
		target := a.orders
		if a.loading[partOrders] {
			target = a.pOrders
		}
		if prev, ok := target[o.OrderID]; ok { // ORDER_STATUS came first
			o.Filled, o.Remaining = prev.Filled, prev.Remaining
		}
		if doneStatus(o.Status) {
			delete(target, o.OrderID)
		} else {
			target[o.OrderID] = o
		}
		if !a.loading[partOrders] {
			touch(m.Account)
		}
	case *wire.OrderStatus:
		target := a.orders
		if a.loading[partOrders] {
			target = a.pOrders
		}
		o, ok := target[m.OrderID]
		if !ok {
			return false
		}
		o.Status, o.Filled, o.Remaining = m.Status, m.Filled, m.Remaining
		if doneStatus(o.Status) {
			delete(target, m.OrderID)
		} else {
			target[m.OrderID] = o
		}
		if !a.loading[partOrders] {
			touch(o.Account)
		}
	case *wire.OpenOrderEnd:
		if !a.loading[partOrders] {
			return false
		}
		a.loading[partOrders] = false
		a.orders, a.pOrders = a.pOrders, nil
		for _, acct := range a.order {
			touch(acct)
		}
	default:
		return false
	}
	return true
}

func inner[V any](m map[string]map[int64]V, acct string) map[int64]V {
	if m[acct] == nil {
		m[acct] = map[int64]V{}
	}
	return m[acct]
}

func innerV(m map[string]acctValues, acct string) acctValues {
	if m[acct] == nil {
		m[acct] = acctValues{}
	}
	return m[acct]
}

// unset turns the wire's unset double into 0 for display.
func unset(v float64) float64 {
	if v == wire.UnsetDouble || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// doneStatus: the order is no longer open (ib_async's done states).
func doneStatus(s string) bool {
	switch s {
	case "Filled", "Cancelled", "ApiCancelled", "Inactive":
		return true
	}
	return false
}

func orderOf(m *wire.OpenOrder) account.Order {
	return account.Order{OrderID: m.OrderID, PermID: m.PermID, ClientID: int64(m.ClientID), Account: m.Account, Symbol: m.Contract.Symbol,
		Action: m.Action, Type: m.OrderType, Qty: m.TotalQty, Remaining: m.TotalQty, LmtPrice: unset(m.LmtPrice), AuxPrice: unset(m.AuxPrice),
		TIF: m.TIF, Status: m.Status}
}

// multiplier reads a contract multiplier; "" or junk is 1.
func multiplier(s string) float64 {
	if v := number(s); v > 0 {
		return v
	}
	return 1
}

// number reads a value text; "" or junk is 0.
func number(s string) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// books copies the published parts into one Book per managed account.
func (a *accountModel) books(stale bool) []account.Book {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]account.Book, 0, len(a.order))
	for _, acct := range a.order {
		out = append(out, a.bookLocked(acct, stale))
	}
	return out
}

// figure is a value from the summary, else from the account updates.
func (a *accountModel) figure(acct, tag string) (string, bool) {
	for _, src := range []acctValues{a.summary[acct], a.values[acct]} {
		for _, ccy := range []string{"USD", "BASE", ""} {
			if v, ok := src[key(tag, ccy)]; ok {
				return v, true
			}
		}
		for k, v := range src { // another base currency
			if strings.HasPrefix(k, tag+"|") {
				return v, true
			}
		}
	}
	return "", false
}

func (a *accountModel) bookLocked(acct string, stale bool) account.Book {
	b := account.Book{Account: acct, UpdatedAt: a.updated[acct], Stale: stale}
	s := &b.Summary
	fig := func(tag string) float64 { v, _ := a.figure(acct, tag); return number(v) }
	s.NetLiquidation, s.Cash, s.BuyingPower = fig("NetLiquidation"), fig("TotalCashValue"), fig("BuyingPower")
	s.Currency = "USD"
	if v, ok := a.figure(acct, "Currency"); ok && v != "" {
		s.Currency = v
	}
	s.Tags = map[string]string{}
	for _, src := range []acctValues{a.values[acct], a.summary[acct]} { // the summary wins
		for k, v := range src {
			tag, _, _ := strings.Cut(k, "|")
			s.Tags[tag] = v
		}
	}
	marks := a.marks[acct]
	singles := a.pnlSingle[acct]
	var daily, unreal, real float64
	for id, p := range a.positions[acct] {
		pos := account.Position{Symbol: p.k.Symbol, ConID: id, SecType: p.k.SecType, Currency: p.k.Currency, Exchange: p.k.Exchange,
			LocalSymbol: p.k.LocalSymbol, Multiplier: p.k.Multiplier, LastTradeDate: p.k.LastTradeDateOrContractMonth, Qty: p.qty, AvgCost: p.avgCost}
		// A mark of another quantity belongs to another download: not mixed in.
		if m, ok := marks[id]; ok && m.qty == p.qty {
			pos.MarketPrice, pos.MarketValue, pos.UnrealizedPnL, pos.RealizedPnL = unset(m.price), unset(m.value), unset(m.unreal), unset(m.real)
		}
		if f, ok := singles[id]; ok && f.ok {
			pos.DailyPnL = f.daily
			if pos.MarketValue == 0 && pos.MarketPrice == 0 {
				// No portfolio line (an account other than the subscribed one): the P&L's own figures.
				pos.UnrealizedPnL, pos.RealizedPnL, pos.MarketValue = f.unreal, f.real, f.value
				if m := multiplier(p.k.Multiplier); p.qty != 0 {
					pos.MarketPrice = f.value / (p.qty * m)
				}
			}
		}
		if s.NetLiquidation != 0 {
			pos.PctNetLiq = 100 * pos.MarketValue / s.NetLiquidation
		}
		daily += pos.DailyPnL
		unreal += pos.UnrealizedPnL
		real += pos.RealizedPnL
		b.Positions = append(b.Positions, pos)
	}
	slices.SortFunc(b.Positions, func(x, y account.Position) int {
		return cmp.Or(cmp.Compare(x.Symbol, y.Symbol), cmp.Compare(x.ConID, y.ConID))
	})
	if f, ok := a.pnl[acct]; ok && f.ok {
		s.DailyPnL, s.UnrealizedPnL, s.RealizedPnL = f.daily, f.unreal, f.real
	} else {
		s.DailyPnL, s.UnrealizedPnL, s.RealizedPnL = daily, unreal, real
		if v, ok := a.figure(acct, "UnrealizedPnL"); ok {
			s.UnrealizedPnL = number(v)
		}
		if v, ok := a.figure(acct, "RealizedPnL"); ok {
			s.RealizedPnL = number(v)
		}
	}
	for _, e := range a.execs {
		if e.Exec.Account != acct {
			continue
		}
		x := account.Execution{ExecID: e.Exec.ExecID, Time: parseExecTime(e.Exec.Time, a.loc()), Symbol: e.Contract.Symbol,
			Side: account.Side(e.Exec.Side), Qty: e.Exec.Shares, Price: e.Exec.Price, Exchange: e.Exec.Exchange,
			OrderID: e.OrderID, ClientID: int64(e.Exec.ClientID)}
		if c, ok := a.comms[e.Exec.ExecID]; ok {
			x.Commission, x.Currency = unset(c.Commission), c.Currency
		}
		b.Executions = append(b.Executions, x)
	}
	slices.SortFunc(b.Executions, func(x, y account.Execution) int {
		return cmp.Or(x.Time.Compare(y.Time), cmp.Compare(x.ExecID, y.ExecID))
	})
	for _, o := range a.orders {
		if o.Account == acct {
			b.Orders = append(b.Orders, o)
		}
	}
	slices.SortFunc(b.Orders, func(x, y account.Order) int { return cmp.Compare(x.OrderID, y.OrderID) })
	return b
}

// parseExecTime reads "20230224  12:04:56" (the login zone) or
// "20260413 15:27:04 US/Eastern"; the zero time when it cannot.
func parseExecTime(s string, loc *time.Location) time.Time {
	f := strings.Fields(s)
	if len(f) < 2 {
		return time.Time{}
	}
	if len(f) >= 3 {
		if z, err := time.LoadLocation(f[2]); err == nil {
			loc = z
		}
	}
	t, err := time.ParseInLocation("20060102 15:04:05", f[0]+" "+f[1], loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// heldContracts is every account's held contracts, for their quotes, and
// the accounts whose holdings were asked for before and are gone now.
func (a *accountModel) heldContracts() (held map[string][]wire.Contract, gone []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	held = make(map[string][]wire.Contract, len(a.positions))
	for acct, lines := range a.positions {
		for _, l := range lines {
			k := l.k
			k.Exchange = quoteExchange(k.SecType, k.Exchange)
			held[acct] = append(held[acct], k)
		}
		slices.SortFunc(held[acct], func(x, y wire.Contract) int { return cmp.Compare(x.Symbol, y.Symbol) })
	}
	for acct := range a.quoted {
		if _, ok := held[acct]; !ok {
			gone = append(gone, acct)
			delete(a.quoted, acct)
		}
	}
	for acct := range held {
		a.quoted[acct] = true
	}
	return held, gone
}

// quoteExchange is where a held contract's quote is asked: SMART for stocks
// (POSITION_DATA names the listing exchange), else the exchange the position
// names, IDEALPRO for a currency that names none.
func quoteExchange(secType, exchange string) string {
	switch {
	case secType == "STK":
		return "SMART"
	case exchange == "" && secType == "CASH":
		return "IDEALPRO"
	}
	return exchange
}

// quotePositions keeps a quote line for every held contract (within the
// budget, after the watchlist), one owner per account.
func (e *Engine) quotePositions() {
	held, gone := e.acct.heldContracts()
	for acct, cs := range held {
		e.wantQuotes("positions:"+acct, cs)
	}
	for _, acct := range gone {
		e.wantQuotes("positions:"+acct, nil)
	}
}
