package ibsim

import (
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// maxCatchUp bounds the bars one push sends per subscription after the sim
// clock leapt far ahead; older ones are skipped.
const maxCatchUp = 1000

// pushLoop sends live data: every UpdateInterval, or on every Advance of a
// ManualClock.
func (s *Server) pushLoop(mc *ManualClock, w *clockWaiter) {
	defer s.wg.Done()
	if w != nil {
		defer mc.unsubscribe(w)
		for {
			select {
			case done := <-w.wake:
				s.pushOnce()
				close(done)
			case <-s.quit:
				return
			}
		}
	}
	t := time.NewTicker(s.cfg.UpdateInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.pushOnce()
		case <-s.quit:
			return
		}
	}
}

type pushJob struct {
	c    *client
	hist []*histSub
	mkt  []*mktSub
	rtb  []*rtbSub
	pnl  []*pnlSub
}

func (s *Server) pushOnce() {
	now := s.clock.Now()
	s.mu.Lock()
	var jobs []pushJob
	for c := range s.clients {
		if c.state != stateReady || c.stalled || c.paused {
			continue
		}
		j := pushJob{c: c}
		for _, h := range c.hist {
			if !h.stopped && !s.silencedLocked(h.ser) {
				j.hist = append(j.hist, h)
			}
		}
		for _, m := range c.mkt {
			if !m.stopped && !s.silencedLocked(m.ser) {
				j.mkt = append(j.mkt, m)
			}
		}
		for _, r := range c.rtb {
			if !r.stopped && !s.silencedLocked(r.ser) {
				j.rtb = append(j.rtb, r)
			}
		}
		for _, p := range c.pnl {
			j.pnl = append(j.pnl, p)
		}
		if len(j.hist)+len(j.mkt)+len(j.rtb)+len(j.pnl) > 0 {
			jobs = append(jobs, j)
		}
	}
	s.mu.Unlock()
	accts := map[string]*accountState{} // valued once per push
	for _, j := range jobs {
		var msgs []wire.Message
		for _, h := range j.hist {
			msgs = h.push(msgs, now.Unix())
		}
		for _, m := range j.mkt {
			q := quoteAt(m.ser, now)
			msgs = append(msgs, q.messages(m.reqID, m.last)...)
			m.last = &q
		}
		for _, r := range j.rtb {
			msgs = r.push(msgs, now.Unix())
		}
		for _, p := range j.pnl {
			msgs = s.pushPnL(msgs, p, accts, now)
		}
		if len(msgs) > 0 {
			j.c.send(msgs...)
		}
	}
}

// push appends the final version of every bar finished since the last push,
// oldest first, then the current partial bar.
func (h *histSub) push(msgs []wire.Message, now int64) []wire.Message {
	cur := floorDiv(now, h.size) * h.size
	from := max(h.lastStart, cur-maxCatchUp*h.size)
	for st := from; st < cur; st += h.size {
		if !h.rth || inRTH(st, h.size) {
			msgs = append(msgs, h.update(st, st+h.size))
		}
	}
	h.lastStart = max(h.lastStart, cur)
	if h.rth && !inRTH(cur, h.size) {
		return msgs
	}
	return append(msgs, h.update(cur, now))
}

func (h *histSub) update(start, asOf int64) wire.Message {
	b := h.ser.bar(h.size, start, asOf)
	b.Date = h.dates.bar(start, h.size, h.formatDate)
	return &wire.HistoricalDataUpdate{ReqID: h.reqID, Bar: b}
}

// push appends every 5-second bar completed since the last push.
func (r *rtbSub) push(msgs []wire.Message, now int64) []wire.Message {
	r.next = max(r.next, floorDiv(now, rtBarSize)*rtBarSize-maxCatchUp*rtBarSize)
	for ; r.next+rtBarSize <= now; r.next += rtBarSize {
		b := r.ser.bar(rtBarSize, r.next, r.next+rtBarSize)
		msgs = append(msgs, &wire.RealTimeBar{
			ReqID: r.reqID, Time: r.next, Open: b.Open, High: b.High, Low: b.Low, Close: b.Close,
			Volume: b.Volume, WAP: b.WAP, Count: b.BarCount,
		})
	}
	return msgs
}
