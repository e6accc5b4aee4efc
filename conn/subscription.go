package conn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// SubStatus is where a subscription stands on the current connection.
type SubStatus string

const (
	SubQueued    SubStatus = "queued"      // waiting for a connection or the pacer
	SubRequested SubStatus = "backfilling" // sent, backfill not yet answered
	SubLive      SubStatus = "live"        // backfill received, updates flowing
	SubFailed    SubStatus = "error"       // the gateway refused it (Detail says why)
	SubCancelled SubStatus = "cancelled"
	// SubRecovering: asked again on the same connection because its data
	// stopped (a farm came back, or it went silent); it stays so until its
	// first live update, a backfill alone does not end it.
	SubRecovering SubStatus = "recovering"
)

// Subscription is a bar request the session keeps alive: sent when the
// session is ready, and sent again after every reconnect or 1101/1102.
type Subscription struct {
	s       *Session
	id      int
	req     BarRequest
	handler func(BarEvent)

	// Owned by the session goroutine.
	reqID    int  // id on the current connection; 0 when not sent on it
	awaiting bool // counts against the open-backfill limit
	sentOnce bool
	live     bool        // a backfill has been answered at least once
	retry    *time.Timer // a pending retry after an interruption
	renewing bool        // queued by renew: IB's identical-request gap applies whatever the bar size

	recovering atomic.Bool // renewed, no live update yet (read by the reader goroutine)

	mu     sync.Mutex
	status SubStatus
	detail string
}

// Status says where the subscription stands, and why when it failed.
func (sub *Subscription) Status() (SubStatus, string) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	switch sub.status {
	case SubQueued, SubRequested, SubLive:
		if sub.recovering.Load() {
			return SubRecovering, sub.detail
		}
	}
	return sub.status, sub.detail
}

// Request is what the subscription asks for.
func (sub *Subscription) Request() BarRequest { return sub.req }

func (sub *Subscription) set(st SubStatus, detail string) {
	sub.mu.Lock()
	sub.status, sub.detail = st, detail
	sub.mu.Unlock()
}

// Cancel stops the subscription for good.
func (sub *Subscription) Cancel() {
	sub.s.do(func() { sub.s.cancelSub(sub) })
}

// Refresh sends the request again (a fresh backfill), e.g. after an error.
func (sub *Subscription) Refresh() {
	sub.s.do(func() {
		if st, _ := sub.Status(); st == SubCancelled {
			return
		}
		sub.s.withdraw(sub)
		sub.s.enqueue(sub, "refresh")
		sub.s.pump()
	})
}

// Renew cancels the subscription's request and asks again on the same
// connection, through the pacer and never sooner than IB's identical-request
// gap after the last send; it is "recovering" until its next live update.
// Without a connection it does nothing: the next one sends it anyway.
func (sub *Subscription) Renew(reason string) {
	sub.s.do(func() {
		if sub.s.client != nil && sub.reqID != 0 {
			sub.s.renew(sub, reason)
			sub.s.pump()
		}
	})
}

// SubscribeBars registers a bar subscription. h receives every BarEvent;
// it is called from the session's and the reader's goroutines (possibly at
// the same time around a resubscription), so it must be safe for concurrent
// use, and it must not block.
func (s *Session) SubscribeBars(req BarRequest, h func(BarEvent)) *Subscription {
	s.mu.Lock()
	s.subID++
	sub := &Subscription{s: s, id: s.subID, req: req, handler: h, status: SubQueued, detail: "waiting for the connection"}
	s.subs[sub.id] = sub
	s.mu.Unlock()
	s.do(func() {
		if s.client != nil && sub.reqID == 0 { // a (re)connect may have sent it already
			s.enqueue(sub, "")
			s.pump()
		}
	})
	return sub
}

// reqDone tells the session goroutine that a backfill was answered.
type reqDone struct {
	sub   *Subscription
	reqID int
	code  int // 0 on success
	text  string
	// failure is the error event, handed to the subscriber only once
	// onReqDone has set the status it leads to (a waiter reads both).
	failure *BarEvent
}

func (s *Session) activeSubs() []*Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Subscription, 0, len(s.subs))
	for _, sub := range s.subs {
		out = append(out, sub)
	}
	slices.SortFunc(out, func(a, b *Subscription) int { return a.id - b.id })
	return out
}

