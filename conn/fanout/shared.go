package fanout

import (
	"slices"
	"strconv"
	"sync"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// shared is one upstream market-data line (or real-time bar request)
// carried for every client that asked for the identical thing.
type shared struct {
	key  string
	line bool // counts against the market-data budget
	sub  *conn.RawSub

	mu      sync.Mutex      // guards members; taken after s.mu
	members map[member]bool // a client may hold the same line under two of its ids
}

func (s *Server) joinShared(c *client, did, kind int, key string, line bool, req conn.RawRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := c.reqs[did]; dup {
		c.sendErr(did, 322, textDuplicate)
		return
	}
	g := s.mkt[key]
	if g == nil {
		if line && s.lines >= s.cfg.MarketDataLines {
			s.pacing.Add(1)
			c.sendErr(did, 101, textMaxTicker)
			return
		}
		g = &shared{key: key, line: line, members: map[member]bool{}}
		s.mkt[key] = g
		if line {
			s.lines++
		}
		g.sub = s.sess.Raw(req, func(ev conn.RawEvent) { s.onShared(g, ev) })
	}
	g.mu.Lock()
	g.members[member{c, did}] = true
	g.mu.Unlock()
	c.reqs[did] = &dreq{shared: g, kind: kind}
}

// leaveSharedLocked takes c's request did out of g; the last one out
// cancels upstream.
func (s *Server) leaveSharedLocked(c *client, did int, g *shared) {
	g.mu.Lock()
	delete(g.members, member{c, did})
	empty := len(g.members) == 0
	g.mu.Unlock()
	if empty && s.mkt[g.key] == g {
		delete(s.mkt, g.key)
		if g.line {
			s.lines--
		}
		g.sub.Cancel()
	}
}

type member struct {
	c   *client
	did int
}

func (g *shared) snapshot() []member {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]member, 0, len(g.members))
	for mb := range g.members {
		out = append(out, mb)
	}
	return out
}

func (s *Server) onShared(g *shared, ev conn.RawEvent) {
	if ev.Kind != conn.RawMessage {
		return // resent after a reconnect: the data goes on under the same downstream ids
	}
	id, err := wire.PeekID(ev.Payload)
	if err != nil {
		return
	}
	members := g.snapshot()
	p, v := append([]byte(nil), ev.Payload...), ev.Version
	for _, mb := range members {
		mb.c.later(len(p), func() { sendTranslated(mb.c, p, v, mb.did) })
	}
	var e wire.ErrMsg
	if id == wire.InErrMsg && e.Decode(p, v) == nil && !isWarning(e.Code) {
		// The gateway ended the request: so does every share of it.
		s.mu.Lock()
		for _, mb := range members {
			if d := mb.c.reqs[mb.did]; d != nil && d.shared == g {
				delete(mb.c.reqs, mb.did)
			}
		}
		if s.mkt[g.key] == g {
			delete(s.mkt, g.key)
			if g.line {
				s.lines--
			}
		}
		s.mu.Unlock()
		ev.Sub.Finish()
	}
}

// barGroup is one keepUpToDate bar subscription of the session's, shared
// by every client that asked for the identical bars. It keeps the series
// so that a newcomer gets its backfill at once and a resubscription after
// an outage reaches the clients as updates, without a gap or a repeat.
type barGroup struct {
	key conn.BarRequest
	sub *conn.Subscription

	mu      sync.Mutex // guards everything below; taken after s.mu
	members map[member]bool
	bars    []wire.Bar
	have    bool
	start   string
	end     string
}

// maxKeptBars bounds a group's series.
const maxKeptBars = 20000

func (s *Server) joinBars(c *client, did int, key conn.BarRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := c.reqs[did]; dup {
		c.sendErr(did, 322, textDuplicate)
		return
	}
	g := s.bars[key]
	if g == nil {
		g = &barGroup{key: key, members: map[member]bool{}}
		s.bars[key] = g
		sub := s.sess.SubscribeBars(key, func(ev conn.BarEvent) { s.onBars(g, ev) })
		g.mu.Lock()
		g.sub = sub
		g.mu.Unlock()
	}
	g.mu.Lock()
	g.members[member{c, did}] = true
	if g.have {
		g.sendBackfill(c, did, slices.Clone(g.bars))
	}
	g.mu.Unlock()
	c.reqs[did] = &dreq{bars: g, kind: wire.OutReqHistoricalData}
}

func (s *Server) leaveBarsLocked(c *client, did int, g *barGroup) {
	g.mu.Lock()
	delete(g.members, member{c, did})
	empty := len(g.members) == 0
	g.mu.Unlock()
	if empty && s.bars[g.key] == g {
		delete(s.bars, g.key)
		g.sub.Cancel()
	}
}

