package fanout

import (
	"fmt"
	"strings"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// IB's texts for the codes the fan-out sends.
const (
	textReadOnly  = "Error validating request.-'bC' : cause - The API interface is currently in Read-Only mode."
	textUnknown   = "Server error when reading an API client request."
	textMaxTicker = "Max number of tickers has been reached"
	textPacing    = "Historical Market Data Service error message:Historical data request pacing violation"
	textDuplicate = "Error processing request.-'bX' : cause - Duplicate ticker id"
	text1100      = "Connectivity between IB and Trader Workstation has been lost."
	text1102      = "Connectivity between IB and Trader Workstation has been restored - data maintained."
	text2101      = "Unable to subscribe to account as the following clients are subscribed to a different account."
)

// writes are the client → server messages that change something at the
// broker or the gateway: answered 321, never forwarded.
var writes = map[int]string{
	wire.OutPlaceOrder:  "PLACE_ORDER",
	wire.OutCancelOrder: "CANCEL_ORDER",
	14:                  "SET_SERVER_LOGLEVEL",
	// binds TWS orders to the client: a change of the orders' ownership
	wire.OutReqAutoOpenOrders: "REQ_AUTO_OPEN_ORDERS",
	19:                        "REPLACE_FA",
	21:                        "EXERCISE_OPTIONS",
	wire.OutReqGlobalCancel:   "REQ_GLOBAL_CANCEL",
	69:                        "UPDATE_DISPLAY_GROUP",
}

// maxKnownID bounds the text-protocol client message ids; a known id the
// fan-out does not serve is answered 321, anything else 320.
const maxKnownID = 110

// handle answers one request of a ready client; an error ends the client.
func (s *Server) handle(c *client, p []byte) error {
	id, err := wire.PeekID(p)
	if err != nil {
		return fmt.Errorf("%w: %v", errGarbage, err)
	}
	if name, ok := writes[id]; ok {
		s.refused.Add(1)
		c.refused.Add(1)
		s.log.Info("fanout refused a write", "addr", c.addr, "client_id", c.clientID, "message", name)
		c.sendErr(writeReqID(id, c.version, p), 321, textReadOnly)
		return nil
	}
	vd := c.version
	switch id {
	case wire.OutStartAPI:
		return nil // a second START_API is ignored, as gateways do
	case wire.OutReqCurrentTime:
		s.currentTime(c, false)
	case wire.OutReqCurrentTimeInMillis:
		if vd >= wire.VersionCurrentTimeInMillis {
			s.currentTime(c, true)
		}
	case wire.OutReqIDs:
		c.send(&wire.NextValidID{OrderID: max(s.sess.Stats().NextValidID, 1)})
	case wire.OutReqManagedAccts:
		c.send(&wire.ManagedAccts{Accounts: strings.Join(s.sess.Stats().Accounts, ",")})
	case wire.OutReqMktData:
		var m wire.ReqMktData
		if err := m.Decode(p, vd); err != nil {
			return garbage(err)
		}
		s.reqMktData(c, m)
	case wire.OutReqHistoricalData:
		var m wire.ReqHistoricalData
		if err := m.Decode(p, vd); err != nil {
			return garbage(err)
		}
		s.reqHistorical(c, m)
	case wire.OutReqRealTimeBars:
		var m wire.ReqRealTimeBars
		if err := m.Decode(p, vd); err != nil {
			return garbage(err)
		}
		did := m.ReqID
		m.ReqID = 0
		key := string(m.AppendFields(nil, wire.MaxVersion))
		s.joinShared(c, did, id, key, false, conn.RawRequest{
			Keep:   true,
			Append: func(dst []byte, reqID, v int) []byte { m.ReqID = reqID; return m.AppendFields(dst, v) },
			AppendCancel: func(dst []byte, reqID, v int) []byte {
				return (&wire.CancelRealTimeBars{ReqID: reqID}).AppendFields(dst, v)
			},
		})
	case wire.OutCancelMktData, wire.OutCancelHistoricalData, wire.OutCancelRealTimeBars, wire.OutCancelAccountSummary,
		wire.OutCancelAccountUpdatesMulti, wire.OutCancelPnL, wire.OutCancelPnLSingle:
		did, err := wire.FieldInt(p, wire.ClientReqIDField(id, vd))
		if err != nil {
			return garbage(err)
		}
		s.cancelReq(c, did)
	case wire.OutReqAccountSummary:
		var m wire.ReqAccountSummary
		if err := m.Decode(p, vd); err != nil {
			return garbage(err)
		}
		did := m.ReqID
		s.own(c, did, id, false, conn.RawRequest{
			Keep:   true,
			Append: func(dst []byte, reqID, v int) []byte { m.ReqID = reqID; return m.AppendFields(dst, v) },
			AppendCancel: func(dst []byte, reqID, v int) []byte {
				return (&wire.CancelAccountSummary{ReqID: reqID}).AppendFields(dst, v)
			},
		})
	case wire.OutReqPositions:
		s.joinTopic(c, topicPositions, nil)
	case wire.OutCancelPositions:
		s.leaveTopic(c, topicPositions)
	case wire.OutReqAcctData:
		return s.reqAccountUpdates(c, p)
	case wire.OutReqOpenOrders:
		// This client's own orders: it can place none through the fan-out.
		c.sendPayload([]byte("53\x001\x00"))
	case wire.OutReqAllOpenOrders:
		s.joinTopic(c, topicOrders, p)
	case wire.OutReqCompletedOrders:
		s.joinTopic(c, topicCompleted, p)
	case wire.OutReqExecutions:
		s.joinTopic(c, topicCommissions, nil)
		return s.reqGeneric(c, id, p, false, 0)
	case wire.OutReqContractData:
		return s.reqGeneric(c, id, p, false, 0)
	case wire.OutReqAccountUpdatesMulti:
		return s.reqGeneric(c, id, p, true, wire.OutCancelAccountUpdatesMulti)
	case wire.OutReqPnL:
		return s.reqGeneric(c, id, p, true, wire.OutCancelPnL)
	case wire.OutReqPnLSingle:
		return s.reqGeneric(c, id, p, true, wire.OutCancelPnLSingle)
	default:
		if id > 0 && id <= maxKnownID {
			c.sendErr(-1, 321, fmt.Sprintf("Error validating request.-'fo' : cause - message %d is not served by robotui's read-only fan-out", id))
		} else {
			c.sendErr(-1, 320, textUnknown)
		}
	}
	return nil
}

func garbage(err error) error { return fmt.Errorf("%w: %v", errGarbage, err) }

// writeReqID is the order id a refused write carries, for its 321.
func writeReqID(id, v int, p []byte) int {
	i := 0
	switch id {
	case wire.OutPlaceOrder:
		i = 2
		if v >= 145 { // ORDER_CONTAINER: no version field
			i = 1
		}
	case wire.OutCancelOrder:
		i = 2
		if v >= 192 { // CME_TAGGING_FIELDS: no version field
			i = 1
		}
	}
	if i == 0 {
		return -1
	}
	if n, err := wire.FieldInt(p, i); err == nil {
		return n
	}
	return -1
}

// currentTime forwards REQ_CURRENT_TIME, or answers it from the gateway's
// clock while the session is down (a gateway cut off from IB still knows
// the time).
func (s *Server) currentTime(c *client, millis bool) {
	answer := func(t time.Time) {
		if millis {
			c.send(&wire.CurrentTimeInMillis{TimeMillis: t.UnixMilli()})
		} else {
			c.send(&wire.CurrentTime{Time: t.Unix()})
		}
	}
	if millis || s.isDown() {
		answer(s.gatewayNow())
		return
	}
	s.sess.CurrentTime(func(t time.Time, ok bool) {
		if !ok {
			t = s.gatewayNow()
		}
		answer(t)
	})
}

func (s *Server) isDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down
}