// requeueAll queues every subscription after a (re)connect or 1101/1102:
// one refused before is asked again, since gateways refuse spuriously
// around their nightly maintenance.
func (s *Session) requeueAll(reason string) {
	s.queue = s.queue[:0]
	for _, sub := range s.activeSubs() {
		if st, _ := sub.Status(); st == SubCancelled {
			continue
		}
		sub.stopRetry()
		s.enqueue(sub, reason)
	}
	s.requeueQuotes()
}

func (sub *Subscription) stopRetry() {
	if sub.retry != nil {
		sub.retry.Stop()
		sub.retry = nil
	}
}

// resubscribeAll re-requests everything on the same connection after 1101
// or 1102. The old requests are cancelled first (after 1101 the gateway has
// usually dropped them; a cancel of a gone request only draws a harmless 366).
func (s *Session) resubscribeAll(c *Client, code int) {
	for _, sub := range s.activeSubs() {
		if sub.reqID != 0 {
			s.queueCancel(sub.reqID)
		}
		sub.reqID, sub.awaiting = 0, false
	}
	for _, q := range s.quotes.list {
		if q.reqID != 0 {
			s.queueQuoteCancel(q.reqID)
			q.reqID = 0
		}
	}
	s.open = 0
	s.requeueAll(fmt.Sprintf("%d", code))
	s.requeueRaw(fmt.Sprintf("%d", code), true)
	s.pump()
}

// renew withdraws sub's request and queues it again as recovering.
func (s *Session) renew(sub *Subscription, reason string) {
	if st, _ := sub.Status(); st == SubCancelled || st == SubFailed {
		return
	}
	s.withdraw(sub)
	sub.recovering.Store(true)
	sub.renewing = true
	s.enqueue(sub, reason)
}

// renewLive renews every live-updating request on the connection: what a
// farm back from broken serves. Which contracts a farm serves is not said,
// so all of them; a needless re-request costs one backfill, merged by time.
func (s *Session) renewLive(reason string) {
	for _, sub := range s.activeSubs() {
		if sub.reqID != 0 && sub.req.KeepUpToDate {
			s.renew(sub, reason)
		}
	}
	s.renewQuotes()
	s.pump()
}

// enqueue puts sub in the pacer's queue; a sub sent before learns that it is
// being sent again.
func (s *Session) enqueue(sub *Subscription, reason string) {
	if slices.Contains(s.queue, sub) {
		return
	}
	s.queue = append(s.queue, sub)
	sub.set(SubQueued, "")
	if sub.sentOnce && reason != "" {
		sub.handler(BarEvent{Kind: BarResubscribed, Reason: reason})
	}
}

// queueCancel stops delivery for reqID now and sends its cancel through the
// pacer, so that a mass resubscription never bursts past IB's message rate.
func (s *Session) queueCancel(reqID int) {
	if s.client != nil {
		s.client.unroute(reqID)
		s.cancels = append(s.cancels, reqID)
	}
}

// withdraw cancels sub's request on the current connection, if any.
func (s *Session) withdraw(sub *Subscription) {
	sub.stopRetry()
	if sub.reqID != 0 {
		s.queueCancel(sub.reqID)
	}
	if sub.awaiting {
		s.open--
	}
	sub.reqID, sub.awaiting = 0, false
	s.queue = slices.DeleteFunc(s.queue, func(q *Subscription) bool { return q == sub })
}

func (s *Session) cancelSub(sub *Subscription) {
	s.withdraw(sub)
	delete(s.small.last, sub)
	sub.set(SubCancelled, "")
	s.mu.Lock()
	delete(s.subs, sub.id)
	s.mu.Unlock()
	s.pump()
}

