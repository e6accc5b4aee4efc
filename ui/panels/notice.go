package panels

import (
	"strings"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/theme"
)

// maxErrorLines bounds the full error in the notice; the log keeps it whole.
const maxErrorLines = 3

// Notice is the full-width box above the table while the session is not
// up: what to do (the hint, wrapped, never cut) and the failure in full
// (wrapped to a few lines). It is nil when there is nothing to say.
func Notice(th *theme.Theme, c *engine.ConnInfo, w int) []string {
	if c.State.Up() || c.Hint == "" && c.Error == "" {
		return nil
	}
	inner := Inner(w)
	var body []string
	for _, l := range Wrap(Clean(c.Hint), inner, len(c.Hint)+1) {
		body = append(body, NewLine(inner).Add(th.Bold, l).String())
	}
	if c.Error != "" {
		for i, l := range Wrap("error "+Clean(c.Error), inner, maxErrorLines) {
			line := NewLine(inner)
			if i == 0 {
				line.Add(th.Muted, "error ")
				l = strings.TrimPrefix(strings.TrimPrefix(l, "error"), " ")
			}
			body = append(body, line.Add(th.Normal, l).String())
		}
	}
	title := "Not connected"
	if c.Hint != "" {
		title = "No gateway"
	}
	return Box(th, title, "", false, w, len(body)+2, body)
}
