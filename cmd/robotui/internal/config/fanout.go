package config

import (
	"net"
	"strconv"
)

// Fanout is the read-only TWS API fan-out: local programs connect to robotui as to a
// gateway and are served over its one session.
type Fanout struct {
	// Listen is the address programs connect to, e.g. "127.0.0.1:4102". Default "": off.
	Listen string `toml:"listen"`
	// AllowRemote permits a Listen address that is not loopback. Default false.
	AllowRemote bool `toml:"allow_remote"`
	// MaxClients is the most programs connected at once, 1..1000 (a gateway allows 32). Default 32.
	MaxClients int `toml:"max_clients"`
	// MarketDataLines is the market-data budget of all programs together, 1..10000 (IB's
	// default is 100; identical requests share a line). Default 100.
	MarketDataLines int `toml:"market_data_lines"`
}

func init() {
	intRanges["fanout.max_clients"] = [2]int{1, 1000}
	intRanges["fanout.market_data_lines"] = [2]int{1, 10000}
}

func (v *validator) fanout() {
	f := v.c.Fanout
	if f.Listen == "" {
		return
	}
	if !v.listenAddr("fanout.listen", f.Listen, f.AllowRemote, "fanout.allow_remote", "4102") {
		return
	}
	if _, p, _ := net.SplitHostPort(f.Listen); p == strconv.Itoa(v.c.Gateway.Port) && isLoopback(v.c.Gateway.Host) {
		v.fail(v.blame("fanout.listen", "gateway.port"), nil, "the fan-out cannot listen on the gateway's own port %s", p)
	}
}
