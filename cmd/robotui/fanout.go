package main

import (
	"log/slog"

	"github.com/robotui/robotui/cmd/robotui/internal/config"
	"github.com/robotui/robotui/conn/fanout"
)

// fanoutConfig is the fan-out's configuration from [fanout].
func fanoutConfig(cfg config.Config, diag *slog.Logger) fanout.Config {
	f := cfg.Fanout
	return fanout.Config{
		Addr: f.Listen, AllowRemote: f.AllowRemote, MaxClients: f.MaxClients, MarketDataLines: f.MarketDataLines,
		Logger: diag,
	}
}
