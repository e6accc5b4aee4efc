package config

import (
	"net"
	"strconv"
	"time"

	"github.com/robotui/robotui/ui/keys"
)

// Config is every robotui setting. Sections mirror the TOML tables of config.toml.example.
// The zero value is not useful: start from [Defaults] or [Parse].
type Config struct {
	Gateway   Gateway   `toml:"gateway"`
	Keepalive Keepalive `toml:"keepalive"`
	Reconnect Reconnect `toml:"reconnect"`
	Zombies   Zombies   `toml:"zombies"`
	Watchlist Watchlist `toml:"watchlist"`
	Data      Data      `toml:"data"`
	Strategy  Strategy  `toml:"strategy"`
	Log       Log       `toml:"log"`
	Metrics   Metrics   `toml:"metrics"`
	Health    Health    `toml:"health"`
	API       API       `toml:"api"`
	Fanout    Fanout    `toml:"fanout"`
	Sim       Sim       `toml:"sim"`
	Alerts    Alerts    `toml:"alerts"`
	IBC       IBC       `toml:"ibc"`
	Journal   Journal   `toml:"journal"`
	// Keys binds actions (ui/keys' table names them) to Bubble Tea key names ("q", "ctrl+c",
	// "up", "tab", "esc", ...). Defaults and rules come from that table.
	Keys map[string][]string `toml:"keys"`

	// origins records, per dotted key, where its current value came from (an Error with only
	// File and Line, Env or Flag set), so that Validate can point at the file line, variable or
	// flag. Keys absent here hold their default.
	origins map[string]Error
}

// Mode says whether the account behind the gateway is a paper or a live one.
type Mode string

// The two trading modes.
const (
	ModePaper Mode = "paper"
	ModeLive  Mode = "live"
)

// Gateway is how to reach IB Gateway or TWS.
type Gateway struct {
	// Host of the gateway. Default "127.0.0.1".
	Host string `toml:"host"`
	// Port of the gateway's API socket, 1..65535. Default 4002 (IB Gateway, paper).
	// 7497 is TWS paper; 7496 (TWS) and 4001 (Gateway) are live and need --live.
	Port int `toml:"port"`
	// ClientID is the first TWS API client id tried, 0..2147483638 (the 9 after it are tried on 326). Default 1.
	ClientID int `toml:"client_id"`
	// ReadOnly marks the session read-only. Default true. robotui places no orders either way.
	ReadOnly bool `toml:"readonly"`
	// Mode is "paper" or "live" and must match the port. Default "paper"; "live" needs --live.
	Mode Mode `toml:"mode"`
	// ConnectTimeout bounds dial plus handshake until the session is ready. Default 10s.
	ConnectTimeout time.Duration `toml:"connect_timeout"`
	// RestartTime is IBC's AutoRestartTime, "HH:MM" 24-hour on the gateway's (New York) clock; an outage then is expected. Default "": none.
	RestartTime string `toml:"restart_time"`
	// ResetRegion picks IB's daily server reset window: "na", "eu" or "asia". Default "na".
	ResetRegion string `toml:"reset_region"`
}

// Addr is the gateway's host:port, ready for net.Dial.
func (g Gateway) Addr() string { return net.JoinHostPort(g.Host, strconv.Itoa(g.Port)) }

// Keepalive is how the session proves it is alive.
type Keepalive struct {
	// Interval between REQ_CURRENT_TIME pings. Default 2s.
	Interval time.Duration `toml:"interval"`
	// Timeout after which an unanswered ping is a miss. Default 2s.
	Timeout time.Duration `toml:"timeout"`
	// MaxMisses consecutive misses mean the session is dead, >= 1. Default 2.
	MaxMisses int `toml:"max_misses"`
	// History is how many round trips are kept, 10..100000. Default 300.
	History int `toml:"history"`
}

// Reconnect is the capped exponential backoff between connection attempts.
type Reconnect struct {
	// Initial delay after the first failure. Default 250ms.
	Initial time.Duration `toml:"initial"`
	// Multiplier applied to the delay after each failure, 1..10. Default 2.0.
	Multiplier float64 `toml:"multiplier"`
	// Max caps the delay, >= Initial. Default 30s.
	Max time.Duration `toml:"max"`
	// Jitter is the random fraction added or removed from each delay, 0..1. Default 0.2.
	Jitter float64 `toml:"jitter"`
}

// Zombies is the watch on the gateway port's socket table.
type Zombies struct {
	// ScanInterval between socket-table scans. Default 2s.
	ScanInterval time.Duration `toml:"scan_interval"`
	// AutoKill signals, without asking, other processes of this user that hold client-side
	// zombie sockets to the gateway, as the kill policy allows. Default false.
	AutoKill bool `toml:"auto_kill"`
	// KillGrace is how long after SIGTERM before SIGKILL. Default 3s.
	KillGrace time.Duration `toml:"kill_grace"`
}

// Watchlist is which symbols to follow and which bars to request for them.
type Watchlist struct {
	// Symbols to follow: at least one, each 1..12 of A-Z 0-9 . - space, no duplicates.
	// Parse, ApplyEnv and Set trim and upper-case them. Default AAPL MSFT NVDA AMZN GOOGL
	// META TSLA SPY QQQ IWM.
	Symbols []string `toml:"symbols"`
	// BarSize is an IB bar size of 5 secs or more (keepUpToDate). Default "5 mins".
	BarSize string `toml:"bar_size"`
	// Duration of the backfill, "<n> S|D|W|M|Y". Default "2 D".
	Duration string `toml:"duration"`
	// WhatToShow is the IB data type of the bars. Default "TRADES".
	WhatToShow string `toml:"what_to_show"`
	// UseRTH limits bars to regular trading hours. Default true.
	UseRTH bool `toml:"use_rth"`
	// Groups are the [[watchlist.group]] tables: symbols judged by their own strategies. None by default.
	Groups []Group `toml:"group"`
}

