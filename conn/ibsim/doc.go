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
// Choices worth knowing:
//   - Bars run 24/7; a useRTH request gets those of regular hours only
//     (9:30-16:00 New York, Monday to Friday, no holidays), and "N D" is
//     then the last N sessions. Every whatToShow gives the same trade bars. Bars of a day or longer are
//     aligned to the Unix epoch in UTC: a week is 7 days from a Thursday, a
//     month 30 days. formatDate 2 gives epoch seconds for every bar size.
//   - A hello outside 100..its max is closed without an answer. Messages it
//     does not know, or cannot decode, are logged and ignored; only broken
//     framing (a bad prefix, a zero or oversized length, EOF mid-frame)
//     drops a client.
//   - Too many sessions: the hello is answered, then START_API gets ERR_MSG
//     -1 502 "Maximum number of API connections (n) reached" and the socket
//     is closed, as a duplicate client id gets 326.
//   - A socket the simulator closed frees its client id at once; one the
//     client closed does when the simulator reads the EOF; a held one (hold
//     fault) keeps its id and counts as a session until released, as a
//     gateway that never noticed the close would.
//   - Market data lines (100) are counted across all clients, as IB counts
//     them per user. Historical pacing windows run on wall time; the window
//     rules apply to bars of 30 secs or less, the 50-open rule to all.
//   - Connections accepted during a handshake stall (or a stall with all)
//     are never answered, even after the fault ends. A fault with no "for"
//     lasts until cleared.
package ibsim
