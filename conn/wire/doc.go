// Package wire is the TWS API text protocol: framing, the opening handshake,
// message ids, version gates, and an encoder and decoder for every message
// robotui and its simulated gateway exchange (server versions 100..200).
//
// It is shared by the client (package conn) and the simulator (package ibsim)
// so that each tests the other. It must never do I/O policy: no sockets, no
// goroutines, no timeouts, no logging. Malformed input is an error value,
// never a panic and never an allocation sized by an untrusted length.
package wire
