package ibsim

import (
	"math"
	"strconv"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

const (
	maxMktLines        = 100 // IB's default market data lines, counted across all clients
	rtBarSize          = 5   // seconds: the only real-time bar size IB offers
	msgTickSnapshotEnd = 57
)

// mktSub is a streaming REQ_MKT_DATA.
type mktSub struct {
	reqID   int
	ser     *series
	last    *tickState // what was last sent (pusher-owned once registered)
	stopped bool       // its farm broke: silent until asked again (guarded by s.mu)
}

// rtbSub is a REQ_REAL_TIME_BARS: one 5-second bar as each completes.
type rtbSub struct {
	reqID   int
	ser     *series
	next    int64 // start of the next bar to send (pusher-owned once registered)
	stopped bool  // its farm broke: silent until asked again (guarded by s.mu)
}

// tickState is one quote: what TICK_PRICE and TICK_SIZE carry.
type tickState struct {
	bid, ask, last, high, low, close float64
	bidSize, askSize, lastSize, vol  float64
}

func quoteAt(ser *series, now time.Time) tickState {
	t := now.Unix()
	price, size := ser.quote(t)
	half := 0.01 * max(1, math.Round(price*0.0001/0.01))
	h := mix64(ser.key ^ mix64(uint64(t)^0x626964))
	dayStart := floorDiv(t, secondsPerDay) * secondsPerDay
	day := ser.bar(secondsPerDay, dayStart, t)
	prev := ser.bar(secondsPerDay, dayStart-secondsPerDay, dayStart)
	return tickState{
		bid: round2(price - half), ask: round2(price + half), last: price,
		high: max(day.High, price), low: min(day.Low, price), close: prev.Close,
		bidSize: float64(1+h%20) * 100, askSize: float64(1+(h>>8)%20) * 100,
		lastSize: size, vol: day.Volume,
	}
}

// messages returns the ticks that differ from prev (all of them if nil).
func (q tickState) messages(reqID int, prev *tickState) []wire.Message {
	var out []wire.Message
	price := func(typ int, v, size float64, old float64) {
		if prev == nil || v != old {
			out = append(out, &wire.TickPrice{ReqID: reqID, TickType: typ, Price: v, Size: size})
		}
	}
	size := func(typ int, v, old float64) {
		if prev == nil || v != old {
			out = append(out, &wire.TickSize{ReqID: reqID, TickType: typ, Size: v})
		}
	}
	p := prev
	if p == nil {
		p = &tickState{}
	}
	price(wire.TickBid, q.bid, q.bidSize, p.bid)
	size(wire.TickBidSize, q.bidSize, p.bidSize)
	price(wire.TickAsk, q.ask, q.askSize, p.ask)
	size(wire.TickAskSize, q.askSize, p.askSize)
	price(wire.TickLast, q.last, q.lastSize, p.last)
	size(wire.TickLastSz, q.lastSize, p.lastSize)
	price(wire.TickHigh, q.high, 0, p.high)
	price(wire.TickLow, q.low, 0, p.low)
	size(wire.TickVolume, q.vol, p.vol)
	price(wire.TickClose, q.close, 0, p.close)
	return out
}

func (s *Server) reqMktData(c *client, m *wire.ReqMktData) {
	ser := s.resolve(m.Contract)
	if ser == nil {
		c.send(s.errMsg(m.ReqID, 200, textNoSecDef))
		return
	}
	if !m.Snapshot && !m.RegulatorySnapshot && s.refuseCompeting(c, m.ReqID) {
		return
	}
	q := quoteAt(ser, s.clock.Now())
	if m.Snapshot || m.RegulatorySnapshot {
		end := &wire.Unknown{ID: msgTickSnapshotEnd, Payload: []byte("57\x001\x00" + strconv.Itoa(m.ReqID) + "\x00")}
		c.send(append(q.messages(m.ReqID, nil), end)...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch _, dup := c.mkt[m.ReqID]; {
	case dup:
		c.send(s.duplicate(m.ReqID))
	case s.mktLines >= maxMktLines:
		c.send(s.errMsg(m.ReqID, 101, textMaxTickers))
	case c.out.isClosed():
	default:
		c.send(q.messages(m.ReqID, nil)...)
		c.mkt[m.ReqID] = &mktSub{reqID: m.ReqID, ser: ser, last: &q, stopped: s.mdFarmBrokenLocked()}
		s.mktLines++
		s.bumpLocked()
	}
}

func (s *Server) reqRealTimeBars(c *client, m *wire.ReqRealTimeBars) {
	ser := s.resolve(m.Contract)
	if ser == nil {
		c.send(s.errMsg(m.ReqID, 200, textNoSecDef))
		return
	}
	if s.refuseCompeting(c, m.ReqID) {
		return
	}
	if m.BarSize != rtBarSize {
		c.send(s.invalid(m.ReqID, "Invalid bar size; real-time bars are 5 secs"))
		return
	}
	now := s.clock.Now().Unix()
	s.mu.Lock()
	defer s.mu.Unlock()
	switch _, dup := c.rtb[m.ReqID]; {
	case dup:
		c.send(s.duplicate(m.ReqID))
	case c.out.isClosed():
	default:
		c.rtb[m.ReqID] = &rtbSub{reqID: m.ReqID, ser: ser, next: floorDiv(now, rtBarSize) * rtBarSize, stopped: s.mdFarmBrokenLocked()}
		s.bumpLocked()
	}
}
