package sockets

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

func osControl() ProcessControl { return procControl{root: "/proc"} }

// procControl pins a process with a pidfd (Linux 5.3+), so a signal can never
// reach a process that took over the pid after the start-time check; on older
// kernels it re-checks the start time right before kill(2).
type procControl struct{ root string }

type procHandle struct {
	root  string
	pid   int
	start uint64
	pidfd int // -1 without pidfd support
	buf   []byte
}

func (c procControl) Open(pid int, startTime uint64) (ProcessHandle, error) {
	if pid <= 0 {
		return nil, fmt.Errorf("invalid pid %d", pid)
	}
	h := &procHandle{root: c.root, pid: pid, start: startTime, pidfd: -1}
	fd, err := unix.PidfdOpen(pid, 0)
	switch {
	case errors.Is(err, unix.ESRCH):
		return nil, ErrGone
	case err == nil:
		h.pidfd = fd
	}
	if err := h.identity(); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// identity checks that pid is still the process seen at the scan and alive.
func (h *procHandle) identity() error {
	var err error
	h.buf, err = readAll(filepath.Join(h.root, strconv.Itoa(h.pid), "stat"), h.buf)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ESRCH) {
		return ErrGone
	}
	if err != nil {
		return err
	}
	st, err := parseStat(h.buf)
	switch {
	case err != nil:
		return err
	case st.start != h.start:
		return ErrReused
	case st.state == 'Z' || st.state == 'X':
		return ErrGone
	}
	return nil
}

func (h *procHandle) signal(sig unix.Signal) error {
	var err error
	if h.pidfd >= 0 {
		err = unix.PidfdSendSignal(h.pidfd, sig, nil, 0)
	} else if err = h.identity(); err == nil {
		err = unix.Kill(h.pid, sig)
	}
	if errors.Is(err, unix.ESRCH) {
		return ErrGone
	}
	return err
}

func (h *procHandle) Terminate() error { return h.signal(unix.SIGTERM) }
func (h *procHandle) Kill() error      { return h.signal(unix.SIGKILL) }

func (h *procHandle) Exited() bool {
	err := h.identity()
	return errors.Is(err, ErrGone) || errors.Is(err, ErrReused)
}

func (h *procHandle) Close() error {
	if h.pidfd < 0 {
		return nil
	}
	fd := h.pidfd
	h.pidfd = -1
	return unix.Close(fd)
}
