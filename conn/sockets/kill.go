package sockets

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Errors a ProcessControl returns; Kill turns them into results.
var (
	ErrGone   = errors.New("process has exited")
	ErrReused = errors.New("pid belongs to another process now (start time changed)")
)

// ProcessControl pins and signals processes. Kill uses the operating system's
// unless a Killer is given another (tests).
type ProcessControl interface {
	// Open pins pid if it still has startTime: ErrGone when it has exited,
	// ErrReused when the pid now names another process.
	Open(pid int, startTime uint64) (ProcessHandle, error)
}

// ProcessHandle is one pinned process.
type ProcessHandle interface {
	Terminate() error // polite stop: SIGTERM (Windows: same as Kill); ErrGone if exited
	Kill() error      // forced stop: SIGKILL; ErrGone if exited
	Exited() bool     // the pinned process has ended
	Close() error
}

// Outcome is what happened to one process; the values are the JSON contract.
type Outcome string

// Outcomes of Kill.
const (
	OutcomeKilled  Outcome = "killed"
	OutcomeGone    Outcome = "gone"
	OutcomeRefused Outcome = "refused"
)

// Result is one process's outcome, as in `robotui zombies --kill --json`.
type Result struct {
	PID     int     `json:"pid"`
	Command string  `json:"command"`
	Result  Outcome `json:"result"`
	Reason  string  `json:"reason"`
}

// Killer signals a plan's targets.
type Killer struct {
	Control ProcessControl // nil: the operating system
	Poll    time.Duration  // how often to look whether targets exited; 0: 20ms
	// KillWait bounds the wait for exit after SIGKILL; 0: 2s.
	KillWait time.Duration
}

// Kill signals plan's targets with the operating system's process control.
func Kill(ctx context.Context, plan KillPlan, grace time.Duration) []Result {
	return Killer{}.Kill(ctx, plan, grace)
}

type pending struct {
	result int // index into results
	handle ProcessHandle
}

// Kill re-checks each target's start time, sends SIGTERM to all, waits up to
// grace for them to exit, then SIGKILLs the rest. It returns one result per
// target, then one per refused process (deduplicated by pid and reason).
// A cancelled ctx stops the waiting and skips SIGKILL.
func (k Killer) Kill(ctx context.Context, plan KillPlan, grace time.Duration) []Result {
	control := k.Control
	if control == nil {
		control = osControl()
	}
	results := make([]Result, 0, len(plan.Targets)+len(plan.Refused))
	var sent []pending
	for _, t := range plan.Targets {
		r := Result{PID: t.PID, Command: t.Command}
		h, err := control.Open(t.PID, t.StartTime)
		if err == nil {
			if err = h.Terminate(); err != nil {
				h.Close()
			}
		}
		switch {
		case err == nil:
			sent = append(sent, pending{result: len(results), handle: h})
		case errors.Is(err, ErrGone):
			r.Result, r.Reason = OutcomeGone, "exited before it was signalled"
		case errors.Is(err, ErrReused):
			r.Result, r.Reason = OutcomeRefused, string(ReasonPIDReused)
		default:
			r.Result, r.Reason = OutcomeRefused, fmt.Sprintf("cannot signal: %v", err)
		}
		results = append(results, r)
	}
	for _, p := range sent {
		defer p.handle.Close()
	}
	survivors := k.waitExit(ctx, sent, grace)
	for _, p := range sent {
		results[p.result].Result, results[p.result].Reason = OutcomeKilled, "exited after SIGTERM"
	}
	if err := ctx.Err(); err != nil {
		for _, p := range survivors {
			results[p.result].Reason = fmt.Sprintf("SIGTERM sent; stopped waiting: %v", err)
		}
		return appendRefusals(results, plan.Refused)
	}
	var forced []pending
	for _, p := range survivors {
		r := &results[p.result]
		switch err := p.handle.Kill(); {
		case errors.Is(err, ErrGone):
		case err != nil:
			r.Result, r.Reason = OutcomeRefused, fmt.Sprintf("SIGTERM sent, still running after %v; SIGKILL failed: %v", grace, err)
		default:
			r.Reason = fmt.Sprintf("SIGKILL after %v", grace)
			forced = append(forced, p)
		}
	}
	for _, p := range k.waitExit(ctx, forced, cmpOr(k.KillWait, 2*time.Second)) {
		results[p.result].Reason += "; not yet exited"
	}
	return appendRefusals(results, plan.Refused)
}

// waitExit polls the handles until all have exited, d has passed or ctx is
// done, and returns those still running. Process exit is kernel state, so
// polling with a deadline is the portable way to see it.
func (k Killer) waitExit(ctx context.Context, ps []pending, d time.Duration) []pending {
	left := append([]pending(nil), ps...)
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(cmpOr(k.Poll, 20*time.Millisecond))
	defer tick.Stop()
	for {
		running := left[:0]
		for _, p := range left {
			if !p.handle.Exited() {
				running = append(running, p)
			}
		}
		left = running
		if len(left) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return left
		case <-deadline.C:
			return left
		case <-tick.C:
		}
	}
}

func appendRefusals(results []Result, refused []Refusal) []Result {
	type key struct {
		pid    int
		reason Reason
	}
	seen := map[key]bool{}
	for _, r := range refused {
		k := key{r.PID, r.Reason}
		if seen[k] {
			continue
		}
		seen[k] = true
		results = append(results, Result{PID: r.PID, Command: r.Command, Result: OutcomeRefused, Reason: string(r.Reason)})
	}
	return results
}

func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
