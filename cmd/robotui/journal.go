package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/robotui/robotui/cmd/robotui/internal/config"
	"github.com/robotui/robotui/engine/journal"
)

// journalPath is [journal] path, or the state directory's journal.db;
// against the simulator, the same name with -sim before its extension: a
// demo's outages and synthetic bars must never enter the real gateway's
// report or warm start.
func journalPath(cfg config.Config, env []string, sim bool) string {
	p := cmp.Or(cfg.Journal.Path, statePath(env, "journal.db"))
	if sim {
		ext := filepath.Ext(p)
		p = strings.TrimSuffix(p, ext) + "-sim" + ext
	}
	return p
}

// openJournal opens the journal for the console, or says why there is
// none: off (--no-journal, --once: "" then), held by another robotui, or
// unusable. The session runs either way.
func openJournal(cfg config.Config, f consoleFlags, env []string) (*journal.Journal, string) {
	if f.noJournal || f.once {
		return nil, ""
	}
	size, _ := config.ByteSize(cfg.Journal.MaxSize) // validated
	j, err := journal.Open(journal.Options{Path: journalPath(cfg, env, f.sim), Retention: cfg.Journal.Retention, MaxSize: size})
	if err != nil {
		if errors.Is(err, journal.ErrLocked) {
			return nil, fmt.Sprintf("%v: running without a journal (or give this one its own [journal] path)", err)
		}
		return nil, fmt.Sprintf("%v: running without a journal", err)
	}
	return j, ""
}

// parseSince reads --since: a duration ("24h", "90m", "7d") back from now, or a date ("2026-01-02") or an RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(d); err == nil && n > 0 && n <= 36500 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q: expected a duration (24h, 7d), a date (2006-01-02) or an RFC 3339 time", s)
}

// runReport is `robotui report`: it reads the journal (read-only, beside
// a running robotui) and never connects to the gateway.
func runReport(args []string, stdout, stderr io.Writer, env []string) int {
	fs := flag.NewFlagSet("robotui report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: robotui report [--since 24h|7d|DATE] [--json] [--sim] [--config PATH] [--journal PATH]\n\n"+
			"What the journal remembers: uptime, outages, reconnects, keepalive, zombies, alerts, signals.\nIt reads the journal and never connects to the gateway.\n\n")
		fs.PrintDefaults()
	}
	since := fs.String("since", "24h", "how far back: a duration (24h, 7d), a date (2006-01-02) or an RFC 3339 time")
	asJSON := fs.Bool("json", false, "one JSON object")
	cfgPath := fs.String("config", "", "config file (default $XDG_CONFIG_HOME/robotui/config.toml)")
	path := fs.String("journal", "", "journal file (default [journal] path)")
	sim := fs.Bool("sim", false, "the journal of the runs against the simulator (--sim): journal-sim.db")
	if code, ok := parseFlags(fs, args, stdout); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "robotui report: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	now := time.Now()
	from, err := parseSince(*since, now)
	if err != nil {
		fmt.Fprintln(stderr, "robotui report:", err)
		return 2
	}
	p := *path
	if p == "" {
		cfg, _, err := config.Parse(*cfgPath, env)
		if err == nil {
			err = cfg.ApplyEnv(env)
		}
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		p = journalPath(cfg, env, *sim)
	}
	if from.After(now) {
		fmt.Fprintf(stderr, "robotui report: --since %s is in the future\n", from.Format(time.RFC3339))
		return 2
	}
	r, err := journal.OpenReader(p)
	if err != nil {
		fmt.Fprintln(stderr, "robotui report:", err)
		if errors.Is(err, os.ErrNotExist) && !*sim {
			fmt.Fprintln(stderr, "robotui report: runs with --sim keep their own journal: robotui report --sim")
		}
		return 2
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := r.Report(ctx, from, now)
	if err != nil {
		fmt.Fprintln(stderr, "robotui report:", err)
		return 2
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "robotui report:", err)
			return 2
		}
		return 0
	}
	printReport(stdout, rep)
	return 0
}