// sendBackfill sends a copy of the group's series to one member (queued
// under g.mu, so that it comes before any later update).
func (g *barGroup) sendBackfill(c *client, did int, bars []wire.Bar) {
	start, end := g.start, g.end
	c.later(len(bars)*64, func() {
		if c.version >= wire.VersionHistoricalDataEnd {
			c.send(&wire.HistoricalData{ReqID: did, Bars: bars})
			c.send(&wire.HistoricalDataEnd{ReqID: did, Start: start, End: end})
			return
		}
		c.send(&wire.HistoricalData{ReqID: did, Start: start, End: end, Bars: bars})
	})
}

// sendUpdate queues one bar update to a member (under g.mu).
func sendUpdate(c *client, did int, b wire.Bar) {
	c.later(64, func() { c.send(&wire.HistoricalDataUpdate{ReqID: did, Bar: b}) })
}

func (s *Server) onBars(g *barGroup, ev conn.BarEvent) {
	switch ev.Kind {
	case conn.BarBackfill:
		g.mu.Lock()
		defer g.mu.Unlock()
		if !g.have {
			g.bars, g.have = append([]wire.Bar(nil), ev.Bars...), true
			if len(g.bars) > 0 {
				g.start = g.bars[0].Date
			}
			g.end = s.gatewayNow().Format("20060102 15:04:05")
			bars := slices.Clone(g.bars)
			for mb := range g.members {
				c, did := mb.c, mb.did
				g.sendBackfill(c, did, bars)
			}
			return
		}
		// Asked again after an outage or 1101/1102: what is new since the
		// newest bar the members have reaches them as updates.
		var last string
		if n := len(g.bars); n > 0 {
			last = g.bars[n-1].Date
		}
		for _, b := range ev.Bars {
			if last != "" && barBefore(b.Date, last) {
				continue
			}
			g.mergeLocked(b)
			for mb := range g.members {
				c, did := mb.c, mb.did
				sendUpdate(c, did, b)
			}
		}
	case conn.BarUpdate:
		g.mu.Lock()
		defer g.mu.Unlock()
		if !g.have {
			return
		}
		g.mergeLocked(ev.Bar)
		for mb := range g.members {
			c, did := mb.c, mb.did
			sendUpdate(c, did, ev.Bar)
		}
	case conn.BarWarning, conn.BarError:
		g.mu.Lock()
		if ev.Kind == conn.BarError {
			if g.sub == nil {
				g.mu.Unlock()
				return
			}
			if st, _ := g.sub.Status(); st != conn.SubFailed {
				g.mu.Unlock()
				return // an interruption: the session asks again by itself
			}
		}
		for mb := range g.members {
			c, did := mb.c, mb.did
			code, text := ev.Code, ev.Text
			c.later(0, func() { c.sendErr(did, code, text) })
		}
		g.mu.Unlock()
		if ev.Kind == conn.BarError {
			s.dissolveBars(g)
		}
	}
}

// dissolveBars ends a group the gateway refused.
func (s *Server) dissolveBars(g *barGroup) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g.mu.Lock()
	for mb := range g.members {
		c, did := mb.c, mb.did
		if d := c.reqs[did]; d != nil && d.bars == g {
			delete(c.reqs, did)
		}
	}
	clear(g.members)
	g.mu.Unlock()
	if s.bars[g.key] == g {
		delete(s.bars, g.key)
		g.sub.Cancel()
	}
}

// mergeLocked puts b in the series by its time: the newest bar revised, or
// a new one appended.
func (g *barGroup) mergeLocked(b wire.Bar) {
	n := len(g.bars)
	switch {
	case n > 0 && g.bars[n-1].Date == b.Date:
		g.bars[n-1] = b
	case n == 0 || barBefore(g.bars[n-1].Date, b.Date):
		g.bars = append(g.bars, b)
		if len(g.bars) > maxKeptBars {
			g.bars = append(g.bars[:0], g.bars[len(g.bars)-maxKeptBars:]...)
		}
	}
}

// barBefore orders bar dates: epoch seconds numerically, text as text
// ("yyyymmdd hh:mm:ss" sorts as it reads).
func barBefore(a, b string) bool {
	x, err1 := strconv.ParseInt(a, 10, 64)
	y, err2 := strconv.ParseInt(b, 10, 64)
	if err1 == nil && err2 == nil {
		return x < y
	}
	return a < b
}

// Topics: answers without a request id, for every client that asked.
type topic int

const (
	topicPositions topic = iota
	topicAccount
	topicOrders
	topicCompleted
	topicCommissions
	topicCount
)

// topicIDs are the server messages the fan-out listens for.
var topicIDs = []int{
	wire.InPositionData, wire.InPositionEnd,
	wire.InAcctValue, wire.InPortfolioValue, wire.InAcctUpdateTime, wire.InAcctDownloadEnd,
	wire.InOpenOrder, wire.InOrderStatus, wire.InOpenOrderEnd,
	wire.InCompletedOrder, wire.InCompletedOrdersEnd,
	wire.InCommissionReport,
}

