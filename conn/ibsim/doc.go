// Package ibsim is a simulated IB Gateway: it speaks the TWS API text
// protocol (server versions 100..200, encoded with package wire) over real
// TCP, serves synthetic but deterministic market data, enforces the limits
// the real service enforces, and injects connection faults on demand from Go
// or from a loopback HTTP control endpoint.
//
// It exists so that robotui (and any other TWS API client) can be developed
// and tested without an account or a running gateway. It must never connect
// anywhere, never import anything from this repository but conn/wire, and
// never let a client's input crash it, hang it, or leave a goroutine behind
// after Close.
//
// Simplifications, on purpose: bars run 24/7 (useRTH is ignored), so the
// demo is alive at any hour; every whatToShow gives the same trade-based bars;
// bars of a day or longer are aligned to the Unix epoch in UTC (a week is 7
// days starting on a Thursday, a month is 30 days).
package ibsim
