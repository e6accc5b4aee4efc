package ibsim

import (
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"
)

// Defaults of Config.
const (
	DefaultServerVersion  = 178
	DefaultMaxClients     = 32
	DefaultUpdateInterval = 250 * time.Millisecond
	DefaultAccount        = "DU1234567"
)

// Config configures a simulated gateway. The zero value is usable.
type Config struct {
	Addr           string        // listen address, default "127.0.0.1:0"
	ServerVersion  int           // its max version, default 178, valid 100..200
	Seed           int64         // default 1
	Speed          float64       // sim clock speed vs real time, default 1
	Start          time.Time     // sim clock start, default time.Now()
	Clock          Clock         // nil = real clock scaled by Speed from Start; tests may pass a *ManualClock
	MaxClients     int           // default 32
	Accounts       []string      // default ["DU1234567"]
	Symbols        []string      // default universe (DefaultSymbols)
	UpdateInterval time.Duration // real time between live pushes, default 250ms (ignored with a ManualClock: pushes happen on Advance)
	Logger         *slog.Logger  // nil = discard
	// LoginZone is the gateway's login zone: an IANA name, optionally
	// "=label" for the text its handshake reply writes ("Europe/London=Greenwich
	// Mean Time"; without a label the zone's abbreviation, "EST"). Text
	// dates are in it. Default "America/New_York".
	LoginZone string
	// Positions are every account's holdings; nil: DefaultPositions.
	Positions []PositionSpec
	// DateStyle is how formatDate 1 writes intraday bar dates: DateZoned
	// (default) or DateSpaced.
	DateStyle string

	wallNow func() time.Time // wall clock for pacing windows; tests replace it
	dates   dates
}

func (cfg Config) withDefaults() (Config, error) {
	c := cfg
	if c.Addr == "" {
		c.Addr = "127.0.0.1:0"
	}
	switch {
	case c.ServerVersion == 0:
		c.ServerVersion = DefaultServerVersion
	case c.ServerVersion < 100 || c.ServerVersion > 200:
		return c, fmt.Errorf("ibsim: server version %d outside 100..200", c.ServerVersion)
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	switch {
	case c.Speed == 0:
		c.Speed = 1
	case !(c.Speed > 0) || math.IsInf(c.Speed, 0) || c.Speed > 1e6:
		return c, fmt.Errorf("ibsim: speed %v must be in (0, 1e6]", c.Speed)
	}
	if c.Start.IsZero() {
		c.Start = time.Now()
	}
	switch {
	case c.MaxClients == 0:
		c.MaxClients = DefaultMaxClients
	case c.MaxClients < 0:
		return c, fmt.Errorf("ibsim: max clients %d is negative", c.MaxClients)
	}
	if len(c.Accounts) == 0 {
		c.Accounts = []string{DefaultAccount}
	}
	for _, a := range c.Accounts {
		if a == "" || strings.ContainsAny(a, ",\x00") {
			return c, fmt.Errorf("ibsim: account %q is empty or holds ',' or NUL", a)
		}
	}
	switch {
	case c.UpdateInterval == 0:
		c.UpdateInterval = DefaultUpdateInterval
	case c.UpdateInterval < 0:
		return c, fmt.Errorf("ibsim: update interval %v is negative", c.UpdateInterval)
	}
	c.UpdateInterval = max(c.UpdateInterval, time.Millisecond)
	if c.Clock == nil {
		c.Clock = newScaledClock(c.Start, c.Speed)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.wallNow == nil {
		c.wallNow = time.Now
	}
	d, err := newDates(c.LoginZone, c.DateStyle)
	if err != nil {
		return c, err
	}
	c.dates = d
	return c, nil
}
