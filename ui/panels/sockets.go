package panels

import (
	"sort"
	"strconv"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/theme"
)

// Sockets is the gateway port panel: counts per TCP state, zombies by side,
// the listener's process.
func Sockets(th *theme.Theme, s *engine.Snapshot, have bool, w int) []string {
	title := "Sockets"
	if have && s.Sockets.Port > 0 {
		title += " :" + strconv.Itoa(s.Sockets.Port)
	}
	return Box(th, title, "", false, w, TopHeight, socketsBody(th, s, have, Inner(w)))
}

// stateOrder puts the states that matter for zombies first.
var stateOrder = []string{"ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSING", "SYN_SENT", "SYN_RECV", "LISTEN"}

func socketsBody(th *theme.Theme, s *engine.Snapshot, have bool, w int) []string {
	if !have {
		return nil
	}
	si := &s.Sockets
	lines := make([]string, 0, 5)

	l := NewLine(w)
	switch {
	case !si.Listening:
		l.Add(th.BoldBad, "nothing listening")
	case si.ListenerPID > 0:
		l.Add(th.Muted, "listener ").Add(th.Normal, "pid "+strconv.Itoa(si.ListenerPID)+" "+si.ListenerCommand)
	default:
		l.Add(th.Muted, "listener ").Add(th.Normal, "(owner unknown)")
	}
	lines = append(lines, l.String())

	lines = append(lines, countLines(th, si.Counts, w)...)

	var client, gateway int
	for _, z := range si.Zombies {
		if z.Side == "gateway" {
			gateway++
		} else {
			client++
		}
	}
	l = NewLine(w)
	important := true // errors and leaks matter more than the split of the zombie count
	switch {
	case si.Err != "":
		l.Add(th.Bad, "scan error: "+si.Err)
	case si.OwnLeaks > 0:
		l.Add(th.BoldBad, "own leaked sockets "+strconv.Itoa(si.OwnLeaks))
	case !si.ScannedAt.IsZero():
		important = false
		l.Add(th.Muted, "scanned "+Age(s.At.Sub(si.ScannedAt))+" ago")
	}
	zl := zombieLines(th, client, gateway, w)
	if important {
		zl = zl[:1]
	}
	lines = append(lines, zl...)
	lines = append(lines, l.String())
	return lines[:min(len(lines), TopHeight-2)] // a two-line zombie count pushes out the scan age
}

// zombieLines is "zombies 3 client · 1 gateway", or one side per line when
// that does not fit.
func zombieLines(th *theme.Theme, client, gateway, w int) []string {
	if client+gateway == 0 {
		return []string{NewLine(w).Add(th.Muted, "zombies ").Add(th.Good, "none").String()}
	}
	c, g := strconv.Itoa(client), strconv.Itoa(gateway)
	if Width("zombies "+c+" client · "+g+" gateway") <= w {
		return []string{NewLine(w).Add(th.Muted, "zombies ").
			Add(zombiePaint(th, client), c+" client").Add(th.Muted, " · ").
			Add(zombiePaint(th, gateway), g+" gateway").String()}
	}
	return []string{
		NewLine(w).Add(th.Muted, "client zombies ").Add(zombiePaint(th, client), c).String(),
		NewLine(w).Add(th.Muted, "gateway zombies ").Add(zombiePaint(th, gateway), g).String(),
	}
}

func zombiePaint(th *theme.Theme, n int) theme.Paint {
	if n > 0 {
		return th.BoldBad
	}
	return th.Normal
}

// countLines wraps "ESTABLISHED 1  CLOSE_WAIT 3 …" over two lines.
func countLines(th *theme.Theme, counts map[string]int, w int) []string {
	names := make([]string, 0, len(counts)+2)
	names = append(names, "ESTABLISHED", "CLOSE_WAIT") // always shown, even at zero
	for _, st := range stateOrder[2:] {
		if counts[st] > 0 {
			names = append(names, st)
		}
	}
	var others []string
	for st, n := range counts {
		if n > 0 && !known(st) {
			others = append(others, st)
		}
	}
	sort.Strings(others)
	names = append(names, others...)

	out := make([]string, 0, 2)
	l := NewLine(w)
	for _, st := range names {
		n := counts[st]
		label := st
		if st == "ESTABLISHED" {
			label = "ESTAB" // as ss spells it: two states fit a narrow panel's line
		}
		token := label + " " + strconv.Itoa(n)
		gap := 0
		if l.Width() > 0 {
			gap = 2
		}
		if l.Width() > 0 && gap+Width(token) > l.Room() {
			if len(out) == 1 {
				break // two lines at most; the rest would not fit the panel
			}
			out = append(out, l.String())
			l, gap = NewLine(w), 0
		}
		p := th.Normal
		if st == "CLOSE_WAIT" && n > 0 {
			p = th.BoldBad
		}
		l.Space(gap).Add(th.Muted, label+" ").Add(p, strconv.Itoa(n))
	}
	out = append(out, l.String())
	for len(out) < 2 {
		out = append(out, Blank(w))
	}
	return out
}

func known(state string) bool {
	for _, s := range stateOrder {
		if s == state {
			return true
		}
	}
	return false
}
