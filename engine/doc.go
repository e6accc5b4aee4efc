// Package engine is robotui's trading logic on top of one conn.Session: it
// owns that session for the program's lifetime, keeps every watched symbol's
// bars current, turns closed bars into signals, watches the gateway port and
// takes the trader's commands. It publishes immutable Snapshots and Events.
//
// It must never import Bubble Tea, never write to stdout, and never open a
// socket of its own: the session's one connection is the only one.
package engine
