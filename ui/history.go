package ui

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/keys"
	"github.com/robotui/robotui/ui/panels"
)

// HistorySource is a backend with a journal to summarise (the engine is
// one); History reads the disk, so it is only called from a tea.Cmd.
type HistorySource interface {
	History(since time.Time) (engine.History, error)
}

// historySpan is how far back the History view looks.
const historySpan = 24 * time.Hour

type historyMsg struct {
	seq  int
	hist engine.History
	err  error
}

func (m Model) historySource() (HistorySource, bool) {
	h, ok := m.b.(HistorySource)
	return h, ok && m.snap.Journal.On
}

// loadHistory asks for the summary off the UI goroutine.
func loadHistory(h HistorySource, seq int) tea.Cmd {
	return func() tea.Msg {
		hist, err := h.History(time.Now().Add(-historySpan))
		return historyMsg{seq: seq, hist: hist, err: err}
	}
}

// openHistory opens the History view (key H) and asks for its summary.
func (m Model) openHistory() (Model, tea.Cmd) {
	h, ok := m.historySource()
	if !ok {
		return m, nil
	}
	m.mode, m.modalOff, m.histLoading, m.histErr = modeHistory, 0, true, nil
	m.histSeq++
	return m, loadHistory(h, m.histSeq)
}

func (m Model) historyKey(a keys.Action) Model {
	switch a {
	case keys.Cancel, keys.Confirm, keys.Open:
		m.mode = modeNormal
	case keys.Up:
		m.modalOff = max(0, m.modalOff-1)
	case keys.Down:
		m.modalOff++
	}
	return m
}

func (m Model) historyDone(msg historyMsg) Model {
	if m.mode != modeHistory || msg.seq != m.histSeq {
		return m // closed or asked again meanwhile
	}
	m.hist, m.histErr, m.histLoading = msg.hist, msg.err, false
	return m
}

// Uptime per hour as a bar strip: one cell an hour, taller is better; a
// dot where robotui was not running.
var uptimeBlocks = []rune("▁▂▃▄▅▆▇█")

func uptimeStrip(hourly []float64) string {
	out := make([]rune, 0, len(hourly))
	for _, p := range hourly {
		switch {
		case p < 0:
			out = append(out, '·')
		case p >= 100:
			out = append(out, uptimeBlocks[len(uptimeBlocks)-1])
		default:
			out = append(out, uptimeBlocks[min(len(uptimeBlocks)-2, int(p/100*float64(len(uptimeBlocks)-1)))])
		}
	}
	return string(out)
}

// timeline is the span in cols cells: '━' up, '╳' some outage in the cell,
// ' ' not running (an hour without measurements).
func timeline(h engine.History, cols int) string {
	if cols <= 0 || !h.To.After(h.From) {
		return ""
	}
	span := h.To.Sub(h.From)
	out := make([]rune, cols)
	for c := range cols {
		a := h.From.Add(span * time.Duration(c) / time.Duration(cols))
		b := h.From.Add(span * time.Duration(c+1) / time.Duration(cols))
		out[c] = '━'
		if i := int(a.Sub(h.From.Truncate(time.Hour)) / time.Hour); i >= 0 && i < len(h.Hourly) && h.Hourly[i] < 0 {
			out[c] = ' '
		}
		for _, o := range h.Outages {
			if o.Start.Before(b) && o.Start.Add(time.Duration(o.Seconds*float64(time.Second))).After(a) {
				out[c] = '╳'
				break
			}
		}
	}
	return string(out)
}

// historyLines is the History view's content, inner cells wide.
func (m Model) historyLines(inner int) []string {
	th := m.th
	line := func() *panels.Line { return panels.NewLine(inner) }
	var out []string
	if j := m.snap.Journal; j.Paused {
		out = append(out, line().Add(th.Bad, "journal paused: "+j.Error).String(), line().String())
	}
	switch {
	case m.histLoading:
		return append(out, line().Add(th.Muted, "reading the journal…").String())
	case m.histErr != nil:
		return append(out, line().Add(th.Bad, "history: "+m.histErr.Error()).String())
	}
	h := m.hist
	out = append(out,
		line().Add(th.Bold, fmt.Sprintf("uptime %.2f%%", h.UptimePct)).Add(th.Muted, " expected outages left out · ").
			Add(th.Normal, fmt.Sprintf("%.2f%%", h.UptimeAllPct)).Add(th.Muted, " with them").String(),
		line().String(), // blank lines too fill the modal's width, or its right border moves
		line().Add(th.Muted, "per hour  ").Add(th.Good, uptimeStrip(h.Hourly)).String(),
		line().Add(th.Muted, "outages   ").Add(th.Normal, timeline(h, inner-10)).String(),
		line().Add(th.Muted, "          "+h.From.In(m.loc()).Format("Mon 15:04")).Add(th.Muted, " … now").String(),
		line().String(),
	)
	if len(h.Incidents) == 0 {
		return append(out, line().Add(th.Good, "no incidents in the last 24 h").String())
	}
	noun := "incidents"
	if len(h.Incidents) == 1 {
		noun = "incident"
	}
	out = append(out, line().Add(th.Bold, fmt.Sprintf("%d %s, newest first", len(h.Incidents), noun)).String())
	for i := len(h.Incidents) - 1; i >= 0; i-- {
		in := h.Incidents[i]
		paint := th.Warn
		if in.Kind == "conn.state" {
			paint = th.Bad
		}
		out = append(out, line().Add(th.Muted, in.At.In(m.loc()).Format("Mon 15:04:05")+"  ").Add(paint, in.Text).String())
	}
	return out
}

// loc is the zone the screen shows times in: the market's.
func (m Model) loc() *time.Location {
	if t := m.snap.Market.Now; !t.IsZero() {
		return t.Location()
	}
	return time.Local
}
