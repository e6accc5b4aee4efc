package sockets

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeProc is a pretend process: how it reacts to signals, and what it was sent.
type fakeProc struct {
	start      uint64
	gone       bool  // exited before Open
	ignoreTERM bool  // survives SIGTERM
	openErr    error // returned by Open
	termErr    error // returned by Terminate
	killErr    error // returned by Kill
	exited     bool
	signals    []string
}

// fakeControl records every call; it never touches a real process.
type fakeControl struct {
	mu    sync.Mutex
	procs map[int]*fakeProc
	opens []int
}

func (c *fakeControl) Open(pid int, start uint64) (ProcessHandle, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.opens = append(c.opens, pid)
	p, ok := c.procs[pid]
	switch {
	case !ok || p.gone:
		return nil, ErrGone
	case p.openErr != nil:
		return nil, p.openErr
	case p.start != start:
		return nil, ErrReused
	}
	return &fakeHandle{c: c, p: p}, nil
}

type fakeHandle struct {
	c      *fakeControl
	p      *fakeProc
	closed bool
}

func (h *fakeHandle) Terminate() error {
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	if h.p.termErr != nil {
		return h.p.termErr
	}
	h.p.signals = append(h.p.signals, "TERM")
	h.p.exited = h.p.exited || !h.p.ignoreTERM
	return nil
}

func (h *fakeHandle) Kill() error {
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	if h.p.killErr != nil {
		return h.p.killErr
	}
	h.p.signals = append(h.p.signals, "KILL")
	h.p.exited = true
	return nil
}

func (h *fakeHandle) Exited() bool {
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	return h.p.exited
}

func (h *fakeHandle) Close() error { h.closed = true; return nil }

// Kill signals plan's targets, then reports its refusals: Zombies.Kill
// without the fresh scan, for tests that build plans by hand.
func (k Killer) Kill(ctx context.Context, plan KillPlan, grace time.Duration) []Result {
	return appendRefusals(k.signal(ctx, plan.Targets, grace), plan.Refused)
}

// Kill is Killer.Kill with the operating system's process control.
func Kill(ctx context.Context, plan KillPlan, grace time.Duration) []Result {
	return Killer{}.Kill(ctx, plan, grace)
}

func target(pid int, start uint64) Target {
	return Target{PID: pid, Command: "cmd" + itoa(uint16(pid)), StartTime: start}
}

func TestKillOutcomes(t *testing.T) {
	errPerm := errors.New("operation not permitted")
	tests := []struct {
		name        string
		proc        *fakeProc // nil: no such pid
		start       uint64    // start time in the plan
		wantResult  Outcome
		wantReason  string
		wantSignals string
	}{
		{"exits on SIGTERM", &fakeProc{start: 7}, 7, OutcomeKilled, "exited after SIGTERM", "TERM"},
		{"ignores SIGTERM, gets SIGKILL", &fakeProc{start: 7, ignoreTERM: true}, 7, OutcomeKilled, "SIGKILL after", "TERM KILL"},
		{"gone before the signal", &fakeProc{start: 7, gone: true}, 7, OutcomeGone, "exited before", ""},
		{"no such pid", nil, 7, OutcomeGone, "exited before", ""},
		{"pid reused", &fakeProc{start: 8}, 7, OutcomeRefused, string(ReasonPIDReused), ""},
		{"open fails", &fakeProc{start: 7, openErr: errPerm}, 7, OutcomeRefused, "cannot signal: operation not permitted", ""},
		{"SIGTERM not permitted", &fakeProc{start: 7, termErr: errPerm}, 7, OutcomeRefused, "cannot signal", ""},
		{"exits between grace and SIGKILL", &fakeProc{start: 7, ignoreTERM: true, killErr: ErrGone}, 7, OutcomeKilled, "exited after SIGTERM", "TERM"},
		{"SIGKILL not permitted", &fakeProc{start: 7, ignoreTERM: true, killErr: errPerm}, 7, OutcomeRefused, "SIGKILL failed", "TERM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &fakeControl{procs: map[int]*fakeProc{}}
			if tt.proc != nil {
				c.procs[42] = tt.proc
			}
			k := Killer{Control: c, Poll: time.Millisecond, KillWait: 50 * time.Millisecond}
			res := k.Kill(context.Background(), KillPlan{Targets: []Target{target(42, tt.start)}}, 20*time.Millisecond)
			if len(res) != 1 {
				t.Fatalf("results %+v, want one", res)
			}
			r := res[0]
			if r.PID != 42 || r.Command != "cmd42" || r.Result != tt.wantResult || !strings.Contains(r.Reason, tt.wantReason) {
				t.Errorf("result %+v, want %s containing %q", r, tt.wantResult, tt.wantReason)
			}
			if tt.proc != nil {
				if got := strings.Join(tt.proc.signals, " "); got != tt.wantSignals {
					t.Errorf("signals %q, want %q", got, tt.wantSignals)
				}
			}
		})
	}
}

