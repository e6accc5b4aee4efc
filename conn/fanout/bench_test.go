package fanout_test

import (
	"context"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/fanout"
	"github.com/robotui/robotui/conn/ibsim"
)

// The round trip of REQ_CURRENT_TIME straight to the simulator, the
// baseline for BenchmarkCurrentTimeForwarded.
func BenchmarkCurrentTimeDirect(b *testing.B) {
	sim, err := ibsim.Start(ibsim.Config{ServerVersion: 200})
	if err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	c, err := conn.Dial(context.Background(), conn.Options{Addr: sim.Addr(), ClientID: 2, MaxVersion: 193})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	benchPing(b, c)
}

// The same through the fan-out and robotui's session (its pacer opened up:
// at the default 40 requests/s the benchmark would measure the pacer).
func BenchmarkCurrentTimeForwarded(b *testing.B) {
	r := startRig(b, ibsim.Config{ServerVersion: 200}, fanout.Config{MsgRate: 1e9},
		func(c *conn.Config) { c.RequestRate = 1e9; c.Keepalive.Interval = time.Hour })
	c := dial(b, r.fo.Addr(), 2, 193)
	benchPing(b, c)
}

func benchPing(b *testing.B, c *conn.Client) {
	ctx := context.Background()
	for range 100 { // warm up both ends
		if _, err := c.Ping(ctx); err != nil {
			b.Fatal(err)
		}
	}
	var total time.Duration
	n := 0
	for b.Loop() {
		rtt, err := c.Ping(ctx)
		if err != nil {
			b.Fatal(err)
		}
		total += rtt
		n++
	}
	b.ReportMetric(float64(total.Microseconds())/float64(n), "µs/rtt")
}
