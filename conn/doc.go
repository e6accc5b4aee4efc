// Package conn is robotui's connection to IB Gateway or TWS.
//
// Client is one TCP connection: handshake, one reader goroutine, serialised
// writes, request routing and a clean close. Session is the supervisor that
// keeps at most one Client alive for the life of the program: keepalive
// pings, fast death detection, reconnect with backoff, client-id rotation on
// 326, and replay of every subscription after a reconnect.
//
// It must never open a second socket to the gateway, never connect just to
// see whether the gateway is up, and never leave a dead socket of its own in
// CLOSE_WAIT: a connection that has read EOF or failed is closed at once.
package conn
