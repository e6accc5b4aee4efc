package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/robotui/robotui/cmd/robotui/internal/chatsink"
	"github.com/robotui/robotui/cmd/robotui/internal/config"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/alert"
	"github.com/robotui/robotui/engine/calendar"
	"github.com/robotui/robotui/ui"
)

// alertEvery is how often the alert rules look at the latest snapshot.
const alertEvery = 250 * time.Millisecond

// restartWindows is the calendar's restart schedule from [gateway] (validated).
func restartWindows(cfg config.Config) *calendar.RestartWindows {
	region, err := calendar.ParseRegion(cfg.Gateway.ResetRegion)
	if err != nil {
		return nil
	}
	w, err := calendar.NewRestartWindows(region, cfg.Gateway.RestartTime)
	if err != nil {
		return nil
	}
	return w
}

// alertSinks builds [[alerts.sink]]; each sink is named kind[i] on screen and in the log.
func alertSinks(cfg config.Config, env []string) []alert.SinkSpec {
	var out []alert.SinkSpec
	for i, s := range cfg.Alerts.Sinks {
		label := fmt.Sprintf("%s[%d]", s.Kind, i)
		var sink alert.Sink
		switch s.Kind {
		case "webhook":
			sink = &alert.Webhook{Label: label, URL: s.URL, Secret: s.Secret(env)}
		case "exec":
			sink = &alert.Exec{Label: label, Command: s.Command}
		default:
			sink = &chatsink.Sink{Label: label, Kind: s.Kind, Secret: s.Secret(env)}
		}
		spec := alert.SinkSpec{Sink: sink}
		for _, r := range s.Rules {
			spec.Rules = append(spec.Rules, alert.Rule(r))
		}
		spec.Quiet, _ = alert.ParseQuietHours(s.QuietHours) // validated
		out = append(out, spec)
	}
	return out
}

func alertThresholds(a config.Alerts) alert.Thresholds {
	th := alert.Thresholds{DownAfter: a.DownAfter, StormSessions: a.StormSessions, StormWindow: a.StormWindow,
		ClientZombies: a.ClientZombies, GatewayZombies: a.GatewayZombies, Silent: a.Silent, FarmBroken: a.FarmBroken,
		Competing: a.CompetingSession, KeepaliveP99: a.KeepaliveP99, Signals: a.Signals, StrategySignals: a.StrategySignals, DailyPnL: a.DailyPnL,
		DailyPnLBelow: a.DailyPnLBelow, Repeat: a.Repeat, Grace: a.Grace}
	return th
}

// newAlerts builds the manager for the console; every message is also an
// `alert` event of the engine.
func newAlerts(cfg config.Config, env []string, eng *engine.Engine, diag *slog.Logger) *alert.Manager {
	host, _ := os.Hostname()
	account := ""
	return alert.New(alert.Config{
		Thresholds: alertThresholds(cfg.Alerts), Sinks: alertSinks(cfg, env), Windows: restartWindows(cfg),
		Host: host, Account: account, Log: diag.With("component", "alerts"),
		OnAlert: func(n alert.Notification) {
			level := slog.LevelWarn
			if n.State == alert.Resolved {
				level = slog.LevelInfo
			}
			eng.Note(level, engine.EventAlert, fmt.Sprintf("alert %s %s: %s", n.Alert, n.State, n.Summary),
				slog.String("alert", n.Alert), slog.String("state", string(n.State)),
				slog.String("severity", string(n.Severity)), slog.String("summary", n.Summary))
		},
	})
}

const alertsUsage = `Usage: robotui alerts test [--config PATH]

Sends one test alert to every [[alerts.sink]] and says, per sink, whether it
went out; exit 0 all sent, 1 a sink failed, 2 usage or config errors.`

// runAlerts is `robotui alerts test`.
func runAlerts(args []string, stdout, stderr io.Writer, env []string) int {
	if len(args) == 0 || args[0] != "test" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(stdout, alertsUsage)
			return 0
		}
		fmt.Fprintln(stderr, "robotui alerts: expected 'test [--config PATH]'")
		return 2
	}
	fs := flag.NewFlagSet("robotui alerts test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), alertsUsage) }
	path := fs.String("config", "", "config file")
	if code, ok := parseFlags(fs, args[1:], stdout); !ok {
		return code
	}
	cfg, _, err := config.Load(*path, env, true)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if len(cfg.Alerts.Sinks) == 0 {
		fmt.Fprintln(stderr, "robotui alerts test: no [[alerts.sink]] configured")
		return 2
	}
	host, _ := os.Hostname()
	m := alert.New(alert.Config{Sinks: alertSinks(cfg, env), Host: host})
	defer m.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := 0
	for i, err := range m.Test(ctx) {
		name := m.Sinks()[i].Name
		if err != nil {
			code = 1
			fmt.Fprintf(stdout, "%s: FAILED: %s\n", name, strings.TrimSpace(err.Error()))
			continue
		}
		fmt.Fprintf(stdout, "%s: sent\n", name)
	}
	return code
}

// alertView shows the manager on screen.
type alertView struct{ m *alert.Manager }

func (v alertView) Firing() []string { return v.m.Firing() }

func (v alertView) FailingSinks() []string {
	var out []string
	for _, s := range v.m.Sinks() {
		if s.Failing {
			out = append(out, s.Name)
		}
	}
	return out
}

// uiAlerts is nil without alerting.
func uiAlerts(m *alert.Manager) ui.AlertView {
	if m == nil {
		return nil
	}
	return alertView{m}
}
