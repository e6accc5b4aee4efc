package conn

import (
	"net"
	"sync"
	"testing"
	"time"
)

// An observer sees the events emitted after it was registered, never the
// one whose delivery woke its registration (the fan-out's tests counted a
// first ready that way, now and then).
func TestObserverSeesOnlyLaterEvents(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // refused: the session cycles connecting → backoff

	var (
		sess      *Session
		once      sync.Once
		first     StateChange
		mu        sync.Mutex
		seen      []StateChange
		gotLater  = make(chan struct{})
		laterOnce sync.Once
	)
	sess = NewSession(Config{Addr: addr, ClientID: 1, ConnectTimeout: time.Second,
		Backoff: BackoffConfig{Initial: 100 * time.Millisecond, Multiplier: 1, Max: 100 * time.Millisecond},
		Observer: func(ev Event) {
			sc, ok := ev.(StateChange)
			if !ok {
				return
			}
			once.Do(func() {
				first = sc
				sess.Observe(func(ev Event) {
					if sc, ok := ev.(StateChange); ok {
						mu.Lock()
						seen = append(seen, sc)
						mu.Unlock()
						laterOnce.Do(func() { close(gotLater) })
					}
				})
			})
		}})
	sess.Start()
	defer sess.Close()
	select {
	case <-gotLater:
	case <-time.After(10 * time.Second):
		t.Fatal("the late observer saw nothing")
	}
	mu.Lock()
	defer mu.Unlock()
	if seen[0].At.Equal(first.At) && seen[0].State == first.State {
		t.Errorf("the observer registered on %v was handed that same event", first.State)
	}
}
