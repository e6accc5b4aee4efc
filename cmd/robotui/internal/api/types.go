package api

import (
	"time"

	"github.com/robotui/robotui/engine"
)

// State is GET /v1/state: the snapshot's session, keepalive summary,
// sockets, farms and market. Durations are milliseconds.
type State struct {
	At        time.Time `json:"at"`
	Session   Session   `json:"session"`
	Keepalive Keepalive `json:"keepalive"`
	Sockets   Sockets   `json:"sockets"`
	Farms     []Farm    `json:"farms"`
	Market    Market    `json:"market"`
	Symbols   int       `json:"symbols"` // watchlist length; /v1/symbols has the rows
}

// Session is the one TWS API session.
type Session struct {
	State         string         `json:"state"`
	Since         time.Time      `json:"since"`
	ReadySince    *time.Time     `json:"ready_since"`
	Cause         string         `json:"cause"`
	Reason        string         `json:"reason"`
	Error         string         `json:"error"`
	Hint          string         `json:"hint"`
	Addr          string         `json:"addr"`
	ClientID      int            `json:"client_id"`
	ServerVersion int            `json:"server_version"`
	Accounts      []string       `json:"accounts"`
	Mode          string         `json:"mode"`
	Readonly      bool           `json:"readonly"`
	Attempt       int            `json:"attempt"`
	Reconnects    int            `json:"reconnects"`
	ByCause       map[string]int `json:"reconnects_by_cause"`
}

// Keepalive summarises the ping history.
type Keepalive struct {
	IntervalMS float64 `json:"interval_ms"`
	TimeoutMS  float64 `json:"timeout_ms"`
	MaxMisses  int     `json:"max_misses"`
	Misses     int     `json:"misses"`
	LastMS     float64 `json:"last_ms"`
	P50MS      float64 `json:"p50_ms"`
	P99MS      float64 `json:"p99_ms"`
	Sent       uint64  `json:"sent"`
	Missed     uint64  `json:"missed"`
}

// Sockets is the gateway port's socket table.
type Sockets struct {
	Port        int            `json:"port"`
	Listening   bool           `json:"listening"`
	ListenerPID int            `json:"listener_pid"`
	Counts      map[string]int `json:"counts"`
	Zombies     []Zombie       `json:"zombies"`
	OwnLeaks    int            `json:"own_leaks"`
	ScannedAt   time.Time      `json:"scanned_at"`
	Error       string         `json:"error"`
}

// Zombie is one CLOSE_WAIT socket on the gateway port.
type Zombie struct {
	PID     int    `json:"pid"`
	Command string `json:"command"`
	Side    string `json:"side"`
	Local   string `json:"local"`
	Remote  string `json:"remote"`
	State   string `json:"state"`
}

// Farm is one data farm the gateway reported.
type Farm struct {
	Name  string    `json:"name"`
	Kind  string    `json:"kind"`
	State string    `json:"state"`
	Code  int       `json:"code"`
	Since time.Time `json:"since"`
}

// Market is the exchange calendar's view of the gateway's now.
type Market struct {
	Open       bool      `json:"open"`
	Reason     string    `json:"reason"`
	NextChange time.Time `json:"next_change"`
	Now        time.Time `json:"now"`
}

// Symbol is one row of GET /v1/symbols.
type Symbol struct {
	Symbol    string     `json:"symbol"`
	Last      float64    `json:"last"`
	Fast      float64    `json:"fast"`
	Slow      float64    `json:"slow"`
	Signal    string     `json:"signal"`
	Relation  string     `json:"relation"`
	LastCross string     `json:"last_cross"`
	Since     *time.Time `json:"since"`
	BarTime   *time.Time `json:"bar_time"`
	Bars      int        `json:"bars"`
	Status    string     `json:"status"`
	Detail    string     `json:"detail"`
}

// Bars is GET /v1/bars/{symbol}.
type Bars struct {
	Symbol string `json:"symbol"`
	Bars   []Bar  `json:"bars"`
}