// pump sends queued requests while the rate and open-request limits allow.
// Requests for small bars (30 secs or less) also keep IB's strict rules: no
// identical request within 15 s, at most 60 in any 10 minutes.
func (s *Session) pump() {
	if s.client == nil {
		return
	}
	for len(s.cancels) > 0 {
		if d := s.reserve(); d > 0 {
			s.pacer.Reset(d)
			return
		}
		if s.client.send(&wire.CancelHistoricalData{ReqID: s.cancels[0]}) != nil {
			return // the client is dying; serve sees it
		}
		s.cancels = s.cancels[1:]
	}
	for _, f := range []func() (time.Duration, bool){s.pumpTime, s.pumpRaw} {
		d, ok := f()
		if !ok {
			return // the client is dying; serve sees it
		}
		if d > 0 {
			s.pacer.Reset(d)
			return
		}
	}
	now := time.Now()
	var wait time.Duration
	for i := 0; i < len(s.queue) && s.open < s.cfg.MaxOpenBackfills; {
		sub := s.queue[i]
		if d := s.small.wait(sub, now); d > 0 {
			wait = minPositive(wait, d)
			i++
			continue
		}
		if d := s.warmWait(sub, now); d > 0 {
			wait = minPositive(wait, d)
			i++
			continue
		}
		if d := s.reserve(); d > 0 {
			wait = minPositive(wait, d)
			break
		}
		reqID := s.client.NextReqID()
		sub.set(SubRequested, "") // before sending: a fast backfill marks it live
		req := sub.req
		if !sub.live && !req.WarmFrom.IsZero() {
			// The gateway's clock, moved on by ours since it was read; ours before the first answer.
			now := time.Now()
			if c := s.serverClock.Load(); c != nil {
				now = c.server.Add(time.Since(c.local))
			}
			req.Duration = WarmDuration(req.WarmFrom, now, req.Duration)
		}
		if err := s.client.RequestBars(reqID, req, s.deliver(sub, reqID)); err != nil {
			sub.set(SubQueued, "")
			return // the client is dying; serve sees it and everything is requeued
		}
		s.queue = slices.Delete(s.queue, i, i+1)
		s.small.sent(sub, now)
		sub.reqID, sub.awaiting, sub.sentOnce, sub.renewing = reqID, true, true, false
		s.open++
	}
	if d := s.pumpQuotes(); d > 0 {
		wait = minPositive(wait, d)
	}
	if wait > 0 {
		s.pacer.Reset(wait)
	}
}

// reserve takes one token from the message-rate limiter; a positive result
// is how long to wait for it instead.
func (s *Session) reserve() time.Duration {
	r := s.limiter.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return d
	}
	return 0
}

func minPositive(a, b time.Duration) time.Duration {
	if a <= 0 || b < a {
		return b
	}
	return a
}

// smallBarPacer remembers requests for IB's pacing rules: strict for small
// bars, and for renewals of any size a gap since the last send (renewGap,
// Config.RetryDelay: IB's window for identical requests by default).
type smallBarPacer struct {
	renewGap time.Duration
	last     map[*Subscription]time.Time
	window   []time.Time // sends of the last 10 minutes, oldest first
}

const (
	identicalGap  = 15 * time.Second
	smallWindow   = 10 * time.Minute
	smallInWindow = 60
)

// wait is how long sub must still wait; 0 when it may go now.
func (p *smallBarPacer) wait(sub *Subscription, now time.Time) time.Duration {
	small := isSmallBar(sub.req.BarSize)
	if !small && !sub.renewing {
		return 0
	}
	gap := identicalGap
	if !small {
		gap = p.renewGap
	}
	var d time.Duration
	if last, ok := p.last[sub]; ok && now.Sub(last) < gap {
		d = gap - now.Sub(last)
	}
	if !small {
		return d
	}
	for len(p.window) > 0 && now.Sub(p.window[0]) >= smallWindow {
		p.window = p.window[1:]
	}
	if len(p.window) >= smallInWindow {
		d = max(d, smallWindow-now.Sub(p.window[0]))
	}
	return d
}

func (p *smallBarPacer) sent(sub *Subscription, now time.Time) {
	if p.last == nil {
		p.last = make(map[*Subscription]time.Time)
	}
	p.last[sub] = now
	if isSmallBar(sub.req.BarSize) {
		p.window = append(p.window, now)
	}
}

// isSmallBar reports bar sizes of 30 secs or less, which IB paces strictly.
func isSmallBar(barSize string) bool {
	n, unit, ok := strings.Cut(strings.TrimSpace(barSize), " ")
	if !ok || !strings.HasPrefix(unit, "sec") {
		return false
	}
	v, err := strconv.Atoi(n)
	return err == nil && v <= 30
}

