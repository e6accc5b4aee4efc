// Package signal turns the closes of closed bars into trading signals: the
// Strategy interface, its six kinds (SMA and EMA crossover, RSI thresholds,
// MACD signal-line cross, Bollinger bands, Donchian channel), the Spec that
// configures and validates them, and Perform/Judge, how a strategy's signals
// have done.
//
// Evaluation is a pure function of the window it is given: it must never
// keep state between calls, retain or modify the slice, read the clock or do
// I/O, so that the same closes always give bit-identical results however the
// series was assembled (live, backfilled, or stitched across reconnects).
// Recursive indicators (EMA, Wilder's RSI, MACD) restart at the start of
// their Lookback window for the same reason.
package signal
