package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robotui/robotui/conn/ibc"
)

// Events of issue 15 (DESIGN.md's list).
const (
	EventAlert = "alert" // alert, state (firing/resolved), severity, summary
	EventIBC   = "ibc"   // command, reply
)

// IBCEvery is how often a command may go to IBC's command server: a restart
// takes the gateway away for a while, and a second one would only prolong it.
const IBCEvery = time.Minute

// ErrIBCOff is a gateway command without `[ibc] command_port`.
var ErrIBCOff = errors.New("engine: IBC command server not configured ([ibc] command_port)")

// ErrIBCTooSoon is a second command within IBCEvery.
var ErrIBCTooSoon = errors.New("engine: one IBC command a minute")

// ibcGate keeps the last command's time.
type ibcGate struct {
	mu        sync.Mutex
	last      time.Time
	restarted time.Time // gateway clock of the last RESTART the gateway accepted
}

// askedRestart is how long after a RESTART the trader asked for an outage is
// expected: a real gateway takes a minute or two to come back logged in.
const askedRestart = 10 * time.Minute

// Note records an event that another package (engine/alert) produced: it
// goes to the log and the screen's events like the engine's own.
func (e *Engine) Note(level slog.Level, name, text string, attrs ...slog.Attr) {
	e.events.add(e.opts.Now(), level, name, text, attrs...)
	e.markDirty()
}

// IBCConfigured says whether the gateway menu can send anything.
func (e *Engine) IBCConfigured() bool { return e.opts.IBCAddr != "" }

// GatewayCommand sends cmd to IBC's command server, at most once per
// IBCEvery, and records the command and its reply as an `ibc` event.
func (e *Engine) GatewayCommand(ctx context.Context, cmd ibc.Command) (ibc.Reply, error) {
	if e.opts.IBCAddr == "" {
		return ibc.Reply{}, ErrIBCOff
	}
	now := e.opts.Now()
	e.ibc.mu.Lock()
	if !e.ibc.last.IsZero() && now.Sub(e.ibc.last) < IBCEvery {
		wait := IBCEvery - now.Sub(e.ibc.last)
		e.ibc.mu.Unlock()
		return ibc.Reply{}, fmt.Errorf("%w: next in %s", ErrIBCTooSoon, wait.Round(time.Second))
	}
	e.ibc.last = now
	e.ibc.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	r, err := ibc.Send(ctx, e.opts.IBCAddr, cmd)
	if err == nil && r.OK && cmd == ibc.Restart {
		e.ibc.mu.Lock()
		e.ibc.restarted = e.gatewayTime()
		e.ibc.mu.Unlock()
	}
	reply, level := r.Text, slog.LevelInfo
	if err != nil {
		reply, level = err.Error(), slog.LevelWarn
	} else if !r.OK {
		level = slog.LevelWarn
	}
	e.Note(level, EventIBC, fmt.Sprintf("gateway %s: %s", cmd, reply),
		slog.String("command", string(cmd)), slog.String("reply", reply))
	return r, err
}

// expected says whether an outage starting at the gateway's time t is
// inside a restart window, and until when.
func (e *Engine) expected(t time.Time) (bool, string, time.Time) {
	e.ibc.mu.Lock()
	asked := e.ibc.restarted
	e.ibc.mu.Unlock()
	if !asked.IsZero() && !t.Before(asked) && t.Before(asked.Add(askedRestart)) {
		return true, "gateway restart (asked)", asked.Add(askedRestart)
	}
	if e.opts.RestartWindows == nil {
		return false, "", time.Time{}
	}
	return e.opts.RestartWindows.In(t)
}

// gatewayTime is the gateway's clock, or ours before it reported one.
func (e *Engine) gatewayTime() time.Time {
	if t, ok := e.opts.ServerTime(); ok {
		return t
	}
	return e.opts.Now()
}
