package panels

import (
	"strconv"
	"strings"
	"time"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/theme"
)

// HeaderHeight is the number of lines Header returns.
const HeaderHeight = 2

// Header is the two top lines: who and where (account, paper or live,
// gateway, client id, server version), then New York time and the market.
func Header(th *theme.Theme, title string, s *engine.Snapshot, have bool, w int) []string {
	l1, l2 := NewLine(w), NewLine(w)
	l1.Add(th.TitleFocus, title)
	if !have {
		l1.Add(th.Muted, " · waiting for the engine…")
		return []string{l1.String(), l2.String()}
	}
	sep := func(l *Line) { l.Add(th.Dim, " │ ") }
	c := &s.Conn
	sep(l1)
	switch len(c.Accounts) {
	case 0:
		l1.Add(th.Muted, "no account yet")
	case 1:
		l1.Add(th.Bold, c.Accounts[0])
	default:
		l1.Add(th.Bold, c.Accounts[0]).Add(th.Muted, " +"+strconv.Itoa(len(c.Accounts)-1))
	}
	switch mode := strings.ToLower(c.Mode); mode {
	case "live":
		l1.Add(th.BoldBad, " LIVE")
	case "":
	default:
		l1.Add(th.Good, " "+strings.ToUpper(mode))
	}
	if c.ConfigMode != "" && c.Mode != "" && !strings.EqualFold(c.ConfigMode, c.Mode) {
		l1.Add(th.BoldBad, " (config says "+c.ConfigMode+")")
	}
	if c.Readonly {
		l1.Add(th.Warn, " read-only")
	}
	sep(l1)
	addr := c.Addr
	if addr == "" {
		addr = "?"
	}
	l1.Add(th.Muted, "gateway ").Add(th.Normal, addr)
	sep(l1)
	l1.Add(th.Muted, "client ").Add(th.Normal, strconv.Itoa(c.ClientID))
	sep(l1)
	l1.Add(th.Muted, "server ")
	if c.ServerVersion > 0 {
		l1.Add(th.Normal, "v"+strconv.Itoa(c.ServerVersion))
	} else {
		l1.Add(th.Muted, "—")
	}

	zone := Zone(s)
	now := s.At.In(zone)
	if !s.Market.Now.IsZero() {
		now = s.Market.Now.In(zone) // the market clock is the gateway's
	}
	l2.Add(th.Muted, ZoneName(zone)+" ").Add(th.Bold, now.Format("15:04:05")).Add(th.Muted, now.Format(" Mon 2 Jan"))
	sep(l2)
	marketLine(th, l2, s, zone)
	return []string{l1.String(), l2.String()}
}

func marketLine(th *theme.Theme, l *Line, s *engine.Snapshot, zone *time.Location) {
	m := &s.Market
	verb := "opens "
	if m.Open {
		l.Add(th.Good, "market open")
		verb = "closes "
	} else {
		l.Add(th.Warn, "market closed")
		if m.Reason != "" && m.Reason != "closed" {
			l.Add(th.Muted, " ("+m.Reason+")")
		}
	}
	if m.NextChange.IsZero() {
		return
	}
	next := m.NextChange.In(zone)
	clock := s.At
	if !m.Now.IsZero() {
		clock = m.Now
	}
	until := next.Sub(clock)
	layout := "15:04"
	if until >= 20*time.Hour || next.Day() != clock.In(zone).Day() {
		layout = "Mon 15:04"
	}
	l.Add(th.Muted, " · "+verb).Add(th.Normal, next.Format(layout)).Add(th.Muted, " (in "+Age(until)+")")
}

// ZoneName is "New York" for the exchange's zone, else the zone's own name,
// so a host without zone data never shows UTC labelled as New York.
func ZoneName(loc *time.Location) string {
	if loc.String() == "America/New_York" {
		return "New York"
	}
	return loc.String()
}
