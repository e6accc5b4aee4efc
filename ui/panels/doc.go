// Package panels renders the console's parts (header, connection, keepalive,
// sockets, signals table, events log, dialogs, footer) from an engine
// Snapshot into lines of an exact cell width.
//
// Every function is pure: it never reads the clock (times are shown relative
// to Snapshot.At), does no I/O beyond loading the New York zone once, and
// keeps no state, so the same input always gives the same screen. Text from outside (symbols, reasons, event
// text) is cleaned of control characters before it reaches the terminal.
package panels
