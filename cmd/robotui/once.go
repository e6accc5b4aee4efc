package main

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/panels"
)

// printOnce is `robotui --once` on a terminal: one row per symbol, or, when
// no session came up, what to do about it in words. The event lines went to
// logPath.
func printOnce(stdout, stderr io.Writer, rep engine.OnceReport, logPath string) {
	if len(rep.Rows) == 0 {
		fmt.Fprintln(stderr, "robotui:", cmp.Or(rep.Hint, rep.Error))
		fmt.Fprintln(stderr, "The event log is in", logPath+".")
		return
	}
	zone := cmp.Or(rep.Zone, time.UTC)
	table := [][]string{{"SYMBOL", "LAST", "FAST", "SLOW", "SIGNAL", "BAR (" + panels.ZoneName(zone) + ")"}}
	for _, r := range rep.Rows {
		if r.Failed != "" {
			table = append(table, []string{r.Symbol, "—", "—", "—", "failed", r.Failed})
			continue
		}
		s := r.Signal
		table = append(table, []string{r.Symbol, panels.Price(s.Price), panels.Price(s.Fast), panels.Price(s.Slow),
			s.Signal, s.BarTime.In(zone).Format("Mon 2 Jan 15:04")})
	}
	widths := make([]int, len(table[0]))
	for _, row := range table {
		for i, cell := range row {
			widths[i] = max(widths[i], panels.Width(cell))
		}
	}
	for _, row := range table {
		var b strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-panels.Width(cell))
			switch {
			case i == len(row)-1:
				b.WriteString(cell) // no trailing blanks
			case i >= 1 && i <= 3: // the numbers, right-aligned
				b.WriteString(pad + cell + "  ")
			default:
				b.WriteString(cell + pad + "  ")
			}
		}
		fmt.Fprintln(stdout, b.String())
	}
	if rep.Error != "" {
		fmt.Fprintln(stderr, "robotui:", cmp.Or(rep.Hint, rep.Error))
	}
}
