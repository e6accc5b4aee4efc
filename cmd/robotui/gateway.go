package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/robotui/robotui/cmd/robotui/internal/httpserve"
	"github.com/robotui/robotui/conn/ibsim"
)

const gatewayUsage = `Usage: robotui gateway [--listen 127.0.0.1:4002] [--control 127.0.0.1:4003] [flags]

Runs the simulated IB Gateway standalone: the TWS API (server versions
100..200) with deterministic synthetic market data, IB's limits, and fault
injection through a loopback HTTP control endpoint:

  GET /state                      clients, faults, versions, symbols
  POST /faults {"kind": "..."}    drop, stall, handshake_stall, down, codes,
                                  garbage, oversized, latency, hold, max_clients,
                                  farm_flap, silence, reset, competing_session, cut
  DELETE /faults                  clear every fault

SIGINT or SIGTERM closes the listener and every client, then exits 0.

Flags:
`

// runGateway is `robotui gateway`; it returns the exit status.
func runGateway(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveGateway(ctx, args, stdout, stderr)
}

// serveGateway runs the simulator until ctx ends: 0 after a clean stop, 2
// on a usage or startup error.
func serveGateway(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("robotui gateway", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // usage goes to stdout for -h, to stderr after an error
	listen := fs.String("listen", "127.0.0.1:4002", "TWS API listen `address`")
	control := fs.String("control", "", "control endpoint `address` (loopback only); empty: none")
	seed := fs.Int64("seed", 1, "market data seed: the same seed gives the same bars")
	speed := fs.Float64("speed", 1, "sim clock speed against wall time")
	version := fs.Int("server-version", ibsim.DefaultServerVersion, "highest server `version` to negotiate, 100..200")
	maxClients := fs.Int("max-clients", ibsim.DefaultMaxClients, "API sessions allowed at once")
	logFormat := fs.String("log-format", "text", "log format on stderr: text or json")
	start := fs.String("start", "", "the sim clock's first `instant`, RFC 3339 (e.g. 2026-01-05T10:00:00-05:00); default now")
	loginZone := fs.String("login-zone", "America/New_York", "login `zone` of the handshake reply and of text dates: an IANA name, optionally =label for the reply's text (Europe/London=Greenwich Mean Time)")
	ibcAddr := fs.String("ibc", "", "serve IBC's command server protocol on this `address` (loopback only): STOP, RESTART, RECONNECTDATA, RECONNECTACCOUNT, EXIT")
	positions := fs.String("positions", "", "a `file` of the simulated accounts' holdings, one SYMBOL QTY [AVG_COST] a line; default the demo holdings")
	dateStyle := fs.String("date-style", ibsim.DateZoned, "formatDate 1 bar dates: zoned (20260402 09:30:00 US/Eastern) or spaced (20230413  16:31:22, older gateways)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), gatewayUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return 0
		}
		fmt.Fprintf(stderr, "robotui gateway: %v\n", err)
		fs.SetOutput(stderr)
		fs.Usage()
		return 2
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "robotui gateway: "+format+"\n", a...)
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q", fs.Arg(0))
	case *version < 100 || *version > 200:
		return usageErr("--server-version %d: must be within 100..200", *version)
	case !(*speed > 0) || *speed > 1e6:
		return usageErr("--speed %v: must be above 0 and at most 1e6", *speed)
	case *maxClients < 1:
		return usageErr("--max-clients %d: must be at least 1", *maxClients)
	case *seed == 0:
		return usageErr("--seed 0: use any other number")
	}
	var startAt time.Time
	if *start != "" {
		t, err := time.Parse(time.RFC3339, *start)
		if err != nil {
			return usageErr("--start %q: expected an RFC 3339 instant like 2026-01-05T10:00:00-05:00", *start)
		}
		startAt = t
	}
	if *control != "" {
		if err := checkLoopback(*control); err != nil {
			return usageErr("--control %s: %v", *control, err)
		}
	}
	if *ibcAddr != "" {
		if err := checkLoopback(*ibcAddr); err != nil {
			return usageErr("--ibc %s: %v", *ibcAddr, err)
		}
	}
	var handler slog.Handler
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(stderr, nil)
	case "json":
		handler = slog.NewJSONHandler(stderr, nil)
	default:
		return usageErr("--log-format %q: must be text or json", *logFormat)
	}

	holdings, err := loadPositions(*positions)
	if err != nil {
		return usageErr("--positions: %v", err)
	}
	sim, err := ibsim.Start(ibsim.Config{Addr: *listen, ServerVersion: *version, Seed: *seed, Speed: *speed,
		MaxClients: *maxClients, Logger: slog.New(handler), Start: startAt, LoginZone: *loginZone, DateStyle: *dateStyle, Positions: holdings})
	if err != nil {
		return usageErr("%v", err)
	}
	defer sim.Close()
	var ctl *httpserve.Server
	controlNote := ""
	if *control != "" {
		if ctl, err = httpserve.Start(*control, sim.Handler(), httpserve.Defaults()); err != nil {
			return usageErr("control endpoint: %v", err)
		}
		controlNote = fmt.Sprintf(", control on http://%s", ctl.Addr)
	}
	if *ibcAddr != "" {
		b, err := ibsim.StartIBC(sim, *ibcAddr, 0)
		if err != nil {
			return usageErr("%v", err)
		}
		defer b.Close()
		controlNote += ", IBC command server on " + b.Addr()
	}
	fmt.Fprintf(stdout, "robotui gateway: API on %s%s (server version %d, seed %d, speed %g)\n",
		sim.Addr(), controlNote, *version, *seed, *speed)

	<-ctx.Done()
	if ctl != nil {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		ctl.Shutdown(shutdownCtx)
		cancel()
		ctl.Close()
	}
	sim.Close()
	return 0
}

// checkLoopback accepts host:port where host is a loopback IP or localhost.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("not host:port: %w", err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("the control endpoint must listen on a loopback address (127.0.0.1, ::1 or localhost), not %q", host)
	}
	return nil
}

// loadPositions reads a positions file; "" gives nil (the demo holdings).
func loadPositions(path string) ([]ibsim.PositionSpec, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ibsim.ParsePositions(f)
}
