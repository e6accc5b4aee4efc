package conn

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// SendPing sends REQ_CURRENT_TIME; the returned channel receives the round
// trip when CURRENT_TIME arrives. A reply that never comes leaves the
// channel empty: the caller applies its own timeout. Replies are matched in
// order, so a late reply still consumes its own ping.
func (c *Client) SendPing() (<-chan time.Duration, error) {
	p := &pendingPing{sent: time.Now(), ch: make(chan time.Duration, 1)}
	c.rmu.Lock()
	c.pings = append(c.pings, p)
	c.rmu.Unlock()
	if err := c.send(&wire.ReqCurrentTime{}); err != nil {
		return nil, err
	}
	return p.ch, nil
}

// Ping sends a keepalive and waits for its round trip.
func (c *Client) Ping(ctx context.Context) (time.Duration, error) {
	ch, err := c.SendPing()
	if err != nil {
		return 0, err
	}
	select {
	case rtt := <-ch:
		return rtt, nil
	case <-c.done:
		return 0, c.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// BarRequest describes historical bars, optionally kept up to date.
type BarRequest struct {
	Contract     wire.Contract
	Duration     string // "2 D"
	BarSize      string // "5 mins"
	WhatToShow   string // "TRADES"
	UseRTH       bool
	FormatDate   int // 2: epoch seconds
	KeepUpToDate bool
	// WarmFrom, when set, is where the bars already known end (the newest
	// stored bar's start, gateway clock): until a backfill has been answered
	// the request asks only for the span since then (WarmDuration); every
	// send after that asks for Duration. Zero: always Duration.
	WarmFrom time.Time
}

// WarmDuration is the duration string for bars from `from` until now: in
// seconds up to a day (IB's limit for "S"), then in whole days, never more
// than full; a minute of slack takes in the bar that starts at `from`.
func WarmDuration(from, now time.Time, full string) string {
	span := now.Sub(from) + time.Minute
	if span <= 0 {
		span = time.Minute
	}
	if span <= 24*time.Hour {
		return fmt.Sprintf("%d S", int64(span.Seconds())+1)
	}
	days := int64(span/(24*time.Hour)) + 1
	if f := strings.Fields(full); len(f) == 2 && strings.EqualFold(f[1], "D") {
		if n, err := strconv.ParseInt(f[0], 10, 64); err == nil && n <= days {
			return full
		}
	}
	return fmt.Sprintf("%d D", days)
}

// BarEventKind tells what a BarEvent carries.
type BarEventKind uint8

const (
	BarBackfill     BarEventKind = iota + 1 // Bars holds the whole backfill, the newest (possibly partial) bar last
	BarUpdate                               // Bar is the newest bar, revised or newly started
	BarError                                // Code and Text say what the gateway refused
	BarResubscribed                         // the session sent the request again (reconnect or 1101/1102); a new backfill follows
	BarQueued                               // the request waits for the pacer
	BarWarning                              // Code and Text are a warning about the request (10167, 2174, ...); it goes on
)

// BarEvent is one delivery to a bar subscriber.
type BarEvent struct {
	Kind   BarEventKind
	ReqID  int // the request id on the current connection (0 for BarResubscribed and BarQueued)
	Bars   []wire.Bar
	Bar    wire.Bar
	Code   int
	Text   string
	Reason string // for BarResubscribed: why
}

// RequestBars sends REQ_HISTORICAL_DATA under reqID; h receives the
// backfill, then (with KeepUpToDate) every update, until CancelBars. h runs
// on the reader goroutine and must not block.
func (c *Client) RequestBars(reqID int, req BarRequest, h func(BarEvent)) error {
	var pending []wire.Bar // from version 196 the backfill ends with its own message
	v := c.serverVersion
	c.route(reqID, func(m wire.Message) {
		switch m := m.(type) {
		case *wire.HistoricalData:
			if v >= wire.VersionHistoricalDataEnd {
				pending = append(pending, m.Bars...)
				return
			}
			h(BarEvent{Kind: BarBackfill, ReqID: reqID, Bars: m.Bars})
		case *wire.HistoricalDataEnd:
			bars := pending
			pending = nil
			h(BarEvent{Kind: BarBackfill, ReqID: reqID, Bars: bars})
		case *wire.HistoricalDataUpdate:
			h(BarEvent{Kind: BarUpdate, ReqID: reqID, Bar: m.Bar})
		case *wire.ErrMsg:
			h(BarEvent{Kind: BarError, ReqID: reqID, Code: m.Code, Text: m.Text})
		}
	})
	err := c.send(&wire.ReqHistoricalData{
		ReqID: reqID, Contract: req.Contract, EndDateTime: "", BarSize: req.BarSize, Duration: req.Duration,
		UseRTH: req.UseRTH, WhatToShow: req.WhatToShow, FormatDate: req.FormatDate, KeepUpToDate: req.KeepUpToDate,
	})
	if err != nil {
		c.unroute(reqID)
	}
	return err
}

// CancelBars stops a bar request; nothing more is delivered for reqID.
func (c *Client) CancelBars(reqID int) error {
	c.unroute(reqID)
	return c.send(&wire.CancelHistoricalData{ReqID: reqID})
}

// TickEvent is one market-data delivery.
type TickEvent struct {
	TickType int
	Price    float64 // for price ticks
	Size     float64
	IsSize   bool // a TICK_SIZE
	Code     int  // an error for this request when non-zero
	Text     string
	ReqID    int // the request's id on its connection (set for a QuoteSub's handler)
}

// RequestMarketData subscribes to streaming ticks under reqID.
func (c *Client) RequestMarketData(reqID int, contract wire.Contract, h func(TickEvent)) error {
	c.route(reqID, func(m wire.Message) {
		switch m := m.(type) {
		case *wire.TickPrice:
			h(TickEvent{TickType: m.TickType, Price: m.Price, Size: m.Size})
		case *wire.TickSize:
			h(TickEvent{TickType: m.TickType, Size: m.Size, IsSize: true})
		case *wire.ErrMsg:
			h(TickEvent{Code: m.Code, Text: m.Text})
		}
	})
	err := c.send(&wire.ReqMktData{ReqID: reqID, Contract: contract})
	if err != nil {
		c.unroute(reqID)
	}
	return err
}

// CancelMarketData stops a market-data subscription.
func (c *Client) CancelMarketData(reqID int) error {
	c.unroute(reqID)
	return c.send(&wire.CancelMktData{ReqID: reqID})
}

// Positions asks for all positions and waits for POSITION_END.
func (c *Client) Positions(ctx context.Context) ([]wire.PositionData, error) {
	out := make(chan []wire.PositionData, 1)
	var got []wire.PositionData
	c.rmu.Lock()
	if c.posRcv != nil {
		c.rmu.Unlock()
		return nil, fmt.Errorf("positions: a request is already open")
	}
	c.posRcv = func(m wire.Message) {
		switch m := m.(type) {
		case *wire.PositionData:
			got = append(got, *m)
		case *wire.PositionEnd:
			trySend(out, got)
		}
	}
	c.rmu.Unlock()
	defer func() {
		c.rmu.Lock()
		c.posRcv = nil
		c.rmu.Unlock()
		c.send(&wire.CancelPositions{})
	}()
	if err := c.send(&wire.ReqPositions{}); err != nil {
		return nil, err
	}
	select {
	case p := <-out:
		return p, nil
	case <-c.done:
		return nil, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// AccountSummary asks for the given tags (comma-separated) of all accounts.
func (c *Client) AccountSummary(ctx context.Context, tags string) ([]wire.AccountSummary, error) {
	reqID := c.NextReqID()
	type result struct {
		rows []wire.AccountSummary
		err  error
	}
	out := make(chan result, 1)
	var got []wire.AccountSummary // the reader's own until it hands them over
	c.route(reqID, func(m wire.Message) {
		switch m := m.(type) {
		case *wire.AccountSummary:
			got = append(got, *m)
		case *wire.AccountSummaryEnd:
			trySend(out, result{rows: got})
			got = nil
		case *wire.ErrMsg:
			trySend(out, result{err: fmt.Errorf("account summary: %d %s", m.Code, m.Text)})
		}
	})
	defer func() {
		c.unroute(reqID)
		c.send(&wire.CancelAccountSummary{ReqID: reqID})
	}()
	if err := c.send(&wire.ReqAccountSummary{ReqID: reqID, Group: "All", Tags: tags}); err != nil {
		return nil, err
	}
	select {
	case r := <-out:
		return r.rows, r.err
	case <-c.done:
		return nil, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *Client) route(reqID int, rcv func(wire.Message)) {
	c.rmu.Lock()
	c.routes[reqID] = rcv
	c.rmu.Unlock()
}

func (c *Client) unroute(reqID int) {
	c.rmu.Lock()
	delete(c.routes, reqID)
	c.rmu.Unlock()
}

// trySend never blocks the reader goroutine on a receiver that has gone.
func trySend[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
	}
}
