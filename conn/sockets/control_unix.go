//go:build unix && !linux

package sockets

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/shirou/gopsutil/v4/process"
	"golang.org/x/sys/unix"
)

func osControl() ProcessControl { return psControl{} }

// psControl checks a process's start time through gopsutil right before each
// kill(2); without pidfds that leaves a window of one system call for PID reuse.
type psControl struct{}

type psHandle struct {
	pid   int
	start uint64
}

func (psControl) Open(pid int, startTime uint64) (ProcessHandle, error) {
	if pid <= 0 {
		return nil, fmt.Errorf("invalid pid %d", pid)
	}
	h := &psHandle{pid: pid, start: startTime}
	if err := h.identity(); err != nil {
		return nil, err
	}
	return h, nil
}

func (h *psHandle) identity() error {
	ctx := context.Background()
	p, err := process.NewProcessWithContext(ctx, int32(h.pid))
	if errors.Is(err, process.ErrorProcessNotRunning) {
		return ErrGone
	}
	if err != nil {
		return err
	}
	created, err := p.CreateTimeWithContext(ctx)
	if err != nil {
		if running, rerr := p.IsRunningWithContext(ctx); rerr == nil && !running {
			return ErrGone
		}
		return err
	}
	if uint64(created) != h.start {
		return ErrReused
	}
	if status, err := p.StatusWithContext(ctx); err == nil && slices.Contains(status, process.Zombie) {
		return ErrGone
	}
	return nil
}

func (h *psHandle) signal(sig unix.Signal) error {
	if err := h.identity(); err != nil {
		return err
	}
	if err := unix.Kill(h.pid, sig); errors.Is(err, unix.ESRCH) {
		return ErrGone
	} else if err != nil {
		return err
	}
	return nil
}

func (h *psHandle) Terminate() error { return h.signal(unix.SIGTERM) }
func (h *psHandle) Kill() error      { return h.signal(unix.SIGKILL) }

func (h *psHandle) Exited() bool {
	if err := unix.Kill(h.pid, 0); errors.Is(err, unix.ESRCH) {
		return true
	}
	err := h.identity()
	return errors.Is(err, ErrGone) || errors.Is(err, ErrReused)
}

func (h *psHandle) Close() error { return nil }