func (s *Server) reqMktData(c *client, m wire.ReqMktData) {
	did := m.ReqID
	if m.RegulatorySnapshot {
		c.sendErr(did, 321, "Error validating request.-'fo' : cause - regulatory snapshots are charged per request; robotui's fan-out does not ask for them")
		return
	}
	if m.Snapshot {
		s.own(c, did, wire.OutReqMktData, false, conn.RawRequest{
			Append: func(dst []byte, reqID, v int) []byte { m.ReqID = reqID; return m.AppendFields(dst, v) },
		})
		return
	}
	m.ReqID = 0
	key := string(m.AppendFields(nil, wire.MaxVersion))
	s.joinShared(c, did, wire.OutReqMktData, key, true, conn.RawRequest{
		Keep:         true,
		Append:       func(dst []byte, reqID, v int) []byte { m.ReqID = reqID; return m.AppendFields(dst, v) },
		AppendCancel: func(dst []byte, reqID, v int) []byte { return (&wire.CancelMktData{ReqID: reqID}).AppendFields(dst, v) },
	})
}

func (s *Server) reqHistorical(c *client, m wire.ReqHistoricalData) {
	did := m.ReqID
	if m.KeepUpToDate && m.EndDateTime == "" && !m.IncludeExpired && m.ChartOptions == "" {
		s.joinBars(c, did, conn.BarRequest{
			Contract: m.Contract, Duration: m.Duration, BarSize: m.BarSize, WhatToShow: m.WhatToShow,
			UseRTH: m.UseRTH, FormatDate: m.FormatDate, KeepUpToDate: true,
		})
		return
	}
	key := string((&wire.ReqHistoricalData{Contract: m.Contract, EndDateTime: m.EndDateTime, BarSize: m.BarSize,
		Duration: m.Duration, UseRTH: m.UseRTH, WhatToShow: m.WhatToShow, FormatDate: m.FormatDate,
		KeepUpToDate: m.KeepUpToDate}).AppendFields(nil, wire.MaxVersion))
	s.mu.Lock()
	ok := s.hist.allow(key, m.BarSize, s.openHist(), s.cfg.MaxOpenBackfills)
	s.mu.Unlock()
	if !ok {
		s.pacing.Add(1)
		c.sendErr(did, 162, textPacing)
		return
	}
	req := conn.RawRequest{Keep: m.KeepUpToDate,
		Append: func(dst []byte, reqID, v int) []byte { m.ReqID = reqID; return m.AppendFields(dst, v) },
	}
	if m.KeepUpToDate {
		req.AppendCancel = func(dst []byte, reqID, v int) []byte {
			return (&wire.CancelHistoricalData{ReqID: reqID}).AppendFields(dst, v)
		}
	}
	s.own(c, did, wire.OutReqHistoricalData, !m.KeepUpToDate, req)
}

