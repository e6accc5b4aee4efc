package sockets

import (
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// errNoSockDiag means netlink sock_diag cannot be used here (old or
// sandboxed kernel); the scanner then reads /proc/net/tcp{,6} instead.
var errNoSockDiag = errors.New("netlink sock_diag unavailable")

// sockDiag dumps the TCP table through NETLINK_SOCK_DIAG, filtered to one
// port in the kernel: far cheaper than /proc/net/tcp, whose every read walks
// the whole established hash and prints each socket as text.
type sockDiag struct {
	buf       []byte
	seq       uint32
	perFamily bool // the kernel refused the one-pass TCPDIAG_GETSOCK dump: one dump per family
	noFilter  bool // the kernel rejected the port filter; filter here only
}

// kernelRefusal is an error the kernel answered a dump request with.
type kernelRefusal struct{ errno syscall.Errno }

func (r kernelRefusal) Error() string { return "netlink: " + r.errno.Error() }
func (r kernelRefusal) Unwrap() error { return r.errno }

func (d *sockDiag) dump(port uint16, dst []rawSocket) ([]rawSocket, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return dst, fmt.Errorf("%w: %v", errNoSockDiag, err)
	}
	defer unix.Close(fd)
	tv := unix.Timeval{Sec: 5}
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return dst, fmt.Errorf("netlink: %w", err)
	}
	if d.buf == nil {
		d.buf = make([]byte, 64<<10)
	}
	start := len(dst)
	for {
		dst, err = d.dumpAll(fd, port, dst[:start])
		var r kernelRefusal
		switch {
		case !errors.As(err, &r):
			return dst, err
		case !d.perFamily:
			// A kernel without the old request (or, rarely, without the filter
			// there) may still have SOCK_DIAG_BY_FAMILY.
			d.perFamily = true
		case r.errno == unix.EINVAL && !d.noFilter:
			d.noFilter = true // the kernel's filter audit said no: filter here
		case r.errno == unix.ENOENT || r.errno == unix.EPROTONOSUPPORT || r.errno == unix.EACCES || r.errno == unix.EPERM:
			return dst, fmt.Errorf("%w: %v", errNoSockDiag, err)
		default:
			return dst, err
		}
	}
}

// dumpAll appends the sockets of both address families.
func (d *sockDiag) dumpAll(fd int, port uint16, dst []rawSocket) ([]rawSocket, error) {
	if !d.perFamily {
		return d.dumpFamily(fd, afUnspec, port, dst)
	}
	var err error
	for _, family := range [...]uint8{afInet, afInet6} {
		if dst, err = d.dumpFamily(fd, family, port, dst); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

func (d *sockDiag) dumpFamily(fd int, family uint8, port uint16, dst []rawSocket) ([]rawSocket, error) {
	d.seq++
	req := diagRequest(family, port, !d.noFilter, d.seq)
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return dst, fmt.Errorf("netlink send: %w", err)
	}
	for {
		n, _, err := unix.Recvfrom(fd, d.buf, unix.MSG_TRUNC)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return dst, fmt.Errorf("netlink receive: %w", err)
		case n > len(d.buf):
			return dst, fmt.Errorf("netlink receive: datagram of %d bytes truncated", n)
		}
		var done bool
		dst, done, err = parseDiag(d.buf[:n], port, dst)
		if errno := syscall.Errno(0); errors.As(err, &errno) {
			return dst, kernelRefusal{errno}
		}
		if err != nil || done {
			return dst, err
		}
	}
}