func topicOf(id int) (topic, bool) {
	switch id {
	case wire.InPositionData, wire.InPositionEnd:
		return topicPositions, true
	case wire.InAcctValue, wire.InPortfolioValue, wire.InAcctUpdateTime, wire.InAcctDownloadEnd:
		return topicAccount, true
	case wire.InOpenOrder, wire.InOrderStatus, wire.InOpenOrderEnd:
		return topicOrders, true
	case wire.InCompletedOrder, wire.InCompletedOrdersEnd:
		return topicCompleted, true
	case wire.InCommissionReport:
		return topicCommissions, true
	}
	return 0, false
}

type topicSet uint8

func (t topicSet) has(x topic) bool { return t&(1<<x) != 0 }

type topics struct {
	members [topicCount]map[*client]bool
	subs    [topicCount]*conn.RawSub // kept subscriptions upstream (positions, account)
	acct    string                   // the account subscribed with REQ_ACCT_DATA
}

func (t *topics) init() {
	for i := range t.members {
		t.members[i] = map[*client]bool{}
	}
}

func (t *topics) upstream() int {
	n := 0
	for _, s := range t.subs {
		if s != nil {
			n++
		}
	}
	return n
}

// joinTopic makes c a receiver of t and sends the request upstream: the
// first one as a kept subscription, later ones once more (so the newcomer
// gets its snapshot; the others see it again, as after a gateway refresh).
func (s *Server) joinTopic(c *client, t topic, p []byte) {
	vd := c.version
	vu := s.upstreamVersion()
	if t == topicOrders && !repliesSafe(wire.OutReqAllOpenOrders, vd, vu) ||
		t == topicCompleted && !repliesSafe(wire.OutReqCompletedOrders, vd, vu) {
		c.sendErr(-1, 321, "Error validating request.-'fo' : cause - orders are not translated between server versions "+
			strconv.Itoa(vd)+" and "+strconv.Itoa(vu)+"; a client that speaks "+strconv.Itoa(vu)+" gets them")
		return
	}
	payload := append([]byte(nil), p...)
	var req conn.RawRequest
	keep := false
	switch t {
	case topicPositions:
		keep = true
		req = conn.RawRequest{
			Append:       func(dst []byte, _, v int) []byte { return (&wire.ReqPositions{}).AppendFields(dst, v) },
			AppendCancel: func(dst []byte, _, v int) []byte { return (&wire.CancelPositions{}).AppendFields(dst, v) },
		}
	case topicAccount:
		keep = true
		req = conn.RawRequest{
			Append: func(dst []byte, _, _ int) []byte { return append(dst, payload...) },
			AppendCancel: func(dst []byte, _, _ int) []byte {
				sc := wire.NewScanner(payload)
				sc.Skip(3)
				dst = append(dst, "6\x002\x000\x00"...)
				return wire.AppendString(dst, sc.String())
			},
		}
	case topicOrders, topicCompleted:
		req = conn.RawRequest{Append: func(dst []byte, _, _ int) []byte { return append(dst, payload...) }}
	}
	req.NoReqID = true
	s.mu.Lock()
	defer s.mu.Unlock()
	s.topics.members[t][c] = true
	c.topics |= 1 << t
	if req.Append == nil {
		return // commissions: nothing to ask, they follow executions
	}
	if keep && s.topics.subs[t] == nil {
		req.Keep = true
		s.topics.subs[t] = s.sess.Raw(req, func(conn.RawEvent) {})
		return
	}
	s.sess.Raw(req, func(conn.RawEvent) {})
}

func (s *Server) leaveTopic(c *client, t topic) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.leaveTopicLocked(c, t)
}

func (s *Server) leaveTopicLocked(c *client, t topic) {
	if !c.topics.has(t) {
		return
	}
	c.topics &^= 1 << t
	delete(s.topics.members[t], c)
	if len(s.topics.members[t]) == 0 && s.topics.subs[t] != nil {
		s.topics.subs[t].Cancel()
		s.topics.subs[t] = nil
		if t == topicAccount {
			s.topics.acct = ""
		}
	}
}

// onTopic delivers one answer without a request id (reader goroutine).
func (s *Server) onTopic(id, v int, p []byte) {
	t, ok := topicOf(id)
	if !ok {
		return
	}
	s.mu.Lock()
	members := make([]*client, 0, len(s.topics.members[t]))
	for c := range s.topics.members[t] {
		members = append(members, c)
	}
	if id == wire.InCompletedOrdersEnd {
		for _, c := range members {
			c.topics &^= 1 << topicCompleted
		}
		clear(s.topics.members[t])
	}
	s.mu.Unlock()
	p = append([]byte(nil), p...)
	for _, c := range members {
		c.later(len(p), func() { sendTranslated(c, p, v, 0) })
	}
}