// openHist counts one-shot backfills awaiting their answer (under s.mu).
func (s *Server) openHist() int {
	n := 0
	for c := range s.clients {
		for _, d := range c.reqs {
			if d.hist {
				n++
			}
		}
	}
	return n
}

// reqGeneric forwards a request no typed decoder reads: its request id is
// found by position and rewritten, and it goes only where its layout is
// the same at the client's version and the session's.
func (s *Server) reqGeneric(c *client, id int, p []byte, keep bool, cancelID int) error {
	vd := c.version
	idx := wire.ClientReqIDField(id, vd)
	did, err := wire.FieldInt(p, idx)
	if err != nil {
		return garbage(err)
	}
	vu := s.upstreamVersion()
	if !requestSafe(id, vd, vu) || !repliesSafe(id, vd, vu) {
		c.sendErr(did, 321, fmt.Sprintf("Error validating request.-'fo' : cause - message %d is not translated between server versions %d and %d; a client that speaks %d gets it", id, vd, vu, vu))
		return nil
	}
	payload := append([]byte(nil), p...)
	req := conn.RawRequest{Keep: keep,
		Append: func(dst []byte, reqID, v int) []byte { return appendRequest(dst, payload, id, idx, reqID, vd, v) },
	}
	if cancelID != 0 {
		req.AppendCancel = func(dst []byte, reqID, v int) []byte {
			dst = wire.AppendInt(dst, int64(cancelID))
			if cancelID == wire.OutCancelAccountUpdatesMulti {
				dst = wire.AppendInt(dst, 1)
			}
			return wire.AppendInt(dst, int64(reqID))
		}
	}
	s.own(c, did, id, false, req)
	return nil
}

// reqAccountUpdates is REQ_ACCT_DATA `6, 2, subscribe, acctCode`: one
// account at a time for all clients, as at a gateway.
func (s *Server) reqAccountUpdates(c *client, p []byte) error {
	sc := wire.NewScanner(p)
	sc.Skip(2)
	subscribe := sc.Bool()
	acct := sc.String()
	if err := sc.Err(); err != nil {
		return garbage(err)
	}
	if !subscribe {
		s.leaveTopic(c, topicAccount)
		return nil
	}
	s.mu.Lock()
	other := s.topics.acct != "" && s.topics.acct != acct && len(s.topics.members[topicAccount]) > 0
	if !other {
		s.topics.acct = acct
	}
	s.mu.Unlock()
	if other {
		c.sendErr(-1, 2101, text2101)
		return nil
	}
	s.joinTopic(c, topicAccount, p)
	return nil
}

