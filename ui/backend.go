package ui

import (
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/signal"
)

// Backend is what the console needs from the engine (engine.Engine will
// satisfy it; tests use a fake).
type Backend interface {
	Snapshots() <-chan engine.Snapshot // latest-wins, coalesced by the engine; closed when the engine stops
	Reconnect()                        // non-blocking
	PlanKill() engine.KillPlan         // dry run: cheap, non-blocking enough to call from a tea.Cmd
	// Kill acts; it may block for the grace period (seconds): only ever call
	// it from a tea.Cmd.
	Kill(plan engine.KillPlan) []engine.KillResult
	Refresh(symbol string)                   // non-blocking
	FaultNames() []string                    // the simulator's fault menu entries; nil when not running --sim
	InjectFault(name string) (string, error) // non-blocking; says what it did
	// ClosedBars is a symbol's closed bars, oldest first, and the strategy's
	// verdict on each (parallel slices): copied under a short lock, but call
	// it from a tea.Cmd all the same.
	ClosedBars(symbol string) ([]engine.Bar, []engine.SignalRecord)
	// Performance is how each strategy judging symbol has done over its
	// closed bars, main strategy first (nil for a symbol not watched): it
	// judges every bar held, so call it from a tea.Cmd.
	Performance(symbol string) []signal.Performance
	// Close closes the session cleanly; it may block up to ~2 s: call it from
	// a tea.Cmd on quit, then tea.Quit.
	Close()
}

// The engine is the console's one real backend.
var _ Backend = (*engine.Engine)(nil)

// Options configures the console.
type Options struct {
	// Keys maps an action (a name in keys.Defs) to the key names that
	// trigger it, replacing that action's defaults. Key names are Bubble
	// Tea's ("r", "R", "ctrl+r", "enter", "esc", "f5", "space").
	Keys map[string][]string
	// Title heads the screen; empty means "robotui".
	Title string
	// Alerts, when set, are shown (firing, failing sinks); Bell rings the
	// terminal bell and flashes the header on a new firing alert.
	Alerts AlertView
	Bell   bool
	// Quit, once closed, quits as SIGINT does. A caller that catches signals
	// itself passes its own (a signal context's Done), so that a signal from
	// before Run took over is not lost.
	Quit <-chan struct{}
}
