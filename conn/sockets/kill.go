package sockets

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Errors a ProcessControl returns; they become results.
var (
	ErrGone   = errors.New("process has exited")
	ErrReused = errors.New("pid belongs to another process now (start time changed)")
)

// ProcessControl pins and signals processes: the operating system's unless
// a Killer is given another (tests).
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

// Outcomes of Zombies.Kill.
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

// ErrNoGatewayFilter: a scanner without SetGateway sees the whole port.
var ErrNoGatewayFilter = errors.New("sockets: the scanner has no gateway filter (SetGateway): a kill would be planned port-wide")

// Zombies plans and carries out zombie kills on the gateway port: the
// engine and `robotui zombies --kill` both go through it.
type Zombies struct {
	Scanner *Scanner      // its gateway filter must be set (SetGateway)
	Port    int           // the gateway port
	Grace   time.Duration // between SIGTERM and SIGKILL
	killer  Killer        // zero: the operating system's process control (tests: a fake)
	self    Identity      // zero: Self() (tests: another process)
}

// Plan scans the port with owners and applies the kill policy: the dry run,
// with the table it was made from.
func (z Zombies) Plan(ctx context.Context) (Table, KillPlan, error) {
	if z.Scanner == nil || !z.Scanner.hasGateway() {
		return Table{}, KillPlan{Port: z.Port}, ErrNoGatewayFilter
	}
	t, err := z.Scanner.ScanContext(ctx, z.Port, true)
	if err != nil {
		return Table{}, KillPlan{Port: z.Port}, err
	}
	return t, Plan(t, cmp.Or(z.self, Self())), nil
}

// Kill carries out a confirmed plan, which may be long stale: of its
// targets, only those a fresh Plan still targets (same pid and start time)
// are signalled; the others are refused with the fresh reason, or gone when
// they no longer hold a zombie. Results: one per target in order, then the
// plan's refusals. A failed rescan signals nothing and is returned.
func (z Zombies) Kill(ctx context.Context, confirmed KillPlan) ([]Result, error) {
	results := make([]Result, len(confirmed.Targets), len(confirmed.Targets)+len(confirmed.Refused))
	if len(confirmed.Targets) == 0 {
		return appendRefusals(results, confirmed.Refused), nil
	}
	_, fresh, err := z.Plan(ctx)
	if err != nil {
		for i, t := range confirmed.Targets {
			results[i] = Result{PID: t.PID, Command: t.Command, Result: OutcomeRefused, Reason: fmt.Sprintf("%s: %v", ReasonRecheckFailed, err)}
		}
		return appendRefusals(results, confirmed.Refused), err
	}
	targets, at := recheck(confirmed.Targets, fresh, results)
	for j, r := range z.killer.signal(ctx, targets, z.Grace) {
		results[at[j]] = r
	}
	return appendRefusals(results, confirmed.Refused), nil
}

// recheck fills results for the confirmed targets the fresh plan no longer
// allows and returns the others, with their positions in results.
func recheck(confirmed []Target, fresh KillPlan, results []Result) (targets []Target, at []int) {
	type key struct {
		pid   int
		start uint64
	}
	still := map[key]bool{}
	for _, t := range fresh.Targets {
		still[key{t.PID, t.StartTime}] = true
	}
	refused := map[int]Reason{}
	for _, r := range fresh.Refused {
		refused[r.PID] = r.Reason
	}
	for i, t := range confirmed {
		results[i] = Result{PID: t.PID, Command: t.Command, Result: OutcomeGone, Reason: string(ReasonGoneQuiet)}
		switch {
		case still[key{t.PID, t.StartTime}]:
			targets, at = append(targets, t), append(at, i)
		case refused[t.PID] != "":
			results[i].Result, results[i].Reason = OutcomeRefused, string(refused[t.PID])
		}
	}
	return targets, at
}

// Declined is the outcome of a plan the user did not confirm: nothing is
// signalled, every target is refused as not confirmed.
func (p KillPlan) Declined() []Result {
	results := make([]Result, 0, len(p.Targets)+len(p.Refused))
	for _, t := range p.Targets {
		results = append(results, Result{PID: t.PID, Command: t.Command, Result: OutcomeRefused, Reason: string(ReasonNotConfirmed)})
	}
	return appendRefusals(results, p.Refused)
}

// Killer signals processes: the last step of Zombies.Kill, which decides
// whom; it trusts the targets it is given.
type Killer struct {
	Control ProcessControl // nil: the operating system
	Poll    time.Duration  // how often to look whether targets exited; 0: 20ms
	// KillWait bounds the wait for exit after SIGKILL; 0: 2s.
	KillWait time.Duration
}

type pending struct {
	result int // index into results
	handle ProcessHandle
}

// signal re-checks each target's start time, sends SIGTERM to all, waits up
// to grace for them to exit, then SIGKILLs the rest; one result per target.
// A cancelled ctx stops the waiting and skips SIGKILL.
func (k Killer) signal(ctx context.Context, targets []Target, grace time.Duration) []Result {
	control := k.Control
	if control == nil {
		control = osControl()
	}
	results := make([]Result, len(targets))
	var sent []pending
	for i, t := range targets {
		results[i] = Result{PID: t.PID, Command: t.Command}
		h, err := control.Open(t.PID, t.StartTime)
		if err == nil {
			if err = h.Terminate(); err != nil {
				h.Close()
			}
		}
		switch {
		case err == nil:
			sent = append(sent, pending{result: i, handle: h})
		case errors.Is(err, ErrGone):
			results[i].Result, results[i].Reason = OutcomeGone, "exited before it was signalled"
		case errors.Is(err, ErrReused):
			results[i].Result, results[i].Reason = OutcomeRefused, string(ReasonPIDReused)
		default:
			results[i].Result, results[i].Reason = OutcomeRefused, fmt.Sprintf("cannot signal: %v", err)
		}
	}
	for _, p := range sent {
		defer p.handle.Close()
		results[p.result].Result, results[p.result].Reason = OutcomeKilled, "exited after SIGTERM"
	}
	survivors := k.waitExit(ctx, sent, grace)
	if err := ctx.Err(); err != nil {
		for _, p := range survivors {
			results[p.result].Reason = fmt.Sprintf("SIGTERM sent; stopped waiting: %v", err)
		}
		return results
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
	return results
}

// waitExit polls the handles until all have exited, d has passed or ctx is
// done, and returns those still running. Process exit is kernel state, so
// polling with a deadline is the portable way to see it.
func (k Killer) waitExit(ctx context.Context, ps []pending, d time.Duration) []pending {
	left := slices.Clone(ps)
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(cmpOr(k.Poll, 20*time.Millisecond))
	defer tick.Stop()
	for {
		left = slices.DeleteFunc(left, func(p pending) bool { return p.handle.Exited() })
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

// appendRefusals adds a result per refusal not yet reported for that pid
// with that reason.
func appendRefusals(results []Result, refused []Refusal) []Result {
	type key struct {
		pid    int
		reason Reason
	}
	seen := map[key]bool{}
	for _, r := range results {
		seen[key{r.PID, Reason(r.Reason)}] = true
	}
	for _, r := range refused {
		if k := (key{r.PID, r.Reason}); !seen[k] {
			seen[k] = true
			results = append(results, Result{PID: r.PID, Command: r.Command, Result: OutcomeRefused, Reason: string(r.Reason)})
		}
	}
	return results
}

func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
