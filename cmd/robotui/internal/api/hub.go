package api

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
)

// DefaultKeep is how many events the hub keeps for Last-Event-ID resume.
const DefaultKeep = 4096

// Event is one headless event line with the id the API gives it.
type Event struct {
	ID   uint64
	Name string // the slog message: conn.state, keepalive, ...
	JSON []byte // the line exactly as --log-format json writes it, without the newline
}

// Hub keeps the last events, numbered from 1 in the order the engine's log
// writer handed them over, and wakes the streams waiting for more. It is
// fed through Handler, so the API serves exactly the lines the log gets.
type Hub struct {
	mu     sync.Mutex
	ring   []Event
	next   uint64        // the id the next event gets
	wake   chan struct{} // closed and replaced on every event
	closed bool
}

// NewHub returns a hub keeping the last keep events (DefaultKeep when < 1).
func NewHub(keep int) *Hub {
	if keep < 1 {
		keep = DefaultKeep
	}
	return &Hub{ring: make([]Event, 0, keep), next: 1, wake: make(chan struct{})}
}

func (h *Hub) add(name string, line []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	ev := Event{ID: h.next, Name: name, JSON: line}
	h.next++
	if len(h.ring) == cap(h.ring) {
		h.ring = append(h.ring[:0], h.ring[1:]...)
	}
	h.ring = append(h.ring, ev)
	close(h.wake)
	h.wake = make(chan struct{})
}

// Close ends every stream; later events are ignored.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.wake)
	}
}

// After returns the kept events with ids above id, how many with such ids
// are no longer kept (lost to a slow resume), a channel closed when more
// arrive, and whether the hub is closed.
func (h *Hub) After(id uint64) (evs []Event, lost uint64, more <-chan struct{}, closed bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.ring) > 0 {
		first := h.ring[0].ID
		if id+1 < first {
			lost = first - id - 1
		}
		start := 0
		if id >= first {
			start = int(id - first + 1)
		}
		if start < len(h.ring) {
			evs = append(evs, h.ring[start:]...)
		}
	}
	return evs, lost, h.wake, h.closed
}

// LastID is the id of the newest event, 0 before the first.
func (h *Hub) LastID() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.next - 1
}

// Handler is a slog.Handler that renders each record as the JSON event
// line and adds it to the hub; level is the log's own (log.level).
func (h *Hub) Handler(level slog.Leveler) slog.Handler {
	return &hubHandler{hub: h, level: level}
}

type hubHandler struct {
	hub   *Hub
	level slog.Leveler
	with  func(slog.Handler) slog.Handler // attrs and groups added by With
}

func (hh *hubHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= hh.level.Level() }

func (hh *hubHandler) Handle(ctx context.Context, r slog.Record) error {
	var buf bytes.Buffer
	var jh slog.Handler = slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})
	if hh.with != nil {
		jh = hh.with(jh)
	}
	if err := jh.Handle(ctx, r); err != nil {
		return err
	}
	hh.hub.add(r.Message, bytes.TrimRight(buf.Bytes(), "\n"))
	return nil
}

func (hh *hubHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return hh.chain(func(h slog.Handler) slog.Handler { return h.WithAttrs(attrs) })
}

func (hh *hubHandler) WithGroup(name string) slog.Handler {
	return hh.chain(func(h slog.Handler) slog.Handler { return h.WithGroup(name) })
}

func (hh *hubHandler) chain(f func(slog.Handler) slog.Handler) slog.Handler {
	prev := hh.with
	return &hubHandler{hub: hh.hub, level: hh.level, with: func(h slog.Handler) slog.Handler {
		if prev != nil {
			h = prev(h)
		}
		return f(h)
	}}
}

// Tee is a slog.Handler that hands each record to every handler that
// takes its level: the log and the hub see the same lines.
func Tee(hs ...slog.Handler) slog.Handler { return tee(hs) }

type tee []slog.Handler

func (t tee) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range t {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (t tee) Handle(ctx context.Context, r slog.Record) error {
	var first error
	for _, h := range t {
		if h.Enabled(ctx, r.Level) {
			if err := h.Handle(ctx, r.Clone()); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

func (t tee) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make(tee, len(t))
	for i, h := range t {
		out[i] = h.WithAttrs(attrs)
	}
	return out
}

func (t tee) WithGroup(name string) slog.Handler {
	out := make(tee, len(t))
	for i, h := range t {
		out[i] = h.WithGroup(name)
	}
	return out
}
