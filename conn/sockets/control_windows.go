//go:build windows

package sockets

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows"
)

func osControl() ProcessControl { return winControl{} }

// winControl holds a process handle, which keeps the pid from being reused
// while it is open; the creation time is checked once the handle is held.
// Windows has no SIGTERM for other processes: Terminate is TerminateProcess.
type winControl struct{}

type winHandle struct{ h windows.Handle }

const winAccess = windows.PROCESS_TERMINATE | windows.SYNCHRONIZE | windows.PROCESS_QUERY_LIMITED_INFORMATION

func (winControl) Open(pid int, startTime uint64) (ProcessHandle, error) {
	if pid <= 0 {
		return nil, fmt.Errorf("invalid pid %d", pid)
	}
	h, err := windows.OpenProcess(winAccess, false, uint32(pid))
	if errors.Is(err, windows.ERROR_INVALID_PARAMETER) {
		return nil, ErrGone
	}
	if err != nil {
		return nil, fmt.Errorf("open process %d: %w", pid, err)
	}
	wh := &winHandle{h: h}
	var created, exited, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(h, &created, &exited, &kernel, &user); err != nil {
		wh.Close()
		return nil, fmt.Errorf("process %d times: %w", pid, err)
	}
	// Milliseconds since the epoch, as gopsutil reports the creation time.
	if uint64(created.Nanoseconds()/1_000_000) != startTime {
		wh.Close()
		return nil, ErrReused
	}
	if wh.Exited() {
		wh.Close()
		return nil, ErrGone
	}
	return wh, nil
}

func (w *winHandle) Terminate() error { return w.Kill() }

func (w *winHandle) Kill() error {
	if w.Exited() {
		return ErrGone
	}
	return windows.TerminateProcess(w.h, 1)
}

func (w *winHandle) Exited() bool {
	ev, err := windows.WaitForSingleObject(w.h, 0)
	return err == nil && ev == windows.WAIT_OBJECT_0
}

func (w *winHandle) Close() error { return windows.CloseHandle(w.h) }
