package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/robotui/robotui/cmd/robotui/internal/config"
	"github.com/robotui/robotui/cmd/robotui/internal/httpserve"
	"github.com/robotui/robotui/cmd/robotui/internal/metrics"
	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/alert"
	"github.com/robotui/robotui/engine/calendar"
	strategy "github.com/robotui/robotui/engine/signal"
	"github.com/robotui/robotui/ui"
)

// consoleFlags are the flags of the console itself; each set flag overrides
// one config key.
type consoleFlags struct {
	configPath string
	sim        bool
	noTUI      bool
	once       bool
	live       bool
	noJournal  bool
}

// flagKeys maps a flag to the config key it overrides.
var flagKeys = map[string]string{
	"host":       "gateway.host",
	"port":       "gateway.port",
	"client-id":  "gateway.client_id",
	"symbols":    "watchlist.symbols",
	"log-format": "log.format",
	"log-level":  "log.level",
	"log-file":   "log.file",
	"metrics":    "metrics.addr",
	"api":        "api.addr",
	"fanout":     "fanout.listen",
}

// demoStart is the sim clock's start for --sim without sim.start: now while
// the market is open, else the first hour of the last regular session, so
// that regular-hours bars keep coming whenever the demo runs.
func demoStart(now time.Time, cal *calendar.Calendar) time.Time {
	if cal.Status(now).Open {
		return now
	}
	for d := range 30 {
		if open, _, ok := cal.Session(now.AddDate(0, 0, -d)); ok && open.Before(now) {
			return open.Add(30 * time.Minute)
		}
	}
	return now
}

// onceSimStart pins the simulator's clock for --sim --once, so that two
// runs print the same signal lines whatever the time of day.
var onceSimStart = time.Date(2026, time.January, 2, 11, 2, 0, 0, time.UTC).Add(5 * time.Hour)

