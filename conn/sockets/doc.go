// Package sockets reads the gateway port's TCP socket table: counts per state,
// the listener, every connection's owner, zombies (CLOSE_WAIT sockets on a
// connection to the gateway port), and removes client-side zombies under a
// strict kill policy.
//
// It must never connect to the port to learn anything (a probe by connecting
// creates the very zombies it hunts), never signal the gateway, another user's
// process, pid 1 or this process, and never signal a pid whose start time no
// longer matches the scan (PID reuse).
//
// On Linux the table comes from netlink sock_diag, filtered to the port in the
// kernel (/proc/net/tcp and tcp6 where netlink is unavailable), for this
// network namespace only, and owners from /proc/[pid]/fd, looked up only for
// zombies and the listener unless every connection is asked for. Elsewhere
// both come from gopsutil (lsof on macOS, GetExtendedTcpTable on Windows).
package sockets
