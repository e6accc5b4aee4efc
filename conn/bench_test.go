package conn

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/ibsim"
)

// reportQuantiles adds p50 and p99 (in microseconds) of the samples.
func reportQuantiles(b *testing.B, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	q := func(p float64) float64 {
		return float64(samples[int(p*float64(len(samples)-1))].Microseconds())
	}
	b.ReportMetric(q(0.5), "p50-µs")
	b.ReportMetric(q(0.99), "p99-µs")
}

func BenchmarkHandshakeToReady(b *testing.B) {
	sim := startSim(b, ibsim.Config{})
	var samples []time.Duration
	for b.Loop() {
		start := time.Now()
		c, err := Dial(context.Background(), Options{Addr: sim.Addr(), ClientID: 1})
		if err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
		c.Close()
	}
	reportQuantiles(b, samples)
}

func BenchmarkPingRoundTrip(b *testing.B) {
	sim := startSim(b, ibsim.Config{})
	c, err := Dial(context.Background(), Options{Addr: sim.Addr(), ClientID: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	var samples []time.Duration
	for b.Loop() {
		rtt, err := c.Ping(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		samples = append(samples, rtt)
	}
	reportQuantiles(b, samples)
}

// benchDetect measures how long a client takes to see the connection dead
// after the simulator drops it.
func benchDetect(b *testing.B, mode string) {
	sim := startSim(b, ibsim.Config{})
	var samples []time.Duration
	id := 0
	for b.Loop() {
		id++ // the gateway may not have reaped the dropped client yet: a fresh id avoids 326
		c, err := Dial(context.Background(), Options{Addr: sim.Addr(), ClientID: id})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := sim.Inject(ibsim.Fault{Kind: "drop", Mode: mode}); err != nil {
			b.Fatal(err)
		}
		<-c.Done()
		samples = append(samples, time.Since(start))
		c.Close()
	}
	reportQuantiles(b, samples)
}

func BenchmarkDetectFIN(b *testing.B) { benchDetect(b, "fin") }
func BenchmarkDetectRST(b *testing.B) { benchDetect(b, "rst") }

// BenchmarkDetectStall: a silent gateway with interval 50 ms, timeout 50 ms
// and 2 misses must be declared dead within 150 ms (interval×misses+timeout).
func BenchmarkDetectStall(b *testing.B) {
	sim := startSim(b, ibsim.Config{})
	rec := newRecorder()
	s := startSession(b, fastConfig(sim.Addr(), rec))
	_, mark := rec.waitFor(b, 0, 3*time.Second, "ready", isState(Ready))
	var samples []time.Duration
	for b.Loop() {
		start := time.Now()
		sim.Inject(ibsim.Fault{Kind: "stall", All: true})
		_, mark = rec.waitFor(b, mark, 3*time.Second, "leaving ready", leftReady)
		samples = append(samples, time.Since(start))
		sim.ClearFaults()
		_, mark = rec.waitFor(b, mark, 3*time.Second, "ready", isState(Ready))
	}
	_ = s
	reportQuantiles(b, samples)
}

// BenchmarkGatewayBackToResubscribed: the listener goes down for 100 ms;
// measured is the time from its return to the session being ready with its
// subscription's new backfill in hand.
func BenchmarkGatewayBackToResubscribed(b *testing.B) {
	const down = 100 * time.Millisecond
	sim := startSim(b, ibsim.Config{})
	rec := newRecorder()
	s := startSession(b, fastConfig(sim.Addr(), rec))
	bars := newBarCollector()
	s.SubscribeBars(aaplBars(), bars.handle)
	_, mark := rec.waitFor(b, 0, 3*time.Second, "ready", isState(Ready))
	bars.waitCount(b, BarBackfill, 1, 3*time.Second)
	var samples []time.Duration
	for b.Loop() {
		n := bars.count(BarBackfill)
		start := time.Now()
		sim.Inject(ibsim.Fault{Kind: "down", For: ibsim.Duration(down)})
		_, mark = rec.waitFor(b, mark, 3*time.Second, "leaving ready", leftReady)
		bars.waitCount(b, BarBackfill, n+1, 5*time.Second)
		samples = append(samples, time.Since(start)-down)
	}
	reportQuantiles(b, samples)
}
