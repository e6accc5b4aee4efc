package panels

import (
	"fmt"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/theme"
)

// maxClientRows bounds the clients panel; the rest is counted in its title.
const maxClientRows = 5

// ClientsHeight is the height of the fan-out's clients panel within avail
// lines: 0 when the fan-out is off or the screen has no room to spare.
func ClientsHeight(s *engine.Snapshot, avail int) int {
	if s.Fanout == nil {
		return 0
	}
	h := 2 + max(1, min(len(s.Fanout.Clients), maxClientRows))
	if avail < h+10 { // the table and the log come first
		return 0
	}
	return h
}

// Clients is the fan-out's panel: one line per connected program (address,
// client id, the library its hello suggests, subscriptions, messages, how
// long it has been connected) and the shared budget in the title.
func Clients(th *theme.Theme, s *engine.Snapshot, w, h int) []string {
	if h <= 0 || s.Fanout == nil {
		return nil
	}
	fo := s.Fanout
	note := fmt.Sprintf("%s · lines %d/%d · writes refused %d", fo.Addr, fo.MarketDataLines, fo.MarketDataLimit, fo.Refused)
	title := fmt.Sprintf("Clients %d", len(fo.Clients))
	inner := Inner(w)
	var body []string
	if len(fo.Clients) == 0 {
		body = append(body, NewLine(inner).Add(th.Muted, "no program connected to the fan-out").String())
	}
	for i, c := range fo.Clients {
		if i == maxClientRows-1 && len(fo.Clients) > maxClientRows {
			body = append(body, NewLine(inner).Add(th.Muted, fmt.Sprintf("… and %d more", len(fo.Clients)-i)).String())
			break
		}
		l := NewLine(inner).Add(th.Normal, Pad(c.Addr, 21)).
			Add(th.Bold, PadLeft(itoa(c.ClientID), 6)).Space(2).
			Add(th.Accent, Pad(c.Library, 12)).
			Add(th.Normal, PadLeft(itoa(c.Subscriptions), 3)+" subs").Space(2).
			Add(th.Muted, Pad("since "+Age(s.At.Sub(c.Since)), 13)).
			Add(th.Muted, Count(c.MsgsIn)+" in "+Count(c.MsgsOut)+" out")
		if c.Refused > 0 {
			l.Space(2).Add(th.Warn, fmt.Sprintf("%d writes refused", c.Refused))
		}
		body = append(body, l.String())
	}
	return Box(th, title, note, false, w, h, body)
}
