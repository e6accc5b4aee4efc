package engine

import (
	"maps"
	"sync"
	"sync/atomic"
)

// Counters are running totals for the metrics, exact whatever the log left
// out.
type Counters struct {
	GatewayMessages map[int]uint64 // error and notice messages by code; codes beyond maxCodes under -1
	FutureBars      uint64         // bars dated more than one bar period past the gateway's clock, rejected
	NonFinite       uint64         // gateway messages or bars with a NaN or infinite price, rejected at decode
	LogSuppressed   uint64         // event lines the flood guard left out (repeats, state-line rate)
	LogDropped      uint64         // event lines dropped because the log sink was too slow
	LogWriteErrors  uint64         // event lines the log sink failed to write
}

// maxCodes bounds the codes counted apart: a hostile gateway may send any.
const maxCodes = 512

type counters struct {
	mu         sync.Mutex
	codes      map[int]uint64
	future     atomic.Uint64
	suppressed atomic.Uint64
}

func (c *counters) gatewayMessage(code int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.codes == nil {
		c.codes = map[int]uint64{}
	}
	if _, ok := c.codes[code]; !ok && len(c.codes) >= maxCodes {
		code = -1
	}
	c.codes[code]++
}

func (e *Engine) counters(st *Counters) {
	e.counts.mu.Lock()
	st.GatewayMessages = maps.Clone(e.counts.codes)
	e.counts.mu.Unlock()
	st.FutureBars = e.counts.future.Load()
	st.LogSuppressed = e.counts.suppressed.Load()
	st.LogDropped, st.LogWriteErrors = e.events.failures()
}
