package engine

import (
	"fmt"
	"log/slog"

	"github.com/robotui/robotui/conn/fanout"
)

// EventFanoutClient is a program connecting to or leaving the fan-out.
const EventFanoutClient = "fanout.client"

// StartFanout serves the read-only TWS API fan-out on the engine's one
// session (cfg.Addr; cfg.OnEvent is the engine's); Close stops it before
// the session. It returns the address it listens on.
func (e *Engine) StartFanout(cfg fanout.Config) (string, error) {
	user := cfg.OnEvent
	cfg.OnEvent = func(ev fanout.ClientEvent) {
		e.emitFanout(ev)
		if user != nil {
			user(ev)
		}
	}
	srv, err := fanout.Start(e.sess, cfg)
	if err != nil {
		return "", err
	}
	if !e.fanout.CompareAndSwap(nil, srv) {
		srv.Close()
		return "", fmt.Errorf("fanout: already started")
	}
	return srv.Addr(), nil
}

// Fanout is the fan-out's state, false when it is off.
func (e *Engine) Fanout() (fanout.Stats, bool) {
	srv := e.fanout.Load()
	if srv == nil {
		return fanout.Stats{}, false
	}
	return srv.Stats(), true
}

func (e *Engine) closeFanout() {
	if srv := e.fanout.Load(); srv != nil {
		srv.Close()
	}
}

func (e *Engine) emitFanout(ev fanout.ClientEvent) {
	level, text := slog.LevelInfo, fmt.Sprintf("fan-out client %s (client id %d) %s", ev.Addr, ev.ClientID, ev.Action)
	if ev.Reason != "" {
		text += ": " + ev.Reason
	}
	e.events.add(ev.At, level, EventFanoutClient, text,
		slog.String("addr", ev.Addr),
		slog.Int("client_id", ev.ClientID),
		slog.String("action", ev.Action),
		slog.String("reason", ev.Reason),
	)
	e.markDirty()
}
