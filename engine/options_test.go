package engine

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
)

func TestNewValidates(t *testing.T) {
	addr := conn.Config{Addr: "127.0.0.1:4002"}
	tests := []struct {
		name string
		opts Options
		err  error
	}{
		{"no symbols", Options{Session: addr}, ErrNoSymbols},
		{"blank symbols", Options{Session: addr, Symbols: []string{" "}}, ErrBadSymbol},
		{"comma in a symbol", Options{Session: addr, Symbols: []string{"A,B"}}, ErrBadSymbol},
		{"control character", Options{Session: addr, Symbols: []string{"A\x00"}}, ErrBadSymbol},
		{"too long", Options{Session: addr, Symbols: []string{strings.Repeat("X", 33)}}, ErrBadSymbol},
		{"no address", Options{Symbols: []string{"AAPL"}}, ErrNoAddr},
		{"address without port", Options{Session: conn.Config{Addr: "localhost"}, Symbols: []string{"AAPL"}}, ErrBadPort},
		{"port out of range", Options{Session: addr, Symbols: []string{"AAPL"}, GatewayPort: 70000}, ErrBadPort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(tt.opts)
			if !errors.Is(err, tt.err) || e != nil {
				t.Fatalf("New: %v, %v; want %v", e, err, tt.err)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	e, err := New(Options{Session: conn.Config{Addr: "127.0.0.1:4002"}, Symbols: []string{" aapl", "MSFT", "AAPL", "brk b"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	o := e.opts
	if got := e.Symbols(); !slices.Equal(got, []string{"AAPL", "MSFT", "BRK B"}) {
		t.Errorf("symbols %v", got)
	}
	if o.Bars != DefaultBarSettings() || o.Strategy.Name() != "SMA(10,20)" || o.GatewayPort != 4002 ||
		o.ScanInterval != 2*time.Second || o.KillGrace != 3*time.Second || o.EventHistory != 300 ||
		o.PublishEvery != 100*time.Millisecond || o.AutoKill || o.Calendar == nil || o.Now == nil {
		t.Errorf("defaults %+v", o)
	}
	req := e.request("AAPL")
	if req.Duration != "2 D" || req.BarSize != "5 mins" || req.WhatToShow != "TRADES" || !req.UseRTH || req.FormatDate != 2 || !req.KeepUpToDate {
		t.Errorf("request %+v", req)
	}
	partial, err := New(Options{Session: conn.Config{Addr: "127.0.0.1:4002"}, Symbols: []string{"A"}, Bars: BarSettings{BarSize: "1 min"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(partial.Close)
	if b := partial.opts.Bars; b.BarSize != "1 min" || b.Duration != "2 D" || b.WhatToShow != "TRADES" || b.UseRTH {
		t.Errorf("partial bar settings %+v: empty fields take defaults, UseRTH as given", b)
	}
}

func TestMarketEvents(t *testing.T) {
	now := time.Date(2025, 3, 4, 14, 0, 0, 0, time.UTC) // 9:00 New York, pre-market
	e, err := New(Options{Session: conn.Config{Addr: "127.0.0.1:4002"}, Symbols: []string{"A"}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	steps := []struct {
		at   time.Time
		open bool
	}{
		{now, false},
		{now.Add(10 * time.Minute), false},
		{now.Add(31 * time.Minute), true},
		{now.Add(2 * time.Hour), true},
		{now.Add(7 * time.Hour), false},
	}
	for _, s := range steps {
		now = s.at
		if m := e.Latest().Market; m.Open != s.open || m.Now.Location().String() != "America/New_York" {
			t.Fatalf("at %v: market %+v, want open=%v", s.at, m, s.open)
		}
	}
	var names []string
	for _, l := range e.events.lines() {
		names = append(names, l.Name)
	}
	if !slices.Equal(names, []string{EventMarket, EventMarket, EventMarket}) {
		t.Fatalf("events %v, want a market event at the start and at each change only", names)
	}
}