// own carries a request of c's own (not shared) under a session request id.
func (s *Server) own(c *client, did, kind int, hist bool, req conn.RawRequest) {
	s.mu.Lock()
	if _, dup := c.reqs[did]; dup {
		s.mu.Unlock()
		c.sendErr(did, 322, textDuplicate)
		return
	}
	d := &dreq{kind: kind, hist: hist}
	c.reqs[did] = d
	tr := &translator{c: c, did: did}
	d.raw = s.sess.Raw(req, func(ev conn.RawEvent) { s.onOwn(c, d, tr, ev) })
	s.mu.Unlock()
}

func (s *Server) onOwn(c *client, d *dreq, tr *translator, ev conn.RawEvent) {
	switch ev.Kind {
	case conn.RawMessage:
		p, v, sub := append([]byte(nil), ev.Payload...), ev.Version, ev.Sub
		c.later(len(p), func() {
			if done := tr.forward(p, v, d.kind); done {
				sub.Finish()
				s.removeReq(c, tr.did, d)
			}
		})
	case conn.RawLost:
		code, text := 322, "Error processing request.-'fo' : cause - the gateway connection was lost before the answer; ask again"
		if d.kind == wire.OutReqHistoricalData {
			code, text = 162, "Historical Market Data Service error message:API historical data query cancelled: "+fmt.Sprint(tr.did)
		}
		c.later(0, func() { // after the answers already waiting
			c.sendErr(tr.did, code, text)
			s.removeReq(c, tr.did, d)
		})
	}
}

func (s *Server) removeReq(c *client, did int, d *dreq) {
	s.mu.Lock()
	if c.reqs[did] == d {
		delete(c.reqs, did)
	}
	s.mu.Unlock()
}

// cancelReq ends one of c's requests.
func (s *Server) cancelReq(c *client, did int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := c.reqs[did]
	if !ok {
		return
	}
	delete(c.reqs, did)
	s.endLocked(c, did, d)
}

func (s *Server) endLocked(c *client, did int, d *dreq) {
	switch {
	case d.raw != nil:
		d.raw.Cancel()
	case d.shared != nil:
		s.leaveSharedLocked(c, did, d.shared)
	case d.bars != nil:
		s.leaveBarsLocked(c, did, d.bars)
	}
}

// forget drops everything a departed client had.
func (s *Server) forget(c *client) {
	s.mu.Lock()
	delete(s.clients, c)
	if c.clientID >= 0 && s.ids[c.clientID] == c {
		delete(s.ids, c.clientID)
	}
	for did, d := range c.reqs {
		delete(c.reqs, did)
		s.endLocked(c, did, d)
	}
	for t := range topicCount {
		s.leaveTopicLocked(c, topic(t))
	}
	s.mu.Unlock()
}

func (c *client) subscriptionsLocked() int {
	n := len(c.reqs)
	for t := range topicCount {
		if c.topics.has(topic(t)) {
			n++
		}
	}
	return n
}

// histPacer keeps IB's historical pacing for all clients together
// (PROTOCOL.md section 6): no identical request within 15 s, at most 60
// requests for bars of 30 secs or less in 10 minutes, a bounded number open.
type histPacer struct {
	now    func() time.Time
	last   map[string]time.Time
	window []time.Time
}

func (p *histPacer) allow(key, barSize string, open, maxOpen int) bool {
	now := p.now()
	if open >= maxOpen {
		return false
	}
	if p.last == nil {
		p.last = map[string]time.Time{}
	}
	for k, t := range p.last {
		if now.Sub(t) >= 15*time.Second {
			delete(p.last, k)
		}
	}
	if _, ok := p.last[key]; ok {
		return false
	}
	small := isSmallBar(barSize)
	if small {
		for len(p.window) > 0 && now.Sub(p.window[0]) >= 10*time.Minute {
			p.window = p.window[1:]
		}
		if len(p.window) >= 60 {
			return false
		}
		p.window = append(p.window, now)
	}
	p.last[key] = now
	return true
}

func isSmallBar(barSize string) bool {
	var n int
	var unit string
	if _, err := fmt.Sscanf(strings.TrimSpace(barSize), "%d %s", &n, &unit); err != nil {
		return false
	}
	return strings.HasPrefix(unit, "sec") && n <= 30
}
