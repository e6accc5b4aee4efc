package ui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/robotui/robotui/engine"
)

// Messages from the commands below back to Update.
type (
	snapshotMsg      struct{ snap engine.Snapshot }
	engineStoppedMsg struct{}
	planMsg          struct {
		seq  int
		plan engine.KillPlan
	}
	killDoneMsg struct {
		plan    engine.KillPlan
		results []engine.KillResult
	}
	closedMsg struct{}
	// signalMsg is SIGINT or SIGTERM: quit as the quit key does.
	signalMsg struct{}
)

// waitSnapshot waits for the next snapshot; Update re-arms it after each one
// (glow's pattern). Whatever else is already queued is skipped: only the
// newest snapshot is worth drawing.
func waitSnapshot(ch <-chan engine.Snapshot) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return engineStoppedMsg{}
		}
		for {
			select {
			case newer, ok := <-ch:
				if !ok {
					return snapshotMsg{s} // draw the last one; the next wait reports the stop
				}
				s = newer
			default:
				return snapshotMsg{s}
			}
		}
	}
}

func planKill(b Backend, seq int) tea.Cmd {
	return func() tea.Msg { return planMsg{seq: seq, plan: b.PlanKill()} }
}

func kill(b Backend, plan engine.KillPlan) tea.Cmd {
	return func() tea.Msg { return killDoneMsg{plan: plan, results: b.Kill(plan)} }
}

func closeSession(b Backend) tea.Cmd {
	return func() tea.Msg {
		b.Close()
		return closedMsg{}
	}
}
