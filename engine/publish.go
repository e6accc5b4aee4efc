package engine

import (
	"cmp"
	"maps"
	"strings"
	"time"

	"github.com/robotui/robotui/conn"
)

// clockRefresh is how often a snapshot goes out with nothing changed, so
// that clocks and ages on screen move.
const clockRefresh = time.Second

// publishLoop sends a snapshot when something changed, at most one per
// PublishEvery: changes in between coalesce into the next one. Revisions of
// forming bars alone go out at most every PriceEvery, which keeps an idle
// console cheap while many symbols tick.
func (e *Engine) publishLoop() {
	clock := time.NewTicker(clockRefresh)
	defer clock.Stop()
	prices := time.NewTicker(e.opts.PriceEvery)
	defer prices.Stop()
	watch := time.NewTicker(e.opts.SilentCheck)
	defer watch.Stop()
	e.watchFrom = time.Now()
	gap := time.NewTimer(e.opts.PublishEvery)
	gap.Stop()
	defer gap.Stop()
	for {
		select {
		case <-e.stopPub:
			return
		case <-e.dirty:
		case <-clock.C:
			e.closeElapsedBars()
			e.flushRepeats(false)
		case now := <-watch.C:
			e.watchData(now)
			continue
		case <-prices.C:
			if !e.quiet.Load() {
				continue
			}
		}
		e.quiet.Store(false)
		e.publish(e.buildSnapshot())
		// Every snapshot carries the quiet changes: their refresh counts from
		// the last one, so an idle console gets the clock's, not one more.
		prices.Reset(e.opts.PriceEvery)
		gap.Reset(e.opts.PublishEvery)
		select {
		case <-e.stopPub:
			return
		case <-gap.C:
		}
	}
}

// publish makes s the latest and offers it on the channel, replacing a
// value nobody took yet. Only one goroutine publishes at a time.
func (e *Engine) publish(s Snapshot) {
	e.latest.Store(&s)
	select {
	case <-e.snaps:
	default:
	}
	select {
	case e.snaps <- s:
	default:
	}
}

// buildSnapshot copies everything a screen shows; nothing in the result is
// shared with live state.
func (e *Engine) buildSnapshot() Snapshot {
	now := e.opts.Now()
	st := e.sess.Stats()
	s := Snapshot{
		At:        now,
		Conn:      e.connInfo(&st),
		Keepalive: e.keepaliveInfo(&st),
		Pings:     make([]PingSample, len(st.Pings)),
		Market:    e.marketNow(now),
		Symbols:   make([]SymbolRow, len(e.syms)),
		Events:    e.events.lines(),
		Sim:       e.opts.Sim,
		Farms:     st.Farms,
		Journal:   e.journalStatus(),
	}
	if e.opts.Faults != nil {
		s.Faults = e.opts.Faults.ActiveFaults()
	}
	e.counters(&s.Counters)
	s.Counters.NonFinite = st.NonFinite
	if fo, ok := e.Fanout(); ok {
		s.Fanout = &fo
	}
	for i, p := range st.Pings {
		s.Pings[i] = PingSample{At: p.At, RTT: p.RTT, OK: p.OK}
	}
	// Degraded holds the socket, but IB sends nothing until 1101/1102.
	updating := st.State == conn.Ready
	s.Accounts = e.acct.books(!updating)
	e.emitAccounts(s.Accounts, now)
	for i, sym := range e.syms {
		s.Symbols[i] = e.symbolRow(sym, updating)
		s.Symbols[i].Quote, _ = e.quote(sym.name)
	}
	s.NoQuotes = e.quotes.missing()
	e.mu.Lock()
	s.Sockets = e.sock
	e.mu.Unlock()
	s.Sockets.Counts = maps.Clone(s.Sockets.Counts)
	s.Sockets.Zombies = append([]Zombie(nil), s.Sockets.Zombies...)
	return s
}