// Bar is one closed bar and the signal judged on it.
type Bar struct {
	Time   time.Time `json:"time"`
	Open   float64   `json:"open"`
	High   float64   `json:"high"`
	Low    float64   `json:"low"`
	Close  float64   `json:"close"`
	Volume float64   `json:"volume"`
	Signal string    `json:"signal"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// StateOf is a snapshot's /v1/state.
func StateOf(s engine.Snapshot) State {
	c, k, so := s.Conn, s.Keepalive, s.Sockets
	byCause := make(map[string]int, len(c.ByCause))
	for cause, n := range c.ByCause {
		byCause[cause.String()] = n
	}
	st := State{
		At: s.At,
		Session: Session{State: c.State.String(), Since: c.Since, ReadySince: timePtr(c.ReadySince), Cause: c.Cause.String(),
			Reason: c.Cause.Phrase(), Error: c.Error, Hint: c.Hint, Addr: c.Addr, ClientID: c.ClientID,
			ServerVersion: c.ServerVersion, Accounts: append([]string{}, c.Accounts...), Mode: c.Mode, Readonly: c.Readonly,
			Attempt: c.Attempt, Reconnects: c.Reconnects, ByCause: byCause},
		Keepalive: Keepalive{IntervalMS: ms(k.Interval), TimeoutMS: ms(k.Timeout), MaxMisses: k.MaxMisses, Misses: k.Misses,
			LastMS: ms(k.Last), P50MS: ms(k.P50), P99MS: ms(k.P99), Sent: k.Sent, Missed: k.Missed},
		Sockets: Sockets{Port: so.Port, Listening: so.Listening, ListenerPID: so.ListenerPID, Counts: map[string]int{},
			Zombies: []Zombie{}, OwnLeaks: so.OwnLeaks, ScannedAt: so.ScannedAt, Error: so.Err},
		Farms:   []Farm{},
		Market:  Market{Open: s.Market.Open, Reason: s.Market.Reason, NextChange: s.Market.NextChange, Now: s.Market.Now},
		Symbols: len(s.Symbols),
	}
	for state, n := range so.Counts {
		st.Sockets.Counts[state] = n
	}
	for _, z := range so.Zombies {
		st.Sockets.Zombies = append(st.Sockets.Zombies, Zombie{PID: z.PID, Command: z.Command, Side: z.Side, Local: z.Local, Remote: z.Remote, State: z.State})
	}
	for _, f := range s.Farms {
		st.Farms = append(st.Farms, Farm{Name: f.Name, Kind: f.Kind.String(), State: f.State.String(), Code: f.Code, Since: f.Since})
	}
	return st
}

// SymbolsOf is a snapshot's /v1/symbols, in watchlist order.
func SymbolsOf(s engine.Snapshot) []Symbol {
	out := make([]Symbol, 0, len(s.Symbols))
	for _, r := range s.Symbols {
		out = append(out, Symbol{Symbol: r.Symbol, Last: r.Last, Fast: r.Fast, Slow: r.Slow, Signal: r.Signal, Relation: r.Relation,
			LastCross: r.LastCross, Since: timePtr(r.Since), BarTime: timePtr(r.BarTime), Bars: r.Bars, Status: r.Status, Detail: r.Detail})
	}
	return out
}

// BarsOf is /v1/bars/{symbol}: the closed bars at or after since (all when zero).
func BarsOf(symbol string, bars []engine.Bar, sigs []engine.SignalRecord, since time.Time) Bars {
	out := Bars{Symbol: symbol, Bars: []Bar{}}
	for i, b := range bars {
		if b.Time.Before(since) {
			continue
		}
		sig := ""
		if i < len(sigs) {
			sig = sigs[i].Signal
		}
		out.Bars = append(out.Bars, Bar{Time: b.Time, Open: b.Open, High: b.High, Low: b.Low, Close: b.Close, Volume: b.Volume, Signal: sig})
	}
	return out
}
