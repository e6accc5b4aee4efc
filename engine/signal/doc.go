// Package signal turns the closes of closed bars into trading signals: the
// Strategy interface and the SMA crossover.
//
// Evaluation is a pure function of the window it is given: it must never
// keep state between calls, retain or modify the slice, read the clock or do
// I/O, so that the same closes always give bit-identical results however the
// series was assembled (live, backfilled, or stitched across reconnects).
package signal
