package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/robotui/robotui/cmd/robotui/internal/api"
)

// Exit codes of the thin clients and robotui health.
const (
	exitHealthy   = 0 // healthy (health); the answer was printed (status, quotes, positions)
	exitUnhealthy = 1 // robotui answered: not healthy / not ready, or an error
	exitNoRobotui = 2 // no robotui answered (or a usage error)
)

// askTimeout bounds every thin client's request: a probe that hangs is the
// failure these commands exist to avoid.
const askTimeout = 3 * time.Second

// runHealth asks a running robotui's metrics address (never the gateway)
// for /healthz, or /readyz with --ready.
func runHealth(args []string, stdout, stderr io.Writer, env []string) int {
	fs := flag.NewFlagSet("robotui health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: robotui health [--addr HOST:PORT] [--ready]\n\n"+
			"Asks a running robotui's metrics address (never the gateway). Exit 0 healthy, 1 unhealthy, 2 no robotui.\n\n")
		fs.PrintDefaults()
	}
	addr := fs.String("addr", "", "robotui's metrics address ([metrics] addr; default: the running instance's)")
	ready := fs.Bool("ready", false, "ask /readyz (session ready, data fresh, no gateway-side zombies) instead of /healthz")
	timeout := fs.Duration("timeout", askTimeout, "how long to wait for the answer")
	if code, ok := parseFlags(fs, args, stdout); !ok {
		return code
	}
	if *addr == "" {
		inst, err := readInstance(instancePath(env))
		if err != nil || inst.Metrics == "" {
			fmt.Fprintln(stderr, "robotui health: no running robotui with metrics found (start it with --metrics ADDR, or pass --addr)")
			return exitNoRobotui
		}
		*addr = inst.Metrics
	}
	path := "/healthz"
	if *ready {
		path = "/readyz"
	}
	resp, body, err := get(*addr, path, *timeout)
	if err != nil {
		fmt.Fprintf(stderr, "robotui health: no robotui at %s: %v\n", *addr, err)
		return exitNoRobotui
	}
	fmt.Fprintln(stdout, strings.TrimSpace(string(body)))
	switch resp.StatusCode {
	case http.StatusOK:
		return exitHealthy
	case http.StatusServiceUnavailable:
		return exitUnhealthy
	}
	fmt.Fprintf(stderr, "robotui health: %s%s answered %s: not robotui's metrics address?\n", *addr, path, resp.Status)
	return exitNoRobotui
}

func get(addr, path string, timeout time.Duration) (*http.Response, []byte, error) {
	client := &http.Client{Timeout: timeout}
	resp, err := client.Get("http://" + addr + path)
	if err != nil {
		return nil, nil, errors.Unwrap(err) // the url.Error repeats the address
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return resp, body, err
}

// runClient is robotui status, quotes and positions: one GET of the running
// instance's API, printed as a table or, with --json, as it came.
func runClient(name string, args []string, stdout, stderr io.Writer, env []string) int {
	fs := flag.NewFlagSet("robotui "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := map[string]string{"status": "/v1/state", "quotes": "/v1/symbols", "positions": "/v1/positions"}[name]
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: robotui %s [--json] [--api HOST:PORT]\n\nPrints GET %s of the running robotui's API. Exit 0 ok, 1 robotui answered an error, 2 no robotui.\n\n", name, path)
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "print the API's JSON as it came")
	addr := fs.String("api", "", "the API's address ([api] addr; default: the running instance's)")
	if code, ok := parseFlags(fs, args, stdout); !ok {
		return code
	}
	if *addr == "" {
		inst, err := readInstance(instancePath(env))
		if err != nil || inst.API == "" {
			fmt.Fprintf(stderr, "robotui %s: no running robotui with the API found (start it with --api 127.0.0.1:7465, or pass --api)\n", name)
			return exitNoRobotui
		}
		*addr = inst.API
	}
	resp, body, err := get(*addr, path, askTimeout)
	if err != nil {
		fmt.Fprintf(stderr, "robotui %s: no robotui at %s: %v\n", name, *addr, err)
		return exitNoRobotui
	}
	if resp.StatusCode != http.StatusOK {
		var e api.ErrorBody
		json.Unmarshal(body, &e)
		if *asJSON {
			stdout.Write(body)
		}
		fmt.Fprintf(stderr, "robotui %s: %s: %s\n", name, resp.Status, e.Error)
		return exitUnhealthy
	}
	if *asJSON {
		stdout.Write(body)
		return exitHealthy
	}
	if err := printClient(name, body, stdout); err != nil {
		fmt.Fprintf(stderr, "robotui %s: unreadable answer: %v\n", name, err)
		return exitUnhealthy
	}
	return exitHealthy
}

func printClient(name string, body []byte, w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	switch name {
	case "status":
		var s api.State
		if err := json.Unmarshal(body, &s); err != nil {
			return err
		}
		fmt.Fprintf(tw, "session\t%s since %s (%s)\n", s.Session.State, s.Session.Since.Format(time.RFC3339), s.Session.Reason)
		fmt.Fprintf(tw, "gateway\t%s client id %d, server version %d\n", s.Session.Addr, s.Session.ClientID, s.Session.ServerVersion)
		fmt.Fprintf(tw, "keepalive\tlast %.2f ms, p99 %.2f ms, %d missed of %d\n", s.Keepalive.LastMS, s.Keepalive.P99MS, s.Keepalive.Missed, s.Keepalive.Sent)
		fmt.Fprintf(tw, "sockets\tport %d: %d established, %d close_wait, %d zombies\n", s.Sockets.Port, s.Sockets.Counts["ESTABLISHED"], s.Sockets.Counts["CLOSE_WAIT"], len(s.Sockets.Zombies))
		fmt.Fprintf(tw, "market\t%s\n", s.Market.Reason)
		fmt.Fprintf(tw, "reconnects\t%d\n", s.Session.Reconnects)
	case "quotes":
		var rows []api.Symbol
		if err := json.Unmarshal(body, &rows); err != nil {
			return err
		}
		fmt.Fprintln(tw, "SYMBOL\tLAST\tSIGNAL\tSTATUS\tBARS")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%.2f\t%s\t%s\t%d\n", r.Symbol, r.Last, r.Signal, r.Status, r.Bars)
		}
	case "positions":
		var p api.Positions
		if err := json.Unmarshal(body, &p); err != nil {
			return err
		}
		fmt.Fprintln(tw, "ACCOUNT\tSYMBOL\tQTY\tAVG COST\tLAST\tVALUE\tUNREALIZED\tDAY")
		for _, r := range p.Positions {
			stale := ""
			if r.Stale {
				stale = " (stale)"
			}
			fmt.Fprintf(tw, "%s%s\t%s\t%g\t%.2f\t%.2f\t%.2f\t%+.2f\t%+.2f\n", r.Account, stale, r.Symbol, r.Qty, r.AvgCost, r.MarketPrice, r.MarketValue, r.UnrealizedPnL, r.DailyPnL)
		}
	default:
		_, err := w.Write(body)
		return err
	}
	return nil
}