func TestKillSignalsNothingForRefusedAndReportsEachOnce(t *testing.T) {
	c := &fakeControl{procs: map[int]*fakeProc{100: {start: 1}, 200: {start: 2}}}
	plan := KillPlan{Refused: []Refusal{
		{PID: 100, Command: "java", Reason: ReasonGatewaySide},
		{PID: 100, Command: "java", Reason: ReasonGatewaySide},
		{PID: 200, Command: "x", Reason: ReasonOtherUser},
		{PID: 0, Reason: ReasonOwnerUnknown},
	}}
	res := Killer{Control: c}.Kill(context.Background(), plan, time.Second)
	if len(c.opens) != 0 {
		t.Fatalf("opened %v, want nothing touched", c.opens)
	}
	want := []Result{
		{PID: 100, Command: "java", Result: OutcomeRefused, Reason: string(ReasonGatewaySide)},
		{PID: 200, Command: "x", Result: OutcomeRefused, Reason: string(ReasonOtherUser)},
		{PID: 0, Result: OutcomeRefused, Reason: string(ReasonOwnerUnknown)},
	}
	if len(res) != len(want) {
		t.Fatalf("results %+v, want %+v", res, want)
	}
	for i := range want {
		if res[i] != want[i] {
			t.Errorf("result %d = %+v, want %+v", i, res[i], want[i])
		}
	}
}

func TestKillSignalsAllBeforeWaiting(t *testing.T) {
	c := &fakeControl{procs: map[int]*fakeProc{1001: {start: 1, ignoreTERM: true}, 1002: {start: 2, ignoreTERM: true}, 1003: {start: 3}}}
	plan := KillPlan{Targets: []Target{target(1001, 1), target(1002, 2), target(1003, 3)}}
	begin := time.Now()
	res := Killer{Control: c, Poll: time.Millisecond, KillWait: 50 * time.Millisecond}.Kill(context.Background(), plan, 100*time.Millisecond)
	if took := time.Since(begin); took > 2*time.Second {
		t.Errorf("took %v: the grace period was not shared", took)
	}
	for i, want := range []string{"SIGKILL after 100ms", "SIGKILL after 100ms", "exited after SIGTERM"} {
		if res[i].Result != OutcomeKilled || res[i].Reason != want {
			t.Errorf("result %d = %+v, want killed, %q", i, res[i], want)
		}
	}
}

func TestKillStopsWaitingWhenCancelled(t *testing.T) {
	c := &fakeControl{procs: map[int]*fakeProc{9: {start: 1, ignoreTERM: true}}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := Killer{Control: c}.Kill(ctx, KillPlan{Targets: []Target{target(9, 1)}}, time.Hour)
	if len(res) != 1 || !strings.Contains(res[0].Reason, "stopped waiting") {
		t.Fatalf("results %+v, want SIGTERM sent and waiting stopped", res)
	}
	if got := strings.Join(c.procs[9].signals, " "); got != "TERM" {
		t.Errorf("signals %q, want only TERM after cancel", got)
	}
}
