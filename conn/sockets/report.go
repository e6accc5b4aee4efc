package sockets

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// ReportProcess is the listener in a Report.
type ReportProcess struct {
	PID     int    `json:"pid"`
	Command string `json:"command"`
}

// ReportZombie is one zombie in a Report; PID 0 and empty strings mean unknown.
type ReportZombie struct {
	PID     int    `json:"pid"`
	Command string `json:"command"`
	User    string `json:"user"`
	Side    Side   `json:"side"`
	Local   string `json:"local"`
	Remote  string `json:"remote"`
	State   State  `json:"state"`
}

// Report is the JSON printed by `robotui zombies --json` (a contract, see DESIGN.md).
type Report struct {
	Port     int            `json:"port"`
	Listener *ReportProcess `json:"listener"` // null when nothing listens; pid 0 when the owner is not visible
	Counts   map[string]int `json:"counts"`   // every state, zeros included
	Zombies  []ReportZombie `json:"zombies"`
}

// KillReport is the Report printed by `robotui zombies --kill --json`.
type KillReport struct {
	Report
	Results []Result `json:"results"`
}

// NewReport turns a table into the report shape.
func NewReport(t Table) Report {
	r := Report{Port: t.Port, Counts: t.Counts.Map(), Zombies: make([]ReportZombie, 0, len(t.Zombies))}
	if t.Listening {
		r.Listener = &ReportProcess{}
		if t.Listener != nil {
			r.Listener.PID, r.Listener.Command = t.Listener.PID, t.Listener.Command
		}
	}
	for _, z := range t.Zombies {
		rz := ReportZombie{Side: z.Side, Local: z.Local.String(), Remote: z.Remote.String(), State: z.State}
		if z.Owner != nil {
			rz.PID, rz.Command, rz.User = z.Owner.PID, z.Owner.Command, z.Owner.User
		}
		r.Zombies = append(r.Zombies, rz)
	}
	return r
}

// NewKillReport adds kill results to a report; Results is never null.
func NewKillReport(t Table, results []Result) KillReport {
	if results == nil {
		results = []Result{}
	}
	return KillReport{Report: NewReport(t), Results: results}
}

// WriteText prints the report as a compact table for people.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	switch {
	case r.Listener == nil:
		fmt.Fprintf(&b, "port %d: nothing listening\n", r.Port)
	case r.Listener.PID == 0:
		fmt.Fprintf(&b, "port %d: listening (owner not visible)\n", r.Port)
	default:
		fmt.Fprintf(&b, "port %d: listening, pid %d (%s)\n", r.Port, r.Listener.PID, r.Listener.Command)
	}
	var counts []string
	for _, s := range States() {
		if n := r.Counts[s.String()]; n > 0 {
			counts = append(counts, fmt.Sprintf("%s %d", s, n))
		}
	}
	if len(counts) == 0 {
		counts = append(counts, "none")
	}
	fmt.Fprintf(&b, "sockets: %s\n", strings.Join(counts, ", "))
	fmt.Fprintf(&b, "zombies: %d\n", len(r.Zombies))
	gatewaySide := false
	if len(r.Zombies) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  PID\tCOMMAND\tUSER\tSIDE\tLOCAL\tREMOTE\tSTATE")
		for _, z := range r.Zombies {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", pidText(z.PID), orUnknown(z.Command), orUnknown(z.User), z.Side, z.Local, z.Remote, z.State)
			gatewaySide = gatewaySide || z.Side == GatewaySide
		}
		tw.Flush()
	}
	if gatewaySide {
		fmt.Fprintf(&b, "advice: %s\n", GatewayAdvice)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteText prints what Kill would do with the plan.
func (p KillPlan) WriteText(w io.Writer) error {
	var b strings.Builder
	if len(p.Targets) == 0 {
		b.WriteString("nothing to signal\n")
	} else {
		b.WriteString("to signal (SIGTERM, then SIGKILL after the grace period):\n")
		for _, t := range p.Targets {
			fmt.Fprintf(&b, "  pid %d %s (%s): %d client-side CLOSE_WAIT socket(s)\n", t.PID, t.Command, orUnknown(t.User), len(t.Sockets))
		}
	}
	seen := map[string]bool{}
	for _, r := range p.Refused {
		line := fmt.Sprintf("  pid %s %s: %s\n", pidText(r.PID), orUnknown(r.Command), r.Reason)
		if seen[line] {
			continue
		}
		if len(seen) == 0 {
			b.WriteString("not signalled:\n")
		}
		seen[line] = true
		b.WriteString(line)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteResults prints kill results as a table.
func WriteResults(w io.Writer, results []Result) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  PID\tCOMMAND\tRESULT\tREASON")
	for _, r := range results {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", pidText(r.PID), orUnknown(r.Command), r.Result, r.Reason)
	}
	tw.Flush()
	_, err := io.WriteString(w, b.String())
	return err
}

func pidText(pid int) string {
	if pid <= 0 {
		return "?"
	}
	return strconv.Itoa(pid)
}

func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}
