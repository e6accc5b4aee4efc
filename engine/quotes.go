package engine

import (
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// DefaultQuoteLines is IB's default market-data line budget for an account.
const DefaultQuoteLines = 100

// quoteWatchlist is the quote set's owner for the watchlist's symbols; it
// comes first, so the watchlist keeps its quotes when positions are many.
const quoteWatchlist = "watchlist"

// codeMaxTickers is IB's 101: the account's market-data lines are all taken.
const codeMaxTickers = 101

// quoteSet is the engine's market-data requests: every symbol some owner
// (the watchlist, an account's positions) wants, de-duplicated, within the
// line budget. Symbols beyond the budget, or refused for want of lines, get
// no quote and are listed in Snapshot.NoQuotes.
type quoteSet struct {
	sess   *conn.Session
	budget int
	onTick func(refused bool) // a quote changed, or the gateway refused one for want of lines
	onErr  func(code, reqID int, text, symbol string)

	mu     sync.Mutex
	owners map[string][]wire.Contract
	lines  map[string]*quoteLine // symbol → its open subscription
	over   []string              // wanted, beyond the budget, in want order
}

// quoteLine is one symbol's subscription and its newest quote.
type quoteLine struct {
	sub *conn.QuoteSub

	mu sync.Mutex
	q  Quote
}

func newQuoteSet(sess *conn.Session, budget int, onTick func(refused bool), onErr func(code, reqID int, text, symbol string)) *quoteSet {
	return &quoteSet{sess: sess, budget: budget, onTick: onTick, onErr: onErr,
		owners: make(map[string][]wire.Contract), lines: make(map[string]*quoteLine)}
}

// want replaces owner's contracts (nil or empty drops them) and brings the
// subscriptions in line: new symbols within the budget are requested,
// symbols nobody wants any more, or pushed beyond the budget, are cancelled.
func (qs *quoteSet) want(owner string, contracts []wire.Contract) {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	if len(contracts) == 0 {
		delete(qs.owners, owner)
	} else {
		qs.owners[owner] = slices.Clone(contracts)
	}
	order := make([]string, 0, len(qs.owners))
	for o := range qs.owners {
		if o != quoteWatchlist {
			order = append(order, o)
		}
	}
	slices.Sort(order)
	if _, ok := qs.owners[quoteWatchlist]; ok {
		order = slices.Insert(order, 0, quoteWatchlist)
	}
	keep := make(map[string]wire.Contract)
	var kept []string
	qs.over = qs.over[:0]
	for _, o := range order {
		for _, c := range qs.owners[o] {
			sym := strings.ToUpper(strings.TrimSpace(c.Symbol))
			if _, dup := keep[sym]; dup || sym == "" || slices.Contains(qs.over, sym) {
				continue
			}
			if len(kept) >= qs.budget {
				qs.over = append(qs.over, sym)
				continue
			}
			keep[sym] = c
			kept = append(kept, sym)
		}
	}
	for sym, l := range qs.lines {
		if _, ok := keep[sym]; !ok {
			l.sub.Cancel()
			delete(qs.lines, sym)
		}
	}
	for _, sym := range kept {
		if _, ok := qs.lines[sym]; ok {
			continue
		}
		l := &quoteLine{}
		l.sub = qs.sess.SubscribeQuotes(keep[sym], func(ev conn.TickEvent) {
			if ev.Code != 0 {
				qs.onErr(ev.Code, ev.ReqID, ev.Text, sym)
			}
			if l.apply(ev) {
				qs.onTick(ev.Code != 0)
			}
		})
		qs.lines[sym] = l
	}
}

// quote is symbol's newest quote; false when it has no line.
func (qs *quoteSet) quote(symbol string) (Quote, bool) {
	qs.mu.Lock()
	l := qs.lines[symbol]
	qs.mu.Unlock()
	if l == nil {
		return Quote{}, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.q, true
}

// missing lists the wanted symbols without quotes for want of lines: over
// the budget, or refused by the gateway with 101 (lines held elsewhere).
func (qs *quoteSet) missing() []string {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	var out []string
	for sym, l := range qs.lines {
		if strings.HasPrefix(l.sub.Refused(), "101 ") {
			out = append(out, sym)
		}
	}
	slices.Sort(out)
	return append(out, qs.over...)
}

// apply folds one tick into the quote; false when nothing shown changed.
func (l *quoteLine) apply(ev conn.TickEvent) bool {
	if ev.Code != 0 {
		return ev.Code == codeMaxTickers
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	q := &l.q
	old := *q
	price := ev.Price
	if !(price > 0) || math.IsInf(price, 0) { // IB's -1 is "no price"; NaN and infinities are no price either
		price = 0
	}
	switch {
	case ev.IsSize:
		switch ev.TickType {
		case wire.TickVolume, tickDelayedVolume:
			q.Volume = ev.Size
			if !(q.Volume >= 0) || math.IsInf(q.Volume, 0) {
				q.Volume = 0
			}
		}
	case ev.TickType == wire.TickBid || ev.TickType == tickDelayedBid:
		q.Bid = price
	case ev.TickType == wire.TickAsk || ev.TickType == tickDelayedAsk:
		q.Ask = price
	case ev.TickType == wire.TickLast || ev.TickType == tickDelayedLast:
		q.Last = price
	case ev.TickType == wire.TickClose || ev.TickType == tickDelayedClose:
		q.PrevClose = price
	}
	q.Change, q.ChangePct = 0, 0
	if q.Last > 0 && q.PrevClose > 0 {
		q.Change = q.Last - q.PrevClose
		q.ChangePct = q.Change / q.PrevClose * 100
	}
	q.At = old.At
	if *q == old {
		return false
	}
	q.At = time.Now()
	return true
}

// Delayed market data's tick types (after 10167, without a subscription).
const (
	tickDelayedBid    = 66
	tickDelayedAsk    = 67
	tickDelayedLast   = 68
	tickDelayedVolume = 74
	tickDelayedClose  = 75
)

// wantQuotes sets the contracts owner wants quotes for (the account data
// path: owner "positions:"+account, each account's position contracts at
// every *_END; nil when the account goes). The watchlist is its own owner
// and keeps its lines first; a symbol wanted by several owners holds one
// line. Safe for concurrent use; it never blocks on the session.
func (e *Engine) wantQuotes(owner string, contracts []wire.Contract) {
	if e.quotes != nil {
		e.quotes.want(owner, contracts)
	}
}

// quote is symbol's live quote (zero until the first tick); false when the
// symbol holds no market-data line.
func (e *Engine) quote(symbol string) (Quote, bool) {
	if e.quotes == nil {
		return Quote{}, false
	}
	return e.quotes.quote(symbol)
}

// onQuote publishes quote changes with the price refresh (at most once a
// second); a refusal for want of lines at once.
func (e *Engine) onQuote(refused bool) {
	if refused {
		e.markDirty()
		return
	}
	e.quiet.Store(true)
}

// onQuoteError writes a quote request's error as an ib.error event, except
// a watchlist symbol's 200: its bar request has said so already.
func (e *Engine) onQuoteError(code, reqID int, text, symbol string) {
	if code == 200 && e.bySymbol[symbol] != nil {
		return
	}
	e.ibError(code, reqID, text, symbol)
}