func runConsole(args []string, stdin io.Reader, stdout, stderr io.Writer, env []string) int {
	cfg, f, code := loadConsoleConfig(args, stdout, stderr, env)
	if code >= 0 {
		return code
	}
	// --once on a terminal prints a table and logs to the file the console
	// would; piped, it writes the event lines.
	onceTable := f.once && !f.noTUI && isTerminal(stdout)
	headless := f.noTUI || f.once && !onceTable || !isTerminal(stdout)

	ctx, stop := watchSignals()
	defer stop()

	events, diag, closeLog, err := loggers(cfg, headless, stdout, stderr, env)
	if err != nil {
		fmt.Fprintln(stderr, "robotui:", err)
		return 2
	}
	defer closeLog()

	var sim *ibsim.Server
	if f.sim {
		simCfg := ibsim.Config{Addr: "127.0.0.1:0", Seed: cfg.Sim.Seed, Speed: cfg.Sim.Speed, ServerVersion: cfg.Sim.ServerVersion, Logger: diag.With("component", "sim")}
		simCfg.Start, _ = config.SimStart(cfg.Sim.Start) // validated
		switch {
		case f.once:
			simCfg.Start = onceSimStart
		case simCfg.Start.IsZero():
			simCfg.Start = demoStart(time.Now(), calendar.NYSE())
		}
		if simCfg.Positions, err = loadPositions(cfg.Sim.Positions); err != nil {
			fmt.Fprintln(stderr, "robotui: [sim] positions:", err)
			return 2
		}
		if sim, err = ibsim.Start(simCfg); err != nil {
			fmt.Fprintln(stderr, "robotui: start simulator:", err)
			return 2
		}
		defer sim.Close()
		cfg.Gateway.Host, cfg.Gateway.Port = "127.0.0.1", sim.Port()
		if cfg.IBC.CommandPort != 0 {
			// The simulator's own IBC command server, on the configured port or, if taken, any.
			b, err := ibsim.StartIBC(sim, cfg.IBCAddr(), 0)
			if err != nil {
				b, err = ibsim.StartIBC(sim, "127.0.0.1:0", 0)
			}
			if err != nil {
				fmt.Fprintln(stderr, "robotui: start the simulator's IBC command server:", err)
				return 2
			}
			defer b.Close()
			_, p, _ := net.SplitHostPort(b.Addr())
			cfg.IBC.CommandPort, _ = strconv.Atoi(p)
		}
	}

	m := metrics.New()
	m.SetReadyThreshold(cfg.Health.GatewayZombies)
	operators, events := newOps(cfg, events)
	opts := engineOptions(cfg, sim, events, m)
	// Under the console stderr is the terminal the TUI draws on: the
	// failure shows in its events panel now and on stderr once it has left.
	var sinkErr atomic.Pointer[error]
	sayLogError := func() {
		if p := sinkErr.Load(); p != nil {
			fmt.Fprintf(stderr, "robotui: the log cannot be written (%v); failures are counted in robotui_log_write_errors_total\n", *p)
		}
	}
	opts.OnLogError = func(err error) {
		sinkErr.Store(&err)
		if headless {
			sayLogError()
		}
	}
	jnl, jnlWhy := openJournal(cfg, f, env)
	if jnl != nil {
		defer jnl.Close() // after eng.Close: the engine's last events are stored
		opts.Journal = jnl
	} else if jnlWhy != "" {
		diag.Warn("journal", "error", jnlWhy)
		if headless {
			fmt.Fprintln(stderr, "robotui:", jnlWhy)
		}
	}
	eng, err := engine.New(opts)
	if err != nil {
		fmt.Fprintln(stderr, "robotui:", err)
		return 2
	}
	if jnl != nil {
		jnl.SetNotify(eng.Note)
	} else if jnlWhy != "" {
		eng.Note(slog.LevelWarn, "journal", jnlWhy, slog.String("error", jnlWhy))
	}
	m.SetSource(eng)
	n := len(cfg.Watchlist.Symbols)
	diag.Info("watchlist", "symbols", n, "bar_size", cfg.Watchlist.BarSize,
		"backfill", opts.Session.BackfillPacing(n, cfg.Watchlist.BarSize).Round(time.Second).String(),
		"note", "the least time IB's pacing lets the first backfills take; the gateway's answers come on top")

	switch {
	case onceTable:
		rep := eng.RunOnceReport(ctx)
		printOnce(stdout, stderr, rep, cmp.Or(cfg.Log.File, defaultLogPath(env)))
		return rep.Code
	case f.once:
		return eng.RunOnce(ctx)
	}
	metricsAddr := ""
	if cfg.Metrics.Addr != "" {
		srv, err := httpserve.Start(cfg.Metrics.Addr, m.Handler(), httpserve.Defaults())
		if err != nil {
			eng.Close()
			fmt.Fprintln(stderr, "robotui: metrics:", err)
			return 2
		}
		defer srv.Close()
		metricsAddr = srv.Addr.String()
	}
	if err := operators.start(cfg, eng, m, metricsAddr, diag, env); err != nil {
		operators.stop()
		eng.Close()
		fmt.Fprintln(stderr, "robotui:", err)
		return 2
	}
	defer operators.stop()
	eng.Start()
	if cfg.Fanout.Listen != "" {
		addr, err := eng.StartFanout(fanoutConfig(cfg, diag))
		if err != nil {
			eng.Close()
			fmt.Fprintln(stderr, "robotui:", err)
			return 2
		}
		diag.Info("fanout", "addr", addr)
		m.WatchFanout(eng.Fanout)
	}
	var alerts *alert.Manager
	if cfg.Alerts.Enabled {
		alerts = newAlerts(cfg, env, eng, diag)
		m.WatchAlerts(alerts)
		actx, cancel := context.WithCancel(ctx)
		go alerts.Run(actx, eng.Latest, alertEvery)
		defer alerts.Close()
		defer cancel()
	}
	if headless {
		<-ctx.Done()
		eng.Close()
		return 0
	}
	// Quit: ctx has caught every SIGINT since startup, ui.Run's own handler only those after it starts.
	err = ui.Run(eng, ui.Options{Keys: cfg.Keys, Title: "robotui", Alerts: uiAlerts(alerts), Bell: cfg.Alerts.Bell, Quit: ctx.Done()}, stdin, stdout)
	eng.Close()
	sayLogError()
	if err != nil {
		fmt.Fprintln(stderr, "robotui:", err)
		return 2
	}
	return 0
}

