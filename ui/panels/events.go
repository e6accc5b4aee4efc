package panels

import (
	"log/slog"
	"strconv"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/theme"
)

// EventRows is how many events fit a log of height h.
func EventRows(h int) int { return max(0, h-2) }

// Events renders the log box, newest at the bottom; back is how many of the
// newest events are scrolled out of view below.
func Events(th *theme.Theme, s *engine.Snapshot, back int, focused bool, w, h int) []string {
	inner := Inner(w)
	rows := EventRows(h)
	end := max(0, len(s.Events)-back)
	start := max(0, end-rows)
	zone := Zone(s)
	body := make([]string, 0, rows)
	for i := start; i < end; i++ {
		e := &s.Events[i]
		lp, label := levelLabel(th, e.Level)
		body = append(body, NewLine(inner).
			Add(th.Muted, e.At.In(zone).Format("15:04:05")+" ").
			Add(lp, label+" ").
			Add(th.Accent, Pad(Clean(e.Name), 10)+" ").
			Add(th.Normal, e.Text).String())
	}
	if len(s.Events) == 0 {
		body = append(body, NewLine(inner).Add(th.Muted, "no events yet").String())
	}
	note := ""
	switch {
	case back > 0:
		note = strconv.Itoa(back) + " newer below"
	case len(s.Events) > 0:
		note = strconv.Itoa(len(s.Events)) + " · following"
	}
	return Box(th, "Events", note, focused, w, h, body)
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
