package panels

import (
	"log/slog"
	"strconv"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/theme"
)

// EventRows is how many events fit a log of height h.
func EventRows(h int) int { return max(0, h-2) }

// Log is what the events log shows besides the snapshot.
type Log struct {
	Events  []engine.EventLine // the events shown (filtered), oldest first
	Total   int                // the events before the filter
	Back    int                // how many of the newest are scrolled out of view below
	Focused bool               // the log has the keyboard: its newest visible line is highlighted
	Filter  string             // the filter's text, "" for none
	Editing bool               // the filter is being typed
}

// Events renders the log box, newest at the bottom. With the focus, the
// newest visible line is the selected one (enter opens it in full).
func Events(th *theme.Theme, s *engine.Snapshot, lg Log, w, h int) []string {
	inner := Inner(w)
	rows := EventRows(h)
	end := max(0, len(lg.Events)-lg.Back)
	start := max(0, end-rows)
	zone := Zone(s)
	body := make([]string, 0, rows)
	for i := start; i < end; i++ {
		e := &lg.Events[i]
		lp, label := levelLabel(th, e.Level)
		stamp := e.At.In(zone).Format("15:04:05") + " "
		if lg.Focused && i == end-1 {
			// One paint for the whole row: inner colours would cut the highlight.
			body = append(body, NewLine(inner).Add(th.Selected, stamp+label+" "+Pad(Clean(e.Name), 10)+" "+Clean(e.Text)).String())
			continue
		}
		body = append(body, NewLine(inner).
			Add(th.Muted, stamp).
			Add(lp, label+" ").
			Add(th.Accent, Pad(Clean(e.Name), 10)+" ").
			Add(th.Normal, e.Text).String())
	}
	switch {
	case len(lg.Events) == 0 && lg.Filter != "":
		body = append(body, NewLine(inner).Add(th.Muted, "no event matches").String())
	case len(lg.Events) == 0:
		body = append(body, NewLine(inner).Add(th.Muted, "no events yet").String())
	}
	count := strconv.Itoa(len(lg.Events))
	if lg.Filter != "" {
		count = "filter: " + lg.Filter + " · " + count + " of " + strconv.Itoa(lg.Total)
	}
	note := ""
	switch {
	case lg.Editing:
		note = "filter: " + lg.Filter + "▏ · enter keep · esc clear"
	case lg.Back > 0 && lg.Filter != "":
		note = count + " · " + strconv.Itoa(lg.Back) + " newer below"
	case lg.Back > 0:
		note = strconv.Itoa(lg.Back) + " newer below"
	case len(lg.Events) > 0 || lg.Filter != "":
		note = count + " · following"
	}
	return Box(th, "Events", Clean(note), lg.Focused, w, h, body)
}

// EventLines is one event in full, for the dialog that opens it: when, how
// bad, what, then its text wrapped to inner cells.
func EventLines(th *theme.Theme, e engine.EventLine, s *engine.Snapshot, inner int) []string {
	zone := Zone(s)
	lp, label := levelLabel(th, e.Level)
	out := []string{
		NewLine(inner).Add(th.Muted, e.At.In(zone).Format("15:04:05 Mon 2 Jan")+" ("+ZoneName(zone)+") ").Add(lp, label+" ").Add(th.Accent, e.Name).String(),
		Blank(inner),
	}
	for _, l := range Wrap(Clean(e.Text), inner, len(e.Text)+1) {
		out = append(out, NewLine(inner).Add(th.Normal, l).String())
	}
	return out
}

func levelLabel(th *theme.Theme, l slog.Level) (theme.Paint, string) {
	switch {
	case l >= slog.LevelError:
		return th.BoldBad, "ERR"
	case l >= slog.LevelWarn:
		return th.Warn, "WRN"
	case l >= slog.LevelInfo:
		return th.Muted, "INF"
	}
	return th.Dim, "DBG"
}
