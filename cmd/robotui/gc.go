package main

import (
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The heap's headroom over what is live: Go's default (GOGC 100) is as much
// again, which for a big watchlist is most of the console's memory (500
// symbols: 17 MB live, 35 MB of heap). The console's heap is mostly what it
// keeps and it allocates little once the backfills are in, so tuneGC keeps
// the headroom near gcHeadroom: GOGC 100 while the heap is small, lower for
// a big one, never under gcMinPercent, which keeps collections rare.
const (
	gcHeadroom   = 4 << 20
	gcMinPercent = 25
	gcTuneEvery  = 5 * time.Second
)

// gcPercent is the GOGC that gives about gcHeadroom over live bytes.
func gcPercent(live uint64) int {
	if live == 0 {
		return 100
	}
	return int(min(100, max(gcMinPercent, gcHeadroom*100/live)))
}

// tuneGC sets GOGC from the live heap at every tick; main runs it unless
// GOGC is set.
func tuneGC(tick <-chan time.Time) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	set := 100
	for range tick {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		if p := gcPercent(sample[0].Value.Uint64()); p != set {
			debug.SetGCPercent(p)
			set = p
		}
	}
}
