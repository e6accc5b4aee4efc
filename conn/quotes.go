package conn

import (
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// QuoteSub is a streaming market-data request (REQ_MKT_DATA) the session
// keeps alive: sent when the session is ready, and sent again after every
// reconnect or 1101/1102. Each one holds one of the account's market-data
// lines while it is open; the caller keeps count of its budget.
type QuoteSub struct {
	s        *Session
	contract wire.Contract
	handler  func(TickEvent)

	// Owned by the session goroutine.
	reqID int         // id on the current connection; 0 when not sent on it
	retry *time.Timer // a pending retry after an interruption

	mu        sync.Mutex
	cancelled bool
	refused   string // the gateway's refusal on this connection ("101 Max number of tickers ..."), "" if none
}

// Contract is what the subscription asks quotes for.
func (q *QuoteSub) Contract() wire.Contract { return q.contract }

// Refused says why the gateway refused the request on the current
// connection; "" while it is open or waiting to be sent.
func (q *QuoteSub) Refused() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.refused
}

// Cancel stops the subscription for good and frees its line.
func (q *QuoteSub) Cancel() {
	q.mu.Lock()
	q.cancelled = true
	q.mu.Unlock()
	q.s.do(func() { q.s.cancelQuote(q) })
}

func (q *QuoteSub) isCancelled() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.cancelled
}

func (q *QuoteSub) setRefused(why string) {
	q.mu.Lock()
	q.refused = why
	q.mu.Unlock()
}

// quoteSubs is the session's market-data requests (session goroutine only,
// except list, which is guarded by the session's mu).
type quoteSubs struct {
	list    []*QuoteSub // registration order: the order they are (re)sent in
	queue   []*QuoteSub // waiting for the rate limiter
	cancels []int       // CANCEL_MKT_DATA waiting for the rate limiter
}

// SubscribeQuotes registers a market-data subscription. h receives every
// tick and error on the reader goroutine; it must be safe for concurrent use
// and must not block. A refusal (no such security, no market-data
// permission, 101: no lines left) ends the request on the current connection
// (Refused says why) until the next reconnect or 1101/1102; any other error
// (10197, 10182, ...) interrupts it, and it is asked again after
// Config.RetryDelay. A market-data farm back from broken has every quote
// asked again, as bars are.
func (s *Session) SubscribeQuotes(c wire.Contract, h func(TickEvent)) *QuoteSub {
	q := &QuoteSub{s: s, contract: c, handler: h}
	s.do(func() {
		if q.isCancelled() {
			return
		}
		s.mu.Lock()
		s.quotes.list = append(s.quotes.list, q)
		s.mu.Unlock()
		if s.client != nil {
			s.quotes.queue = append(s.quotes.queue, q)
			s.pump()
		}
	})
	return q
}

// requeueQuotes queues every quote subscription for a fresh connection.
func (s *Session) requeueQuotes() {
	s.mu.Lock()
	s.quotes.queue = append(s.quotes.queue[:0], s.quotes.list...)
	s.mu.Unlock()
	for _, q := range s.quotes.queue {
		q.stopRetry()
		q.setRefused("")
	}
}

// renewQuotes cancels and re-requests every open quote on the same
// connection: a market-data farm back from broken does not resume them.
func (s *Session) renewQuotes() {
	for _, q := range s.quotes.list {
		if q.reqID != 0 && !slices.Contains(s.quotes.queue, q) {
			s.queueQuoteCancel(q.reqID)
			q.reqID = 0
			s.quotes.queue = append(s.quotes.queue, q)
		}
	}
}

func (q *QuoteSub) stopRetry() {
	if q.retry != nil {
		q.retry.Stop()
		q.retry = nil
	}
}

// retryQuote asks for q again after Config.RetryDelay unless a reconnect
// or 1101/1102 does first.
func (s *Session) retryQuote(q *QuoteSub) {
	q.stopRetry()
	q.retry = time.AfterFunc(s.cfg.RetryDelay, func() {
		s.do(func() {
			q.retry = nil
			if s.client != nil && q.reqID == 0 && !q.isCancelled() && !slices.Contains(s.quotes.queue, q) {
				s.quotes.queue = append(s.quotes.queue, q)
				s.pump()
			}
		})
	})
}

// forgetQuotes drops what was sent on a connection that has gone.
func (s *Session) forgetQuotes() {
	for _, q := range s.quotes.list {
		q.reqID = 0
		q.stopRetry()
	}
	s.quotes.queue = s.quotes.queue[:0]
	s.quotes.cancels = nil
}

func (s *Session) queueQuoteCancel(reqID int) {
	if s.client != nil {
		s.client.unroute(reqID)
		s.quotes.cancels = append(s.quotes.cancels, reqID)
	}
}

func (s *Session) cancelQuote(q *QuoteSub) {
	q.stopRetry()
	if q.reqID != 0 {
		s.queueQuoteCancel(q.reqID)
		q.reqID = 0
	}
	s.mu.Lock()
	s.quotes.list = slices.DeleteFunc(s.quotes.list, func(x *QuoteSub) bool { return x == q })
	s.mu.Unlock()
	s.quotes.queue = slices.DeleteFunc(s.quotes.queue, func(x *QuoteSub) bool { return x == q })
	s.pump()
}

// pumpQuotes sends queued quote cancels and requests while the rate limiter
// allows; a positive result is how long to wait for the next token.
func (s *Session) pumpQuotes() time.Duration {
	for len(s.quotes.cancels) > 0 {
		if d := s.reserve(); d > 0 {
			return d
		}
		if s.client.send(&wire.CancelMktData{ReqID: s.quotes.cancels[0]}) != nil {
			return 0 // the client is dying; serve sees it
		}
		s.quotes.cancels = s.quotes.cancels[1:]
	}
	for len(s.quotes.queue) > 0 {
		q := s.quotes.queue[0]
		if q.isCancelled() {
			s.quotes.queue = s.quotes.queue[1:]
			continue
		}
		if d := s.reserve(); d > 0 {
			return d
		}
		reqID := s.client.NextReqID()
		if err := s.client.RequestMarketData(reqID, q.contract, s.deliverTicks(q, reqID)); err != nil {
			return 0 // the client is dying; serve sees it and everything is requeued
		}
		q.reqID = reqID
		s.quotes.queue = s.quotes.queue[1:]
	}
	return 0
}

// deliverTicks wraps the subscriber's handler for one request on one
// connection: an error ends the request there, and one that is no refusal
// has it asked again later.
func (s *Session) deliverTicks(q *QuoteSub, reqID int) func(TickEvent) {
	return func(ev TickEvent) {
		ev.ReqID = reqID
		if ev.Code != 0 && !isWarning(ev.Code) {
			refused := isRefusal(ev.Code, ev.Text) || ev.Code == codeMaxTickers
			if refused {
				q.setRefused(errorText(ev.Code, ev.Text))
			}
			s.do(func() {
				if q.reqID != reqID {
					return // an answer for a request this connection no longer has
				}
				if s.client != nil {
					s.client.unroute(reqID)
				}
				q.reqID = 0
				// A 10197 here does not degrade the session: only a bar
				// backfill answered would end that.
				if !refused && !q.isCancelled() {
					s.retryQuote(q)
				}
			})
		}
		q.handler(ev)
	}
}

// codeMaxTickers is IB's 101: every market-data line of the account is taken.
const codeMaxTickers = 101

func errorText(code int, text string) string {
	return strconv.Itoa(code) + " " + text
}
