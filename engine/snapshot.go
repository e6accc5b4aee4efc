package engine

import (
	"log/slog"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/fanout"
	"github.com/robotui/robotui/engine/account"
)

// Snapshot is an immutable picture of everything the trader's screen shows.
// The engine publishes a fresh one at most every ~100 ms; nothing in it is
// shared with the engine's live state, so readers may keep it.
type Snapshot struct {
	At        time.Time
	Conn      ConnInfo
	Keepalive KeepaliveInfo
	Pings     []PingSample // oldest first, bounded by keepalive.history
	Sockets   SocketInfo
	Market    MarketInfo
	Symbols   []SymbolRow // watchlist order
	Events    []EventLine // oldest first, the last few hundred
	Sim       bool        // running against the built-in simulator: the fault menu is available
	Faults    []string    // with Sim: the fault menu's entries in effect now
	Farms     []conn.Farm // every data farm the gateway reported, by name
	Counters  Counters
	Accounts  []account.Book // one per managed account, in the gateway's order
	NoQuotes  []string       // symbols left without quotes by the 100-line market-data budget
	Fanout    *fanout.Stats  // the TWS API fan-out's clients; nil when it is off
	Journal   JournalStatus  // the journal's health; zero without one
}

// ConnInfo is the session's state.
type ConnInfo struct {
	State         conn.State
	Since         time.Time  // when State was entered
	ReadySince    time.Time  // start of the current ready period (zero when not ready)
	Cause         conn.Cause // why the last transition happened
	Error         string     // the failure behind Cause in full, "" when there is none
	Hint          string     // what the trader can do about it, "" when nothing (see noListenerHint)
	Expected      bool       // not ready inside a restart window (RestartWindows)
	ExpectedUntil time.Time  // with Expected: the window's end, gateway clock
	ExpectedWhat  string     // with Expected: which window
	Addr          string     // gateway host:port
	ClientID      int        // the id in use (rotates on 326)
	ServerVersion int
	Accounts      []string
	Mode          string // "paper" or "live": the account's own when known, else the configured one
	ConfigMode    string // the configured mode; differs from Mode when the account says otherwise
	Readonly      bool
	Attempt       int                // dial attempts since the last ready
	NextRetry     time.Time          // in backoff: when the next dial happens
	Reconnects    int                // total reconnects
	ByCause       map[conn.Cause]int // connections lost or failed
	MsgsIn        uint64
	MsgsOut       uint64
	BadFrames     uint64 // frames from the gateway that could not be read (skipped)
	BytesIn       uint64
	BytesOut      uint64
}

// KeepaliveInfo summarises the ping history.
type KeepaliveInfo struct {
	Interval  time.Duration
	Timeout   time.Duration
	MaxMisses int
	Misses    int           // consecutive misses now
	Last      time.Duration // the newest answered round trip (a miss is no round trip)
	P50       time.Duration
	P99       time.Duration
	Sent      uint64
	Missed    uint64 // total misses
}

// PingSample is one keepalive round trip.
type PingSample struct {
	At  time.Time
	RTT time.Duration // the round trip; for a miss, how long it was waited for
	OK  bool
}

// SocketInfo is the gateway port's socket table.
type SocketInfo struct {
	Port            int
	Listening       bool
	ListenerPID     int
	ListenerCommand string
	Counts          map[string]int // TCP state name ("ESTABLISHED", "CLOSE_WAIT", ...) → count
	Zombies         []Zombie
	OwnLeaks        int // sockets of ours on the port the session does not hold
	ScannedAt       time.Time
	Err             string // the last scan's error, if any
}

// Zombie is a CLOSE_WAIT socket on a connection to the gateway port.
type Zombie struct {
	PID     int
	Command string
	User    string
	Side    string // "client" or "gateway"
	Local   string
	Remote  string
	State   string
}

// MarketInfo is the exchange calendar's view of now.
type MarketInfo struct {
	Open       bool
	Reason     string    // "open", "weekend", "holiday: Thanksgiving", "pre-market", "after hours", ...
	NextChange time.Time // next open when closed, next close when open
	Now        time.Time // the gateway's clock, in America/New_York
}

// SymbolRow is one line of the signals table.
type SymbolRow struct {
	Symbol    string
	Last      float64
	Fast      float64
	Slow      float64
	Signal    string    // "BUY", "SELL", "HOLD" (the latest closed bar's signal)
	Relation  string    // "above", "below", "equal", "" when not enough bars
	LastCross string    // "BUY"/"SELL" of the last cross, "" if none yet
	Since     time.Time // bar time of the last cross
	BarTime   time.Time // time of the newest closed bar
	Bars      int       // closed bars held
	Status    string    // "queued", "backfilling", "live", "recovering", "silent", "stale", "error"
	Detail    string    // the reason behind an error status
	Quote     Quote     // live quote; zero until the first tick
	// Strategies is every strategy judging the symbol, its main one first
	// (whose figures Fast, Slow, Signal, Relation, LastCross and Since are).
	Strategies []StrategyRow
}

// StrategyRow is one strategy's standing on a symbol's newest closed bar.
type StrategyRow struct {
	Strategy  string // kind: "sma", "ema", "rsi", "macd", "bollinger", "donchian"
	Name      string // with parameters, "RSI(14,30,70)"
	Signal    string // "BUY", "SELL", "HOLD"; "" before its first verdict
	Relation  string
	Fast      float64 // the strategy's two figures (signal.Result's Fast and Slow)
	Slow      float64
	LastCross string    // its last "BUY"/"SELL", "" if none yet
	Since     time.Time // bar time of LastCross
}

// EventLine is one entry of the events log.
type EventLine struct {
	At    time.Time
	Level slog.Level
	Name  string // the event name of DESIGN.md: conn.state, keepalive, sockets, zombie, signal, ib.error, ib.notice, market
	Text  string // a one-line human summary
}

// Quote is a symbol's live market data (REQ_MKT_DATA). Zero values are unset.
type Quote struct {
	Bid, Ask, Last float64
	Volume         float64
	PrevClose      float64
	Change         float64   // Last - PrevClose
	ChangePct      float64   // Change as a percentage of PrevClose
	At             time.Time // the newest tick
}
