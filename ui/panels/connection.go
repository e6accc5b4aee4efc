package panels

import (
	"cmp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/theme"
)

// TopHeight is the height of the row of connection, keepalive and sockets panels.
const TopHeight = 7

// Connection is the session panel: state, uptime, reconnects and the last reason.
func Connection(th *theme.Theme, s *engine.Snapshot, have bool, w int) []string {
	return Box(th, "Connection", "", false, w, TopHeight, connectionBody(th, s, have, Inner(w)))
}

func connectionBody(th *theme.Theme, s *engine.Snapshot, have bool, w int) []string {
	if !have {
		return []string{NewLine(w).Add(th.Muted, "waiting for the engine…").String()}
	}
	c := &s.Conn
	lines := make([]string, 0, TopHeight-2)

	l := NewLine(w)
	l.Add(th.State(c.State), "● "+strings.ToUpper(c.State.String()))
	if !c.Since.IsZero() {
		l.Add(th.Muted, " for "+Age(s.At.Sub(c.Since)))
	}
	lines = append(lines, l.String())

	uptime := Field{"up", "—", th.Muted}
	if !c.ReadySince.IsZero() {
		uptime = Field{"up", Age(s.At.Sub(c.ReadySince)), th.Normal}
	}
	reconnects := Field{"reconnects", strconv.Itoa(c.Reconnects), th.Normal}
	if c.Reconnects > 0 {
		reconnects.Paint = th.Warn
	}
	var third []Field
	switch c.State {
	case conn.Backoff:
		next := "dial #" + strconv.Itoa(c.Attempt+1) // Attempt counts the dials made; this is the next
		if !c.NextRetry.IsZero() {
			next += " in " + seconds(c.NextRetry.Sub(s.At))
		}
		third = []Field{{"", next, th.Orange}}
	case conn.Connecting, conn.Handshaking:
		third = []Field{{"", "dial #" + strconv.Itoa(c.Attempt), th.Orange}}
	default:
		third = []Field{{"msgs", "↓" + Count(c.MsgsIn) + " ↑" + Count(c.MsgsOut), th.Normal}}
	}
	if c.BadFrames > 0 { // skipped frames are otherwise invisible: first, where it fits
		third = append([]Field{{"bad frames", Count(c.BadFrames), th.BoldBad}}, third...)
	}
	// The reason is shown whole: with its label in two lines, else without
	// it, else (while not up, when uptime says nothing) in three. While up,
	// the gateway's farms take the last line once reported; else the drop
	// counts take a line left over.
	showFarms := len(s.Farms) > 0 && c.State.Up()
	n := 2
	if showFarms {
		n = 1
	}
	reason := cmp.Or(c.Cause.Phrase(), "—")
	label, wrapped := "reason ", wrapWhole("reason "+reason, w, n)
	if wrapped == nil {
		label, wrapped = "", wrapWhole(reason, w, n)
	}
	if wrapped == nil && !c.State.Up() {
		wrapped = wrapWhole(reason, w, 3)
	}
	if wrapped == nil {
		label, wrapped = "reason ", Wrap("reason "+reason, w, n)
	}
	if len(wrapped) < 3 {
		flowed, _ := Flow(th, []Field{uptime, reconnects}, w, 1)
		lines = append(lines, flowed...)
	}
	flowed, _ := Flow(th, third, w, 1)
	lines = append(lines, flowed...)
	for i, r := range wrapped {
		l := NewLine(w)
		if i == 0 && label != "" {
			l.Add(th.Muted, label).Add(th.Normal, strings.TrimPrefix(r, label))
		} else {
			l.Add(th.Normal, r)
		}
		lines = append(lines, l.String())
	}
	switch {
	case showFarms:
		lines = append(lines, farmRow(th, s, w))
	case len(wrapped) < 2 && len(c.ByCause) > 0:
		lines = append(lines, NewLine(w).Add(th.Muted, "drops ").Add(th.Normal, byCause(c.ByCause)).String())
	}
	return lines
}

// wrapWhole wraps s into at most n lines of w cells, or returns nil when it
// does not fit whole.
func wrapWhole(s string, w, n int) []string {
	lines := Wrap(s, w, n+1)
	if len(lines) > n || strings.Join(lines, " ") != strings.Join(strings.Fields(s), " ") {
		return nil
	}
	return lines
}

// farmRow is "farms ✗usfarm 12s ✓ushmds ✓secdefil ·eufarm": broken farms
// first, with how long, so they stand out on a narrow panel.
func farmRow(th *theme.Theme, s *engine.Snapshot, w int) string {
	rank := map[conn.FarmState]int{conn.FarmBroken: 0, conn.FarmConnecting: 1, conn.FarmOK: 2, conn.FarmInactive: 3}
	farms := append([]conn.Farm(nil), s.Farms...)
	sort.SliceStable(farms, func(i, j int) bool { return rank[farms[i].State] < rank[farms[j].State] })
	l := NewLine(w).Add(th.Muted, "farms")
	for _, f := range farms {
		l.Space(1)
		switch f.State {
		case conn.FarmBroken:
			l.Add(th.BoldBad, "✗"+f.Name+" "+Age(s.At.Sub(f.Since)))
		case conn.FarmConnecting:
			l.Add(th.Warn, "…"+f.Name)
		case conn.FarmOK:
			l.Add(th.Good, "✓"+f.Name)
		default:
			l.Add(th.Muted, "·"+f.Name)
		}
	}
	return l.String()
}

// seconds is a short wait with tenths: "2.5s", "0.0s", "1m05s".
func seconds(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d >= time.Minute {
		return Age(d)
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
}

// byCause is "eof 3 · keepalive 1", most frequent first.
func byCause(m map[conn.Cause]int) string {
	type kv struct {
		k string
		v int
	}
	list := make([]kv, 0, len(m))
	for k, v := range m {
		list = append(list, kv{k.String(), v})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].v != list[j].v {
			return list[i].v > list[j].v
		}
		return list[i].k < list[j].k
	})
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = e.k + " " + strconv.Itoa(e.v)
	}
	return strings.Join(parts, " · ")
}
