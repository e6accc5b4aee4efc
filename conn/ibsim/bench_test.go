package ibsim

import (
	"net"
	"slices"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// BenchmarkMarketBars600 computes 600 fresh 5-minute bars (no memo).
func BenchmarkMarketBars600(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m := NewMarket(int64(i+1), []string{"AAPL"})
		i++
		if n := len(m.Bars("AAPL", 5*time.Minute, t0.Add(-50*time.Hour), t0)); n != 600 {
			b.Fatalf("%d bars", n)
		}
	}
}

// BenchmarkMarketDailyBars600 computes 600 fresh daily bars.
func BenchmarkMarketDailyBars600(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m := NewMarket(int64(i+1), []string{"AAPL"})
		i++
		if n := len(m.Bars("AAPL", 24*time.Hour, t0.Add(-600*24*time.Hour), t0)); n != 600 {
			b.Fatalf("%d bars", n)
		}
	}
}

// BenchmarkHandshakeToReady is one raw client's connect, hello, START_API
// and the read of NEXT_VALID_ID and MANAGED_ACCTS (ready), then close.
func BenchmarkHandshakeToReady(b *testing.B) {
	s := startSim(b, Config{MaxClients: 1000})
	hello := wire.Hello{Min: 100, Max: 178}.Append(nil)
	var lat []time.Duration
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		start := time.Now()
		conn, err := net.Dial("tcp", s.Addr())
		if err != nil {
			b.Fatal(err)
		}
		r := wire.NewReader(conn)
		conn.Write(hello)
		if _, err := r.ReadFrame(); err != nil {
			b.Fatal(err)
		}
		i++
		start71, _ := wire.AppendMessage(nil, &wire.StartAPI{ClientID: i}, 178)
		conn.Write(start71)
		for got := 0; got < 2; {
			p, err := r.ReadFrame()
			if err != nil {
				b.Fatal(err)
			}
			if id, _ := wire.PeekID(p); id == wire.InNextValidID || id == wire.InManagedAccts {
				got++
			}
		}
		lat = append(lat, time.Since(start))
		conn.Close()
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkBackfill600OverTCP is a REQ_HISTORICAL_DATA for 600 5-minute
// bars answered over loopback (complete bars memoised after the first).
func BenchmarkBackfill600OverTCP(b *testing.B) {
	s, _ := manualSim(b, Config{wallNow: func() time.Time { return time.Unix(0, 0) }})
	c := connect(b, s, 1)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		s.mu.Lock()
		s.pace = pacer{now: s.pace.now} // pacing is not what is measured
		s.mu.Unlock()
		c.send(histReq(i, "AAPL", "5 mins", "180000 S", false, 2))
		m := c.until(isType[*wire.HistoricalData])
		if n := len(m[len(m)-1].(*wire.HistoricalData).Bars); n != 601 {
			b.Fatalf("%d bars", n)
		}
	}
}
