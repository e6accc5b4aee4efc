package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/robotui/robotui/conn/ibsim"
)

// simFault is one entry of the console's fault menu (--sim).
type simFault struct {
	name  string
	fault ibsim.Fault
}

// simFaultMenu lists the faults a trader can inject to watch robotui cope.
var simFaultMenu = []simFault{
	{"drop (FIN)", ibsim.Fault{Kind: "drop", Mode: "fin"}},
	{"drop (RST)", ibsim.Fault{Kind: "drop", Mode: "rst"}},
	{"stall 10s (socket kept, no answers)", ibsim.Fault{Kind: "stall", For: ibsim.Duration(10 * time.Second), All: true}},
	{"handshake stall 10s (the next connection)", ibsim.Fault{Kind: "handshake_stall", For: ibsim.Duration(10 * time.Second)}},
	{"restart (listener down 5s)", ibsim.Fault{Kind: "down", For: ibsim.Duration(5 * time.Second)}},
	{"1100 then 1101 (data lost)", ibsim.Fault{Kind: "codes", Codes: []int{1100, 1101}, Gap: ibsim.Duration(3 * time.Second)}},
	{"1100 then 1102 (data kept)", ibsim.Fault{Kind: "codes", Codes: []int{1100, 1102}, Gap: ibsim.Duration(3 * time.Second)}},
	{"1300 (socket port reset)", ibsim.Fault{Kind: "codes", Codes: []int{1300}}},
	{"hold on (gateway keeps CLOSE_WAIT)", ibsim.Fault{Kind: "hold", On: true}},
	{"hold off", ibsim.Fault{Kind: "hold", On: false}},
	{"latency 300ms", ibsim.Fault{Kind: "latency", MS: 300}},
	{"garbage frame", ibsim.Fault{Kind: "garbage"}},
	{"oversized frame", ibsim.Fault{Kind: "oversized"}},
	{"farm flap usfarm 5s (2103, then 2104)", ibsim.Fault{Kind: ibsim.FaultFarmFlap, Farm: "usfarm", For: ibsim.Duration(5 * time.Second)}},
	{"farm flap ushmds 5s (2105, then 2106)", ibsim.Fault{Kind: ibsim.FaultFarmFlap, Farm: "ushmds", For: ibsim.Duration(5 * time.Second)}},
	{"silence the first symbol 60s (no message)", ibsim.Fault{Kind: ibsim.FaultSilence, For: ibsim.Duration(60 * time.Second)}},
	{"nightly reset (1100, 10182, 1102 after 15s)", ibsim.Fault{Kind: ibsim.FaultReset, Gap: ibsim.Duration(15 * time.Second)}},
	{"competing session 10s (10197)", ibsim.Fault{Kind: ibsim.FaultCompeting, For: ibsim.Duration(10 * time.Second)}},
	{"clear all faults", ibsim.Fault{Kind: "clear"}},
}

// simFaults lets the engine's fault menu reach the in-process simulator; a
// silence without symbols silences the watchlist's first.
type simFaults struct {
	sim     *ibsim.Server
	symbols []string
}

func (f simFaults) FaultNames() []string {
	names := make([]string, len(simFaultMenu))
	for i, sf := range simFaultMenu {
		names[i] = sf.name
	}
	return names
}

func (f simFaults) InjectFault(name string) (string, error) {
	for _, sf := range simFaultMenu {
		if sf.name != name {
			continue
		}
		if sf.fault.Kind == "clear" {
			f.sim.ClearFaults()
			return "faults cleared", nil
		}
		fault := sf.fault
		if fault.Kind == ibsim.FaultSilence && len(fault.Symbols) == 0 && len(f.symbols) > 0 {
			fault.Symbols = f.symbols[:1]
		}
		return "fault injected: " + name, f.sim.Inject(fault)
	}
	return "", fmt.Errorf("unknown fault %q", name)
}

// ActiveFaults names the menu entries the simulator has in effect: an entry
// is active while a fault of its kind and settings is.
func (f simFaults) ActiveFaults() []string {
	active := f.sim.State().Faults
	var out []string
	for _, sf := range simFaultMenu {
		if slices.ContainsFunc(active, sf.matches) {
			out = append(out, sf.name)
		}
	}
	return out
}

func (sf simFault) matches(a ibsim.Fault) bool {
	f := sf.fault
	return a.Kind == f.Kind && a.On == f.On && a.MS == f.MS && a.Mode == f.Mode && slices.Equal(a.Codes, f.Codes)
}
