package ibsim

import (
	"testing"

	"github.com/robotui/robotui/conn/wire"
)

var versions = []int{100, 157, 176, 178, 187, 193, 196, 200}

func TestHandshakeAndStartAPIAtEveryVersion(t *testing.T) {
	for _, v := range versions {
		t.Run("v"+itoa(v), func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: v, Accounts: []string{"DU111", "DU222"}})
			c := dial(t, s.Addr())
			sh, err := c.hello(100, v)
			if err != nil {
				t.Fatalf("hello: %v", err)
			}
			if sh.Version != v || len(sh.Time) < len("20240304 14:30:00 EST") {
				t.Fatalf("server hello %+v, want version %d and a time", sh, v)
			}
			c.send(&wire.StartAPI{ClientID: 7})
			got := []wire.Message{c.next(), c.next(), c.next(), c.next(), c.next()}
			if m, ok := got[0].(*wire.ManagedAccts); !ok || m.Accounts != "DU111,DU222" {
				t.Errorf("first message %#v, want MANAGED_ACCTS DU111,DU222", got[0])
			}
			if m, ok := got[1].(*wire.NextValidID); !ok || m.OrderID < 1 {
				t.Errorf("second message %#v, want NEXT_VALID_ID", got[1])
			}
			for i, code := range []int{2104, 2106, 2158} {
				e, ok := got[2+i].(*wire.ErrMsg)
				if !ok || e.Code != code || e.ReqID != -1 || e.Text == "" {
					t.Errorf("message %d %#v, want ERR_MSG -1 %d", 2+i, got[2+i], code)
				}
			}
			st := waitFor(t, s, "ready", func(st State) bool {
				cs, ok := st.Client(c.local())
				return ok && cs.State == stateReady
			})
			if cs, _ := st.Client(c.local()); cs.ClientID != 7 || cs.Version != v {
				t.Errorf("state %+v, want client 7 at v%d", cs, v)
			}
		})
	}
}

func TestNegotiation(t *testing.T) {
	tests := []struct {
		name   string
		server int
		lo, hi int
		want   int // 0: the connection is closed without an answer
	}{
		{"client max below server max", 178, 100, 176, 176},
		{"server max below client max", 178, 157, 200, 178},
		{"single version", 178, 100, 100, 100},
		{"ib_async range", 187, 157, 178, 178},
		{"client min above server max", 178, 179, 200, 0},
		{"client range below 100", 200, 38, 99, 0},
		{"client wants protobuf only", 200, 201, 210, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: tt.server})
			c := dial(t, s.Addr())
			sh, err := c.hello(tt.lo, tt.hi)
			if tt.want == 0 {
				if err == nil || !isEOF(err) {
					t.Fatalf("want the connection closed without an answer, got %+v, %v", sh, err)
				}
				return
			}
			if err != nil || sh.Version != tt.want {
				t.Fatalf("got %+v, %v; want version %d", sh, err, tt.want)
			}
		})
	}
}

func itoa(v int) string {
	return string(rune('0'+v/100)) + string(rune('0'+v/10%10)) + string(rune('0'+v%10))
}
