package engine

import (
	"fmt"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// benchEngine is an engine, not started, whose symbols each hold two days
// of 5-minute bars, with a full events ring.
func benchEngine(b *testing.B, n int) *Engine {
	b.Helper()
	symbols := make([]string, n)
	for i := range symbols {
		symbols[i] = fmt.Sprintf("S%03d", i)
	}
	e, err := New(Options{Session: conn.Config{Addr: "127.0.0.1:9"}, Symbols: symbols})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(e.Close)
	now := int64(1_741_100_550)
	for _, sym := range e.syms {
		e.onBars(sym, conn.BarEvent{Kind: conn.BarBackfill, Bars: backfill((now-2*86400)/step*step, now)})
	}
	for i := range 400 {
		e.events.add(time.Now(), slog.LevelInfo, EventSignal, "text "+strconv.Itoa(i))
	}
	return e
}

func BenchmarkSnapshot100Symbols(b *testing.B) {
	e := benchEngine(b, 100)
	b.ReportAllocs()
	for b.Loop() {
		e.buildSnapshot()
	}
}

// BenchmarkBarUpdate is one HISTORICAL_DATA_UPDATE through the bar handler:
// a revision of the forming bar, or a new bar that closes the previous one
// (which is then judged and its signal queued).
func BenchmarkBarUpdate(b *testing.B) {
	for _, bc := range []struct {
		name     string
		newEvery int // every n-th update starts a new bar
	}{{"revise", 0}, {"new bar", 1}} {
		b.Run(bc.name, func(b *testing.B) {
			e := benchEngine(b, 1)
			sym := e.syms[0]
			start := sym.ser.bars[len(sym.ser.bars)-1].t
			bar := wire.Bar{Open: 100, High: 101, Low: 99, Close: 100.5, Volume: 1000, BarCount: 10}
			dates := make([]string, 1<<16)
			for i := range dates {
				dates[i] = strconv.FormatInt(start+int64(i)*step, 10)
			}
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				if bc.newEvery > 0 {
					i++
				}
				if i == len(dates) { // times must keep increasing: start the series again
					b.StopTimer()
					sym.mu.Lock()
					sym.ser = newSeries(e.opts.Strategy, e.opts.MaxBars, 300)
					sym.mu.Unlock()
					i = 0
					b.StartTimer()
				}
				bar.Date = dates[i]
				bar.Close = 100 + float64(i%7)/10
				e.onBars(sym, conn.BarEvent{Kind: conn.BarUpdate, Bar: bar})
				if i%4096 == 0 {
					e.events.take() // no writer runs: keep the queue from growing
				}
			}
		})
	}
}
