package ibsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Fault kinds (DESIGN.md, "Contracts that scripts rely on").
const (
	FaultDrop           = "drop"              // drop every client now; Mode "fin" (default) or "rst"
	FaultStall          = "stall"             // answer nothing, sockets kept; For (0: until cleared); All: new clients too
	FaultHandshakeStall = "handshake_stall"   // new connections accepted, never answered; For
	FaultDown           = "down"              // listener closed and every client dropped; back after For
	FaultCodes          = "codes"             // send system Codes to every session, Gap apart
	FaultGarbage        = "garbage"           // one undecodable frame to every client
	FaultOversized      = "oversized"         // a length prefix above 0xFFFFFF to every client, then silence
	FaultLatency        = "latency"           // delay every reply by MS milliseconds (0 ends it)
	FaultHold           = "hold"              // On: never close our side after a client closes
	FaultMaxClients     = "max_clients"       // lower (or raise) the session limit to N
	FaultFarmFlap       = "farm_flap"         // Farm reports broken; the live data it serves stops until asked again; OK after For
	FaultSilence        = "silence"           // live updates for Symbols stop, with no message, for For
	FaultReset          = "reset"             // nightly reset: 1100, 10182 on every keepUpToDate request, 1102 after Gap (default 15s)
	FaultCompeting      = "competing_session" // 10197 on every data request while it lasts (For); live updates stop
	FaultCut            = "cut"               // the next account download of Mode ("portfolio": reqAccountUpdates, "positions": reqPositions) stops after N lines and the socket is closed
)

// ErrBadFault is an unknown fault kind or a bad value for it.
var ErrBadFault = errors.New("ibsim: bad fault")

const maxFaultFor = 24 * time.Hour

// Duration is a time.Duration written in JSON as a string such as "30s".
type Duration time.Duration

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a Go duration string; it must not be negative.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"30s\", got %s", b)
	}
	if s == "" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("duration %q is not a non-negative Go duration such as \"30s\"", s)
	}
	*d = Duration(v)
	return nil
}

// Fault is one fault to inject; which fields matter depends on Kind.
type Fault struct {
	Kind  string   `json:"kind"`
	Mode  string   `json:"mode,omitempty"`
	For   Duration `json:"for,omitempty"`
	All   bool     `json:"all,omitempty"`
	Codes []int    `json:"codes,omitempty"`
	Gap   Duration `json:"gap,omitempty"`
	MS    int      `json:"ms,omitempty"`
	On    bool     `json:"on,omitempty"`
	N     int      `json:"n,omitempty"`
	// Farm names the farm of a farm_flap: usfarm, ushmds, secdefil, usfuture, eufarm, cashhmds.
	Farm    string   `json:"farm,omitempty"`
	Symbols []string `json:"symbols,omitempty"`
}

// systemCodes are the codes a "codes" fault may send, with IB's texts.
var systemCodes = map[int]string{
	1100: "Connectivity between IB and Trader Workstation has been lost.",
	1101: "Connectivity between IB and Trader Workstation has been restored - data lost.",
	1102: "Connectivity between IB and Trader Workstation has been restored - data maintained.",
	1300: "TWS socket port has been reset and this connection is being dropped. Please reconnect on port ",
	2103: "Market data farm connection is broken:usfarm",
	2104: "Market data farm connection is OK:usfarm",
	2105: "HMDS data farm connection is broken:ushmds",
	2106: "HMDS data farm connection is OK:ushmds",
	2107: "HMDS data farm connection is inactive but should be available upon demand.ushmds",
	2108: "Market data farm connection is inactive but should be available upon demand.usfarm",
	2110: "Connectivity between Trader Workstation and server is broken. It will be restored automatically.",
	2157: "Sec-def data farm connection is broken:secdefil",
	2158: "Sec-def data farm connection is OK:secdefil",
}

func (f Fault) validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrBadFault, f.Kind, fmt.Sprintf(format, a...))
	}
	if f.For < 0 || time.Duration(f.For) > maxFaultFor {
		return bad("for %v must be within 0..24h", time.Duration(f.For))
	}
	switch f.Kind {
	case FaultDrop:
		if f.Mode != "" && f.Mode != "fin" && f.Mode != "rst" {
			return bad("mode %q must be \"fin\" or \"rst\"", f.Mode)
		}
	case FaultCodes:
		if len(f.Codes) == 0 || len(f.Codes) > 64 {
			return bad("codes must list 1..64 codes")
		}
		for _, c := range f.Codes {
			if _, ok := systemCodes[c]; !ok {
				return bad("code %d is not one of 1100, 1101, 1102, 1300, 2103..2108, 2110, 2157, 2158", c)
			}
		}
		if f.Gap < 0 || time.Duration(f.Gap) > time.Hour {
			return bad("gap %v must be within 0..1h", time.Duration(f.Gap))
		}
	case FaultLatency:
		if f.MS < 0 || f.MS > 600_000 {
			return bad("ms %d must be within 0..600000", f.MS)
		}
	case FaultMaxClients:
		if f.N < 1 || f.N > 10_000 {
			return bad("n %d must be within 1..10000", f.N)
		}
	case FaultCut:
		if f.Mode != "portfolio" && f.Mode != "positions" {
			return bad("mode %q must be \"portfolio\" or \"positions\"", f.Mode)
		}
		if f.N < 0 || f.N > maxPositions {
			return bad("n %d must be within 0..%d", f.N, maxPositions)
		}
	case FaultStall, FaultHandshakeStall, FaultDown, FaultGarbage, FaultOversized, FaultHold,
		FaultFarmFlap, FaultSilence, FaultReset, FaultCompeting:
	default:
		return fmt.Errorf("%w: unknown kind %q", ErrBadFault, f.Kind)
	}
	return nil
}