// deliver wraps the subscriber's handler for one request on one connection.
func (s *Session) deliver(sub *Subscription, reqID int) func(BarEvent) {
	return func(ev BarEvent) {
		switch ev.Kind {
		case BarBackfill:
			sub.set(SubLive, "")
			s.in.put(reqDone{sub: sub, reqID: reqID})
		case BarUpdate:
			sub.recovering.Store(false)
		case BarError:
			if isWarning(ev.Code) {
				ev.Kind = BarWarning // the request goes on
				break
			}
			s.in.put(reqDone{sub: sub, reqID: reqID, code: ev.Code, text: ev.Text, failure: &ev})
			return
		}
		sub.handler(ev)
	}
}

// onReqDone frees an open-request slot. An error on a request is a refusal
// only when the subscription was never answered and the gateway says the
// request itself is wrong (no such security, invalid request, no data): then
// the subscription is failed until the next reconnect or Refresh. Anything
// else (10182 after a nightly reset, "query cancelled", pacing) interrupts
// it, and it is asked again after Config.RetryDelay.
func (s *Session) onReqDone(d reqDone) {
	sub := d.sub
	if d.failure != nil {
		defer sub.handler(*d.failure)
	}
	if sub.reqID != d.reqID {
		return // an answer for a request this connection no longer has
	}
	if sub.awaiting {
		sub.awaiting = false
		s.open--
	}
	if d.code == 0 {
		sub.live = true
		s.dataFlowing()
		s.pump()
		return
	}
	if d.code == codeCompetingSession {
		s.competingSession()
	}
	if s.client != nil {
		s.client.unroute(d.reqID)
	}
	sub.reqID = 0
	why := fmt.Sprintf("%d %s", d.code, d.text)
	if !sub.live && isRefusal(d.code, d.text) {
		sub.set(SubFailed, why)
	} else {
		sub.set(SubQueued, why+": retrying in "+s.cfg.RetryDelay.String())
		s.retryLater(sub)
	}
	s.pump()
}

// retryLater queues sub again after Config.RetryDelay, unless a reconnect or a
// Refresh asks for it first. The timer is the session's: Close stops it.
func (s *Session) retryLater(sub *Subscription) {
	sub.stopRetry()
	sub.retry = time.AfterFunc(s.cfg.RetryDelay, func() {
		s.do(func() {
			sub.retry = nil
			if st, _ := sub.Status(); s.client != nil && sub.reqID == 0 && st != SubCancelled {
				s.enqueue(sub, "retry")
				s.pump()
			}
		})
	})
}

// isRefusal reports errors that say the request itself cannot be served:
// no such security, an invalid request, no market data subscription for it
// (354, 10089), no data.
func isRefusal(code int, text string) bool {
	switch code {
	case 200, 321, 354, 10089:
		return true
	case 162:
		t := strings.ToLower(text)
		return strings.Contains(t, "no data") || strings.Contains(t, "returned no")
	}
	return false
}

// isWarning reports IB codes that are informational even when tied to a request.
func isWarning(code int) bool {
	switch code {
	case 105, 110, 165, 329, 399, 404, 434, 492, 10167:
		return true
	}
	return code >= 2100 && code < 2200
}

// BackfillPacing is the least time pacing lets n first backfills of
// barSize take to be sent: IB's 60 per 10 minutes for bars of 30 secs or
// less, else the session's request rate. The gateway's answers come on top.
func (c Config) BackfillPacing(n int, barSize string) time.Duration {
	c.defaults()
	if n <= 0 {
		return 0
	}
	if isSmallBar(barSize) {
		return time.Duration((n-1)/smallInWindow) * smallWindow
	}
	return time.Duration(float64(n-1) / c.RequestRate * float64(time.Second))
}

// warmWait holds a warm request back until the gateway's clock is known
// (the first ping goes before any request and its answer carries it), but
// no longer than one keepalive timeout after ready: the span since the
// stored bars is measured on the gateway's clock, not ours.
func (s *Session) warmWait(sub *Subscription, now time.Time) time.Duration {
	if sub.live || sub.req.WarmFrom.IsZero() || s.serverClock.Load() != nil {
		return 0
	}
	if left := s.readyAt.Add(s.cfg.Keepalive.Timeout).Sub(now); left > 0 {
		return min(left, 5*time.Millisecond)
	}
	return 0
}
