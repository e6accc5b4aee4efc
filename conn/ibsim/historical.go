package ibsim

import (
	"fmt"
	"strings"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// histSub is a keepUpToDate request: the newest bar is revised on every push.
type histSub struct {
	reqID      int
	ser        *series
	size       int64 // seconds
	formatDate int
	rth        bool   // useRTH: regular-hours bars only
	dates      *dates // the server's
	lastStart  int64  // start of the bar last sent (pusher-owned once registered)
	stopped    bool   // a farm serving it broke: silent until asked again (guarded by s.mu)
}

var whatToShow = map[string]bool{
	"TRADES": true, "MIDPOINT": true, "BID": true, "ASK": true, "BID_ASK": true,
	"ADJUSTED_LAST": true, "HISTORICAL_VOLATILITY": true, "OPTION_IMPLIED_VOLATILITY": true,
	"AGGTRADES": true, "SCHEDULE": true,
}

// maxBackfillBars bounds one answer (about 7 MB on the wire).
const maxBackfillBars = maxBars

// reqHistorical answers REQ_HISTORICAL_DATA: complete bars for the period,
// the current partial bar last when the period ends now, then (≥196)
// HISTORICAL_DATA_END; with keepUpToDate the pusher revises the newest bar.
func (s *Server) reqHistorical(c *client, m *wire.ReqHistoricalData) {
	ser := s.resolve(m.Contract)
	if ser == nil {
		c.send(s.errMsg(m.ReqID, 200, textNoSecDef))
		return
	}
	if s.refuseCompeting(c, m.ReqID) {
		return
	}
	size, err := ParseBarSize(m.BarSize)
	if err != nil {
		c.send(s.invalid(m.ReqID, "Historical data bar size setting is invalid."))
		return
	}
	dur, err := parseDuration(m.Duration)
	if err != nil {
		c.send(s.invalid(m.ReqID, "Historical data duration format is invalid."))
		return
	}
	what := strings.ToUpper(m.WhatToShow)
	if !whatToShow[what] {
		c.send(s.invalid(m.ReqID, "Historical data whatToShow setting is invalid."))
		return
	}
	if m.KeepUpToDate && m.EndDateTime != "" {
		c.send(s.invalid(m.ReqID, "End date not supported with live updates"))
		return
	}
	if m.KeepUpToDate && size < 5*time.Second {
		c.send(s.invalid(m.ReqID, "Bar size below 5 secs not supported with live updates"))
		return
	}
	now := s.clock.Now()
	end, live := now, true
	if m.EndDateTime != "" {
		t, err := parseEndDateTime(m.EndDateTime)
		if err != nil {
			c.send(s.invalid(m.ReqID, "End date/time is invalid."))
			return
		}
		if t.Before(now) {
			end, live = t, false
		}
	}
	sz := int64(size / time.Second)
	from := end.Add(-dur)
	if m.UseRTH {
		if f, ok := rthFrom(end, m.Duration); ok {
			from = f
		}
	}
	first := ceilDiv(from.Unix(), sz) * sz
	cur := floorDiv(end.Unix(), sz) * sz
	n := max(0, (cur-first)/sz)
	if live {
		n++
	}
	if n > maxBackfillBars {
		c.send(s.errMsg(m.ReqID, 162, "Historical Market Data Service error message:Time length exceed max."))
		return
	}
	d := &s.cfg.dates
	hd := &wire.HistoricalData{ReqID: m.ReqID, Start: d.period(from), End: d.period(end), Bars: make([]wire.Bar, 0, n)}
	for st := first; st < cur; st += sz {
		if !m.UseRTH || inRTH(st, sz) {
			hd.Bars = append(hd.Bars, ser.bar(sz, st, st+sz))
			hd.Bars[len(hd.Bars)-1].Date = d.bar(st, sz, m.FormatDate)
		}
	}
	if live && (!m.UseRTH || inRTH(cur, sz)) {
		hd.Bars = append(hd.Bars, ser.bar(sz, cur, end.Unix()))
		hd.Bars[len(hd.Bars)-1].Date = d.bar(cur, sz, m.FormatDate)
	}
	if len(hd.Bars) == 0 {
		c.send(s.errMsg(m.ReqID, 162, fmt.Sprintf("Historical Market Data Service error message:HMDS query returned no data: %s@%s %s", ser.in.symbol, m.Contract.Exchange, what)))
		return
	}
	dup, reason := s.admitHistorical(c, m, ser, what, size)
	if dup {
		c.send(s.duplicate(m.ReqID))
		return
	}
	if reason != "" {
		s.log.Info("pacing violation", "addr", c.addr, "req_id", m.ReqID, "rule", reason)
		c.send(s.errMsg(m.ReqID, 162, textPacing))
		return
	}
	msgs := []wire.Message{hd}
	if c.version.Load() >= wire.VersionHistoricalDataEnd {
		msgs = append(msgs, &wire.HistoricalDataEnd{ReqID: m.ReqID, Start: hd.Start, End: hd.End})
	}
	it := c.encode(msgs...)
	it.onDone = s.historicalAnswered
	// Registering and queueing under one lock: the pusher's first update
	// follows the backfill, and a client holding the backfill is subscribed.
	s.mu.Lock()
	defer s.mu.Unlock()
	c.barsSent += len(hd.Bars)
	if m.KeepUpToDate && !c.out.isClosed() {
		c.hist[m.ReqID] = &histSub{reqID: m.ReqID, ser: ser, size: sz, formatDate: m.FormatDate, rth: m.UseRTH,
			dates: d, lastStart: cur, stopped: s.histFarmBrokenLocked()}
		s.bumpLocked()
	}
	if !c.tryEnqueue(it) {
		s.pace.answered()
	}
}

// admitHistorical checks for a request id already streaming, then pacing:
// reason is why the request breaks the pacing rules ("" when accepted).
func (s *Server) admitHistorical(c *client, m *wire.ReqHistoricalData, ser *series, what string, size time.Duration) (dup bool, reason string) {
	k := m.Contract
	group := fmt.Sprintf("%s|%s|%s", ser.in.symbol, k.Exchange, what)
	identical := fmt.Sprintf("%s|%s|%s|%s|%s|%t|%d|%t", group, m.EndDateTime, m.BarSize, m.Duration, k.SecType, m.UseRTH, m.FormatDate, m.KeepUpToDate)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := c.hist[m.ReqID]; dup {
		return true, ""
	}
	return false, s.pace.admit(identical, group, size <= paceSmallBar)
}

func (s *Server) historicalAnswered() {
	s.mu.Lock()
	s.pace.answered()
	s.mu.Unlock()
}