func (e *Engine) connInfo(st *conn.Stats) ConnInfo {
	c := ConnInfo{
		State: st.State, Since: st.Since, ReadySince: st.ReadySince, Cause: st.Cause, Error: errText(st.Err),
		Addr: st.Addr, ClientID: st.ClientID, ServerVersion: st.ServerVersion, Accounts: st.Accounts,
		Mode: cmp.Or(accountMode(st.Accounts), e.opts.Mode), ConfigMode: e.opts.Mode,
		Readonly: e.opts.Readonly, Attempt: st.Attempt, NextRetry: st.NextRetry,
		Reconnects: st.Reconnects, ByCause: st.ByCause,
		MsgsIn: st.MsgsIn, MsgsOut: st.MsgsOut, BytesIn: st.BytesIn, BytesOut: st.BytesOut,
		BadFrames: st.BadFrames, Hint: e.hint(st.State, st.Cause, st.Addr),
	}
	if st.State != conn.Ready {
		c.Expected, c.ExpectedWhat, c.ExpectedUntil = e.expected(e.gatewayTime())
	}
	return c
}

func (e *Engine) keepaliveInfo(st *conn.Stats) KeepaliveInfo {
	k := e.sess.Config().Keepalive
	info := KeepaliveInfo{
		Interval: k.Interval, Timeout: k.Timeout,
		MaxMisses: k.MaxMisses, Misses: st.Misses, Sent: st.PingsSent, Missed: st.PingsMissed,
		P50: conn.Percentile(st.Pings, 50), P99: conn.Percentile(st.Pings, 99),
	}
	for i := len(st.Pings) - 1; i >= 0; i-- {
		if st.Pings[i].OK {
			info.Last = st.Pings[i].RTT
			break
		}
	}
	return info
}

// symbolRow is sym's line with its status. Queued and failed come from the
// subscription; otherwise the engine's own view decides, because it knows
// whether the backfill of the latest request was merged: every re-request
// is announced by BarResubscribed. Data held while nothing updates it (the
// session down or degraded) is "stale".
func (e *Engine) symbolRow(sym *symbolState, updating bool) SymbolRow {
	sym.mu.Lock()
	r := sym.row()
	sub, awaiting, have := sym.sub, sym.awaiting || sym.backfills == 0, len(sym.ser.bars) > 0
	silent, lastData := sym.silent, sym.lastUpdate
	sym.mu.Unlock()
	if sub == nil {
		r.Status = string(conn.SubQueued)
		return r
	}
	st, detail := sub.Status()
	switch st {
	case conn.SubFailed:
		r.Status, r.Detail = string(conn.SubFailed), detail
		return r
	case conn.SubCancelled:
		r.Status, r.Detail = string(conn.SubFailed), "cancelled"
		return r
	case conn.SubQueued:
		r.Status = string(conn.SubQueued)
		if detail != "" {
			r.Detail = detail
		}
	case conn.SubRecovering:
		r.Status = string(conn.SubRecovering)
	default:
		r.Status = string(conn.SubLive)
		if awaiting {
			r.Status = string(conn.SubRequested)
		}
	}
	if silent && st != conn.SubQueued {
		r.Status = StatusSilent
		if !lastData.IsZero() {
			r.Detail = "no update for " + e.opts.Now().Sub(lastData).Round(time.Second).String()
		}
	}
	if !updating && have {
		r.Status = StatusStale
	}
	return r
}

// marketNow is the calendar's view of now by the gateway's clock (its last
// CURRENT_TIME; ours until the first); a change is a `market` event.
func (e *Engine) marketNow(now time.Time) MarketInfo {
	if gw, ok := e.opts.ServerTime(); ok {
		now = gw
	}
	cs := e.opts.Calendar.Status(now)
	m := MarketInfo{Open: cs.Open, Reason: cs.Reason, NextChange: cs.NextChange, Now: now.In(e.loc)}
	e.mu.Lock()
	changed := !e.haveMkt || e.market.Open != m.Open || !e.market.NextChange.Equal(m.NextChange)
	e.market, e.haveMkt = m, true
	e.mu.Unlock()
	if changed {
		e.emitMarket(m)
	}
	return m
}

// accountMode is what the managed accounts say: IB's paper accounts are
// numbered D… (DU…, DF…), live ones are not; "" before any account is known.
func accountMode(accounts []string) string {
	if len(accounts) == 0 {
		return ""
	}
	for _, a := range accounts {
		if !strings.HasPrefix(a, "D") {
			return "live"
		}
	}
	return "paper"
}
