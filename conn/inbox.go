package conn

import "sync"

// inbox carries values from goroutines that must never block (the client's
// reader) to the session goroutine: an unbounded queue plus a wake-up.
type inbox struct {
	mu    sync.Mutex
	items []any
	wake  chan struct{}
}

func newInbox() *inbox { return &inbox{wake: make(chan struct{}, 1)} }

func (b *inbox) put(v any) {
	b.mu.Lock()
	b.items = append(b.items, v)
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

func (b *inbox) take() []any {
	b.mu.Lock()
	items := b.items
	b.items = nil
	b.mu.Unlock()
	return items
}