func printReport(w io.Writer, rep journal.Report) {
	tf := func(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }
	fmt.Fprintf(w, "robotui report %s → %s (%d runs, %s measured)\n\n", tf(rep.From), tf(rep.To), rep.Runs,
		(time.Duration(rep.RunningS) * time.Second).String())
	fmt.Fprintf(w, "uptime  %.2f%% (expected outages left out)   %.2f%% (every outage)\n\n", rep.UptimePct, rep.UptimeAllPct)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "OUTAGE START\tDURATION\tCAUSE\tREASON\tEXPECTED\n")
	for _, o := range rep.Outages {
		d := (time.Duration(o.Seconds*1000) * time.Millisecond).Round(100 * time.Millisecond).String()
		if o.Open {
			d += " (still going)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%t\n", tf(o.Start), d, o.Cause, o.Reason, o.Expected)
	}
	if len(rep.Outages) == 0 {
		fmt.Fprintf(tw, "none\t\t\t\t\n")
	}
	tw.Flush()
	causes := make([]string, 0, len(rep.ReconnectsBy))
	for c, n := range rep.ReconnectsBy {
		causes = append(causes, fmt.Sprintf("%s %d", c, n))
	}
	slices.Sort(causes)
	fmt.Fprintf(w, "\nreconnects by cause: %s\n", cmp.Or(strings.Join(causes, ", "), "none"))

	fmt.Fprintln(w, "\nkeepalive per hour")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "HOUR\tPINGS\tMISSES\tP50 MS\tP99 MS\tMAX MS\n")
	for _, k := range rep.Keepalive {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%.2f\t%.2f\n", k.Hour.Local().Format("2006-01-02 15:00"), k.Pings, k.Misses, k.P50ms, k.P99ms, k.MaxMs)
	}
	tw.Flush()
	if len(rep.Zombies) > 0 {
		fmt.Fprintln(w, "\nzombies per hour")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "HOUR\tSEEN\tMAX CLOSE_WAIT\n")
		for _, z := range rep.Zombies {
			fmt.Fprintf(tw, "%s\t%d\t%d\n", z.Hour.Local().Format("2006-01-02 15:00"), z.Seen, z.MaxCloseWait)
		}
		tw.Flush()
	}
	if len(rep.Holders) > 0 {
		fmt.Fprintln(w, "\nwho held them")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "PID\tCOMMAND\tSIDE\tSEEN\tFIRST\tLAST\n")
		for _, h := range rep.Holders {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\n", h.PID, h.Command, h.Side, h.Seen, tf(h.First), tf(h.Last))
		}
		tw.Flush()
	}
	for _, k := range rep.Kills {
		fmt.Fprintf(w, "kill %s: %v (pid %v) %v\n", tf(k.At), k.Fields["command"], k.Fields["pid"], k.Fields["action"])
	}
	fmt.Fprintf(w, "\nalerts: %d\n", len(rep.Alerts))
	for _, a := range rep.Alerts {
		fmt.Fprintf(w, "  %s  %v %v  %v\n", tf(a.At), a.Fields["alert"], a.Fields["state"], a.Fields["summary"])
	}
	syms := make([]string, 0, len(rep.Signals))
	total := 0
	for s, n := range rep.Signals {
		syms = append(syms, fmt.Sprintf("%s %d", s, n))
		total += n
	}
	slices.Sort(syms)
	fmt.Fprintf(w, "\nsignals: %d (%s)\n", total, cmp.Or(strings.Join(syms, ", "), "none"))
	for _, a := range rep.AccountsDaily {
		fmt.Fprintf(w, "account %s %v: net liquidation %v, daily P&L %v\n", a.At.Local().Format("2006-01-02"), a.Fields["account"], a.Fields["net_liquidation"], a.Fields["daily_pnl"])
	}
	for _, e := range rep.Journal {
		fmt.Fprintf(w, "journal %s %s: %v\n", tf(e.At), e.Name, e.Fields["error"])
	}
}
