package config

import (
	"net/url"
	"time"
)

// Health is what /readyz judges and who is told while robotui is ready.
type Health struct {
	// GatewayZombies is the count of gateway-side CLOSE_WAIT sockets on the gateway port at
	// which /readyz turns 503, >= 1. Default 2.
	GatewayZombies int `toml:"gateway_zombies"`
	// PushURL is GET every PushInterval while ready (healthchecks.io, Uptime Kuma, Cronitor);
	// it is a secret and never logged. Default "": off.
	PushURL string `toml:"push_url"`
	// PushInterval between pushes, >= 5s. Default 60s.
	PushInterval time.Duration `toml:"push_interval"`
}

// API is the local read-only HTTP API.
type API struct {
	// Addr to serve the API on, e.g. "127.0.0.1:7465". Default "": off.
	Addr string `toml:"addr"`
	// AllowRemote permits a non-loopback Addr; it needs TokenFile. Default false.
	AllowRemote bool `toml:"allow_remote"`
	// TokenFile holds the bearer token (mode 0600) that POST requests, and every request
	// beyond loopback, must carry. Default "": no token, POST answers 403.
	TokenFile string `toml:"token_file"`
}

func init() {
	intRanges["health.gateway_zombies"] = [2]int{1, 1 << 20}
	durationFloors["health.push_interval"] = 5 * time.Second // a push a few seconds apart is already more than any monitor reads
}

func (v *validator) ops() {
	h := v.c.Health
	if h.PushURL != "" {
		// The URL is a secret: the message names the problem, never the value.
		if u, err := url.Parse(h.PushURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.fail("health.push_url", nil, `expected an http or https URL (value not shown: it is a secret)`)
		}
	}
	a := v.c.API
	if a.Addr == "" {
		return
	}
	if !v.listenAddr("api.addr", a.Addr, a.AllowRemote, "api.allow_remote", "7465") {
		return
	}
	if a.AllowRemote && a.TokenFile == "" {
		v.fail(v.blame("api.allow_remote", "api.token_file"), nil, "allow_remote needs api.token_file: beyond loopback every request must carry the token")
	}
}
