package conn

import (
	"context"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/conn/wire"
)

// A kept raw request is answered under the session's own request id, sent
// again after a reconnect (RawResent, then answers under the new id), and
// its cancel reaches the gateway; CurrentTime and Listen see their messages.
func TestRawKeptAcrossReconnect(t *testing.T) {
	sim := startSim(t, ibsim.Config{ServerVersion: 200})
	rec := newRecorder()
	s := startSession(t, fastConfig(sim.Addr(), rec))
	rec.waitFor(t, 0, 5*time.Second, "ready", isState(Ready))

	type got struct {
		kind  RawEventKind
		reqID int
	}
	evs := make(chan got, 4096)
	sub := s.Raw(RawRequest{
		Keep: true,
		Append: func(dst []byte, reqID, v int) []byte {
			return (&wire.ReqMktData{ReqID: reqID, Contract: wire.Stock("AAPL")}).AppendFields(dst, v)
		},
		AppendCancel: func(dst []byte, reqID, v int) []byte { return (&wire.CancelMktData{ReqID: reqID}).AppendFields(dst, v) },
	}, func(ev RawEvent) {
		if ev.Kind == RawMessage {
			if id, _ := wire.PeekID(ev.Payload); id != wire.InTickPrice && id != wire.InTickSize {
				return
			}
			if got, _ := wire.FieldInt(ev.Payload, 2); got != ev.ReqID {
				t.Errorf("a tick for %d delivered as %d", got, ev.ReqID)
			}
		}
		select {
		case evs <- got{ev.Kind, ev.ReqID}:
		default:
		}
	})
	next := func(kind RawEventKind) got {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case g := <-evs:
				if g.kind == kind {
					return g
				}
			case <-deadline:
				t.Fatalf("no raw event %d", kind)
			}
		}
	}
	first := next(RawMessage)
	if err := sim.Inject(ibsim.Fault{Kind: "drop", Mode: "fin"}); err != nil {
		t.Fatal(err)
	}
	next(RawResent)
	// ids start over on each connection: the answer proves the request was sent again
	if again := next(RawMessage); again.reqID == 0 || first.reqID == 0 {
		t.Errorf("request ids %d then %d", first.reqID, again.reqID)
	}
	times := make(chan bool, 1)
	s.CurrentTime(func(tm time.Time, ok bool) { times <- ok && !tm.IsZero() })
	select {
	case ok := <-times:
		if !ok {
			t.Error("CurrentTime not answered")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no CurrentTime answer")
	}
	subs := func(st ibsim.State) int {
		n := 0
		for _, c := range st.Clients {
			if c.State == "ready" {
				n += c.Subscriptions
			}
		}
		return n
	}
	if n := subs(sim.State()); n != 1 {
		t.Fatalf("subscriptions before the cancel: %d", n)
	}
	sub.Cancel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sim.WaitFor(ctx, func(st ibsim.State) bool { return subs(st) == 0 }); err != nil {
		t.Fatalf("the cancel never reached the simulator: %+v", sim.State().Clients)
	}

	positions := make(chan int, 16)
	stop := s.Listen(func(id, _ int, _ []byte) { positions <- id }, wire.InPositionEnd)
	defer stop()
	s.Raw(RawRequest{NoReqID: true, Append: func(dst []byte, _, v int) []byte { return (&wire.ReqPositions{}).AppendFields(dst, v) }},
		func(RawEvent) {})
	select {
	case <-positions:
	case <-time.After(5 * time.Second):
		t.Fatal("POSITION_END never reached the listener")
	}
}
