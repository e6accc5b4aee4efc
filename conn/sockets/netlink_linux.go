package sockets

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// errNoSockDiag means netlink sock_diag cannot be used here (old or
// sandboxed kernel); the scanner then reads /proc/net/tcp{,6} instead.
var errNoSockDiag = errors.New("netlink sock_diag unavailable")

// sockDiag dumps the TCP table through NETLINK_SOCK_DIAG, filtered to one
// port in the kernel: far cheaper than /proc/net/tcp, whose every read walks
// the whole established hash and prints each socket as text.
type sockDiag struct {
	buf      []byte
	seq      uint32
	noFilter bool // the kernel rejected the port filter; filter here only
}

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
	for _, family := range [...]uint8{afInet, afInet6} {
		dst, err = d.dumpFamily(fd, family, port, dst)
		if errors.Is(err, unix.EINVAL) && !d.noFilter {
			d.noFilter = true // the kernel's filter audit said no: filter here
			return d.dump(port, dst[:start])
		}
		if err != nil {
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
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EPROTONOSUPPORT) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
			return dst, fmt.Errorf("%w: %v", errNoSockDiag, err)
		}
		if err != nil || done {
			return dst, err
		}
	}
}