// loadConsoleConfig applies defaults, the file, the environment and the
// flags, in that order of precedence. code ≥ 0 means: exit with it.
func loadConsoleConfig(args []string, stdout, stderr io.Writer, env []string) (config.Config, consoleFlags, int) {
	var f consoleFlags
	fs := flag.NewFlagSet("robotui", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: robotui [flags]\n\n")
		fs.PrintDefaults()
		fmt.Fprintf(fs.Output(), "\nSubcommands: gateway, zombies, config check, alerts test, ibc, report, health, status, quotes, positions, backtest, completion, version (robotui help).\n")
	}
	fs.StringVar(&f.configPath, "config", "", "config file (default $XDG_CONFIG_HOME/robotui/config.toml)")
	fs.String("host", "", "gateway host (default 127.0.0.1)")
	fs.String("port", "", "gateway API port (default 4002)")
	fs.String("client-id", "", "first TWS API client id (default 1)")
	fs.String("symbols", "", "watchlist, comma-separated (e.g. AAPL,MSFT,SPY)")
	fs.BoolVar(&f.sim, "sim", false, "run against the built-in simulated gateway")
	fs.BoolVar(&f.noTUI, "no-tui", false, "headless: event lines on stdout (automatic when stdout is not a terminal)")
	fs.BoolVar(&f.once, "once", false, "connect, backfill, print one signal line per symbol, exit (0 ok, 1 a symbol failed, 2 no session)")
	fs.String("log-format", "", "text or json (default text)")
	fs.String("log-level", "", "debug, info, warn or error (default info)")
	fs.String("log-file", "", "log file (default: stdout headless, the state dir with the console)")
	fs.String("metrics", "", "serve Prometheus /metrics, /healthz and /readyz on this address (e.g. 127.0.0.1:9464)")
	fs.String("api", "", "serve the local read-only API on this address (e.g. 127.0.0.1:7465)")
	fs.String("fanout", "", "serve the read-only TWS API fan-out to local programs on this address (e.g. 127.0.0.1:4102)")
	fs.BoolVar(&f.live, "live", false, "allow live mode and the live ports 7496 and 4001")
	fs.BoolVar(&f.noJournal, "no-journal", false, "run without the journal ([journal] path): no report, history or warm start")
	if code, ok := parseFlags(fs, args, stdout); !ok {
		return config.Config{}, f, code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "robotui: unexpected argument %q (see robotui help)\n", fs.Arg(0))
		return config.Config{}, f, 2
	}
	cfg, _, parseErr := config.Parse(f.configPath, env)
	envErr := cfg.ApplyEnv(env)
	var flagErrs []error
	fs.Visit(func(fl *flag.Flag) {
		if key, ok := flagKeys[fl.Name]; ok {
			flagErrs = append(flagErrs, cfg.Set(key, fl.Value.String(), "--"+fl.Name))
		}
	})
	// Every problem at once, as `config check` lists them.
	if err := errors.Join(parseErr, envErr, errors.Join(flagErrs...), cfg.Validate(f.live)); err != nil {
		fmt.Fprintln(stderr, err)
		return cfg, f, 2
	}
	return cfg, f, -1
}

