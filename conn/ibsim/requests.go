package ibsim

import (
	"fmt"
	"strings"

	"github.com/robotui/robotui/conn/wire"
)

// IB's texts for the codes the simulator sends.
const (
	textClientIDInUse = "Unable to connect as the client id is already in use. Retry with a unique client id."
	textNoSecDef      = "No security definition has been found for the request"
	textMaxTickers    = "Max number of tickers has been reached"
	textPacing        = "Historical Market Data Service error message:Historical data request pacing violation"
)

// handle answers one frame from a client whose hello was answered.
func (s *Server) handle(c *client, payload []byte) {
	s.mu.Lock()
	stalled, ready := c.stalled, c.session
	if ready && !stalled {
		c.requests++
		s.bumpLocked()
	}
	s.mu.Unlock()
	if stalled {
		return
	}
	msg, err := wire.DecodeClientMessage(payload, int(c.version.Load()))
	if err != nil {
		s.log.Warn("undecodable frame ignored", "addr", c.addr, "err", err)
		return
	}
	if !ready {
		if m, ok := msg.(*wire.StartAPI); ok {
			s.startAPI(c, m)
		}
		return
	}
	switch m := msg.(type) {
	case *wire.ReqCurrentTime:
		c.send(&wire.CurrentTime{Time: s.clock.Now().Unix()})
	case *wire.ReqCurrentTimeInMillis:
		if c.version.Load() >= wire.VersionCurrentTimeInMillis {
			c.send(&wire.CurrentTimeInMillis{TimeMillis: s.clock.Now().UnixMilli()})
		}
	case *wire.ReqIDs:
		c.send(&wire.NextValidID{OrderID: s.orderID()})
	case *wire.ReqManagedAccts:
		c.send(&wire.ManagedAccts{Accounts: strings.Join(s.cfg.Accounts, ",")})
	case *wire.ReqHistoricalData:
		s.reqHistorical(c, m)
	case *wire.CancelHistoricalData:
		s.cancel(c, func() { delete(c.hist, m.ReqID) })
	case *wire.ReqMktData:
		s.reqMktData(c, m)
	case *wire.CancelMktData:
		s.cancel(c, func() {
			if _, ok := c.mkt[m.ReqID]; ok {
				delete(c.mkt, m.ReqID)
				s.mktLines--
			}
		})
	case *wire.ReqRealTimeBars:
		s.reqRealTimeBars(c, m)
	case *wire.CancelRealTimeBars:
		s.cancel(c, func() { delete(c.rtb, m.ReqID) })
	case *wire.ReqPositions:
		s.reqPositions(c)
	case *wire.ReqAccountSummary:
		s.reqAccountSummary(c, m)
	case *wire.ReqAcctData:
		s.reqAcctData(c, m)
	case *wire.ReqAccountUpdatesMulti:
		s.reqAccountUpdatesMulti(c, m)
	case *wire.ReqPnL:
		s.reqPnL(c, m)
	case *wire.ReqPnLSingle:
		s.reqPnLSingle(c, m)
	case *wire.ReqContractData:
		s.reqContractData(c, m)
	case *wire.ReqExecutions:
		s.reqExecutions(c, m)
	case *wire.ReqOpenOrders:
		s.reqOpenOrders(c, false)
	case *wire.ReqAllOpenOrders:
		s.reqOpenOrders(c, true)
	case *wire.ReqAutoOpenOrders:
		s.reqAutoOpenOrders(c)
	case *wire.ReqCompletedOrders:
		c.send(&wire.CompletedOrdersEnd{})
	case *wire.CancelPnL:
		s.cancel(c, func() { delete(c.pnl, m.ReqID) })
	case *wire.CancelPnLSingle:
		s.cancel(c, func() { delete(c.pnl, m.ReqID) })
	case *wire.CancelPositions, *wire.CancelAccountSummary, *wire.StartAPI, *wire.CancelAccountUpdatesMulti:
		// nothing streams after the first answer; a second START_API is ignored
	default:
		s.log.Debug("unknown message ignored", "addr", c.addr, "msg_id", msg.MsgID())
	}
}

func (s *Server) cancel(c *client, drop func()) {
	s.mu.Lock()
	drop()
	s.bumpLocked()
	s.mu.Unlock()
}

func (s *Server) orderID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextOrderID
}

// startAPI accepts a session, or refuses it (326 duplicate client id, 502
// too many clients: answered, then the socket is closed).
func (s *Server) startAPI(c *client, m *wire.StartAPI) {
	s.mu.Lock()
	if c.session || c.refused || c.out.isClosed() {
		s.mu.Unlock()
		return
	}
	sessions, dup := 0, false
	for o := range s.clients {
		// A socket the gateway itself closed frees its id at once; one the
		// client closed does when the gateway notices (or never, held).
		if o.session && o != c && !o.serverClosed.Load() {
			sessions++
			dup = dup || o.id == m.ClientID
		}
	}
	var refuse *wire.ErrMsg
	switch {
	case dup:
		refuse = s.errMsg(-1, 326, textClientIDInUse)
	case sessions >= s.maxClients:
		refuse = s.errMsg(-1, 502, fmt.Sprintf("Maximum number of API connections (%d) reached", s.maxClients))
	}
	if refuse != nil {
		c.refused = true
		s.mu.Unlock()
		s.log.Info("session refused", "addr", c.addr, "client_id", m.ClientID, "code", refuse.Code)
		c.send(refuse)
		c.enqueue(outItem{closeAfter: true, due: s.due()})
		return
	}
	c.session, c.id, c.state = true, m.ClientID, stateReady
	orderID := s.nextOrderID
	s.log.Info("session ready", "addr", c.addr, "client_id", c.id, "version", c.version.Load())
	s.bumpLocked()
	notices := s.loginNoticesLocked()
	s.mu.Unlock()
	c.send(append([]wire.Message{
		&wire.ManagedAccts{Accounts: strings.Join(s.cfg.Accounts, ",")},
		&wire.NextValidID{OrderID: orderID},
	}, notices...)...)
}

func (s *Server) errMsg(reqID, code int, text string) *wire.ErrMsg {
	return &wire.ErrMsg{ReqID: reqID, Code: code, Text: text, ErrorTime: s.clock.Now().UnixMilli()}
}

// invalid is IB's 321 "error validating request".
func (s *Server) invalid(reqID int, cause string) *wire.ErrMsg {
	return s.errMsg(reqID, 321, "Error validating request.-'bX' : cause - "+cause)
}

// duplicate is IB's 322 for a request id already streaming.
func (s *Server) duplicate(reqID int) *wire.ErrMsg {
	return s.errMsg(reqID, 322, "Error processing request.-'bX' : cause - Duplicate ticker id")
}

// resolve finds the instrument a contract names: US stocks and ETFs, and
// the extras (EUR.USD cash, the ES future), by symbol or conId.
func (s *Server) resolve(k wire.Contract) *series {
	var ser *series
	switch {
	case k.Symbol == "" && k.ConID != 0:
		ser = s.market.byConID(k.ConID)
	case k.Symbol == "" && k.LocalSymbol != "":
		ser = s.market.lookup(strings.SplitN(k.LocalSymbol, ".", 2)[0])
	default:
		ser = s.market.lookup(k.Symbol)
		if ser != nil && k.ConID != 0 && k.ConID != ser.in.conID {
			return nil
		}
	}
	if ser == nil {
		return nil
	}
	if k.SecType != "" && !strings.EqualFold(k.SecType, ser.in.SecType()) {
		return nil
	}
	if k.Currency != "" && !strings.EqualFold(k.Currency, ser.in.Currency()) {
		return nil
	}
	return ser
}