// Data is the watch on the data itself, beyond the socket.
type Data struct {
	// SilentAfter is how long a live symbol may go without an update while the market is open
	// before it is "silent" and its request is asked again; 0 turns the watch off, else >= 1s.
	// Default 30s.
	SilentAfter time.Duration `toml:"silent_after"`
}

// Journal is the SQLite journal of events and bars (engine/journal): `robotui report`, the
// History view and the warm start read it.
type Journal struct {
	// Path of the journal file. Default "": $XDG_STATE_HOME/robotui/journal.db. --no-journal turns it off.
	Path string `toml:"path"`
	// Retention: rows older than this are deleted. Default 720h (30 days); at least 1h.
	Retention time.Duration `toml:"retention"`
	// MaxSize caps the file ("200MB"; KB, MB, GB); beyond it the oldest rows go. Default "200MB"; at least "1MB".
	MaxSize string `toml:"max_size"`
}

// Strategy is the moving-average crossover computed on closed bars: every
// symbol's signal, but those of a [[watchlist.group]].
type Strategy struct {
	// Fast SMA period in bars, >= 1 and < Slow. Default 10.
	Fast int `toml:"fast"`
	// Slow SMA period in bars, <= 1000. Default 20.
	Slow int `toml:"slow"`
	// EvalBars is N of the performance figures: a signal is a hit when the close N bars later
	// moved its way. 1..1000. Default 10.
	EvalBars int `toml:"eval_bars"`
}

// Log is where and how robotui logs.
type Log struct {
	// Format is "text" or "json". Default "text".
	Format string `toml:"format"`
	// Level is "debug", "info", "warn" or "error". Default "info".
	Level string `toml:"level"`
	// File to write events to. Default "": stdout when headless; the TUI's file in the state dir.
	File string `toml:"file"`
}

// Metrics is the Prometheus endpoint.
type Metrics struct {
	// Addr to serve /metrics on, e.g. "127.0.0.1:9464". Default "": off.
	Addr string `toml:"addr"`
	// AllowRemote permits a non-loopback Addr. Default false.
	AllowRemote bool `toml:"allow_remote"`
}

// Sim is the simulated gateway used by --sim and `robotui gateway`.
type Sim struct {
	// Seed of the deterministic random walk. Default 1.
	Seed int64 `toml:"seed"`
	// Speed of the sim clock relative to real time, > 0 and <= 10000. Default 1.0.
	Speed float64 `toml:"speed"`
	// ServerVersion is the highest version the simulator negotiates, 100..200. Default 178.
	ServerVersion int `toml:"server_version"`
	// Start is the sim clock's first instant, RFC 3339 ("2026-01-05T10:00:00-05:00"), so that
	// market hours can be had at any hour. Default "": now, or with --sim while the market is
	// closed, the last regular session's first hour (the demo stays alive).
	Start string `toml:"start"`
	// Positions is a file of the simulated accounts' holdings, one `SYMBOL QTY [AVG_COST]` a
	// line (robotui gateway --positions). Default "": the simulator's demo holdings.
	Positions string `toml:"positions"`
}

// Defaults returns the built-in settings; config.toml.example spells out the same values.
// Each call returns fresh slices.
func Defaults() Config {
	return Config{
		Gateway: Gateway{
			Host:           "127.0.0.1",
			Port:           4002,
			ClientID:       1,
			ReadOnly:       true,
			Mode:           ModePaper,
			ConnectTimeout: 10 * time.Second,
			ResetRegion:    "na",
		},
		Keepalive: Keepalive{Interval: 2 * time.Second, Timeout: 2 * time.Second, MaxMisses: 2, History: 300},
		Reconnect: Reconnect{Initial: 250 * time.Millisecond, Multiplier: 2.0, Max: 30 * time.Second, Jitter: 0.2},
		Zombies:   Zombies{ScanInterval: 2 * time.Second, AutoKill: false, KillGrace: 3 * time.Second},
		Watchlist: Watchlist{
			Symbols:    []string{"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "SPY", "QQQ", "IWM"},
			BarSize:    "5 mins",
			Duration:   "2 D",
			WhatToShow: "TRADES",
			UseRTH:     true,
		},
		Data:     Data{SilentAfter: 30 * time.Second},
		Strategy: Strategy{Fast: 10, Slow: 20, EvalBars: 10},
		Log:      Log{Format: "text", Level: "info", File: ""},
		Metrics:  Metrics{Addr: "", AllowRemote: false},
		Health:   Health{GatewayZombies: 2, PushURL: "", PushInterval: 60 * time.Second},
		API:      API{Addr: "", AllowRemote: false, TokenFile: ""},
		Fanout:   Fanout{Listen: "", AllowRemote: false, MaxClients: 32, MarketDataLines: 100},
		Sim:      Sim{Seed: 1, Speed: 1.0, ServerVersion: 178, Start: ""},
		Alerts:   defaultAlerts(),
		Journal:  Journal{Path: "", Retention: 30 * 24 * time.Hour, MaxSize: "200MB"},
		Keys:     keys.DefaultBindings(),
	}
}