// isTerminal says whether stream (an input or an output) is a terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// loggers returns where events go (stdout when headless, or --log-file; a
// file in the state directory under the console, never the terminal) and
// where diagnostics that are no event go (stderr when headless, so stdout
// carries only the documented event lines; the same file under the console).
func loggers(cfg config.Config, headless bool, stdout, stderr io.Writer, env []string) (events, diag *slog.Logger, closer func(), err error) {
	w, diagW, closer := stdout, stderr, func() {}
	path := cfg.Log.File
	if path == "" && !headless {
		path = defaultLogPath(env)
	}
	if path != "" {
		// Only the default state directory is made: a --log-file in a
		// directory that does not exist is a typo to report, not to create.
		if cfg.Log.File == "" {
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return nil, nil, nil, fmt.Errorf("log file: %w", err)
			}
		}
		file, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("log file: %w", err)
		}
		w, closer = file, func() { file.Close() }
		if !headless {
			diagW = file
		}
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.Log.Level)); err != nil {
		return nil, nil, nil, fmt.Errorf("log level: %w", err)
	}
	handler := func(w io.Writer) slog.Handler {
		opts := &slog.HandlerOptions{Level: level}
		if cfg.Log.Format == "json" {
			return slog.NewJSONHandler(w, opts)
		}
		return slog.NewTextHandler(w, opts)
	}
	return slog.New(handler(w)), slog.New(handler(diagW)), closer, nil
}

func defaultLogPath(env []string) string { return statePath(env, "robotui.log") }

// statePath is name in robotui's state directory: $XDG_STATE_HOME/robotui,
// else ~/.local/state/robotui, else the temporary directory.
func statePath(env []string, name string) string {
	get := func(k string) string {
		v := ""
		for _, kv := range env {
			if name, val, ok := strings.Cut(kv, "="); ok && name == k {
				v = val
			}
		}
		return v
	}
	if d := get("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "robotui", name)
	}
	if h := get("HOME"); h != "" {
		return filepath.Join(h, ".local", "state", "robotui", name)
	}
	return filepath.Join(os.TempDir(), name)
}

func engineOptions(cfg config.Config, sim *ibsim.Server, events *slog.Logger, m *metrics.Metrics) engine.Options {
	sma, _ := strategy.NewSMACrossover(cfg.Strategy.Fast, cfg.Strategy.Slow) // validated by config
	perSymbol, _ := cfg.SymbolStrategies()                                   // validated by config
	opts := engine.Options{
		Session: conn.Config{
			Addr:           cfg.Gateway.Addr(),
			ClientID:       cfg.Gateway.ClientID,
			ConnectTimeout: cfg.Gateway.ConnectTimeout,
			Keepalive: conn.KeepaliveConfig{
				Interval: cfg.Keepalive.Interval, Timeout: cfg.Keepalive.Timeout,
				MaxMisses: cfg.Keepalive.MaxMisses, History: cfg.Keepalive.History,
			},
			Backoff: conn.BackoffConfig{
				Initial: cfg.Reconnect.Initial, Multiplier: cfg.Reconnect.Multiplier,
				Max: cfg.Reconnect.Max, Jitter: cfg.Reconnect.Jitter,
			},
			Observer: m.Observe,
		},
		Symbols: cfg.Watchlist.Symbols,
		Bars: engine.BarSettings{
			Duration: cfg.Watchlist.Duration, BarSize: cfg.Watchlist.BarSize,
			WhatToShow: cfg.Watchlist.WhatToShow, UseRTH: cfg.Watchlist.UseRTH,
		},
		Strategy:     sma,
		Strategies:   perSymbol,
		EvalBars:     cfg.Strategy.EvalBars,
		GatewayPort:  cfg.Gateway.Port,
		ScanInterval: cfg.Zombies.ScanInterval,
		AutoKill:     cfg.Zombies.AutoKill,
		KillGrace:    cfg.Zombies.KillGrace,
		Mode:         string(cfg.Gateway.Mode),
		Readonly:     cfg.Gateway.ReadOnly,
		Log:          events,
		SilentAfter:  cfg.Data.SilentAfter,
		// The gateway menu and the restart windows (issue 15).
		IBCAddr:        cfg.IBCAddr(),
		RestartWindows: restartWindows(cfg),
	}
	if opts.SilentAfter == 0 {
		opts.SilentAfter = -1 // "0s" in the config: the watch is off
	}
	if sim != nil {
		opts.Sim = true
		opts.Faults = simFaults{sim, cfg.Watchlist.Symbols}
		opts.ClockRate = cfg.Sim.Speed
	}
	return opts
}
