package ibsim

import (
	"fmt"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// simFarm is one data farm of the simulated gateway: the codes it reports,
// and whether its failure stops the live data the simulator streams.
type simFarm struct {
	name       string
	broken, ok int    // its codes: 2103/2104, 2105/2106, 2157/2158
	kind       string // "Market", "HMDS", "Sec-def": the start of its notices
	inactive   int    // 2107/2108: reported idle at login
	connecting bool   // reported connecting (2119), then OK, at login
	streams    bool   // its failure stops the live updates of historical requests
	ticks      bool   // ... and market data and real-time bars
}

// simFarms are the farms a US gateway login reports, in the order of a real
// capture; US stocks are served by usfarm and ushmds.
var simFarms = []simFarm{
	{name: "usfarm", broken: 2103, ok: 2104, kind: "Market", streams: true, ticks: true},
	{name: "ushmds", broken: 2105, ok: 2106, kind: "HMDS", streams: true},
	{name: "secdefil", broken: 2157, ok: 2158, kind: "Sec-def"},
	{name: "usfuture", broken: 2103, ok: 2104, kind: "Market", connecting: true},
	{name: "eufarm", broken: 2103, ok: 2104, kind: "Market", inactive: 2108},
	{name: "cashhmds", broken: 2105, ok: 2106, kind: "HMDS", inactive: 2107},
}

func lookupFarm(name string) (simFarm, bool) {
	for _, f := range simFarms {
		if f.name == name {
			return f, true
		}
	}
	return simFarm{}, false
}

func (f simFarm) brokenText() string { return f.kind + " data farm connection is broken:" + f.name }
func (f simFarm) okText() string     { return f.kind + " data farm connection is OK:" + f.name }

// IB's texts for the data faults.
const (
	textLiveUpdatesLost = "Failed to request live updates (disconnected)."
	textCompeting       = "No market data during competing live session"
	defaultResetGap     = 15 * time.Second
)

// loginNotices are the farm notices after START_API: what a real gateway
// reports, with any farm now flapping reported broken.
func (s *Server) loginNoticesLocked() []wire.Message {
	var out []wire.Message
	for _, f := range simFarms {
		switch {
		case s.flt.flaps[f.name] != nil:
			out = append(out, s.errMsg(-1, f.broken, f.brokenText()))
		case f.inactive != 0:
			out = append(out, s.errMsg(-1, f.inactive, f.kind+" data farm connection is inactive but should be available upon demand."+f.name))
		case f.connecting:
			out = append(out, s.errMsg(-1, 2119, f.kind+" data farm is connecting:"+f.name), s.errMsg(-1, f.ok, f.okText()))
		default:
			out = append(out, s.errMsg(-1, f.ok, f.okText()))
		}
	}
	return out
}

// sessionsLocked are the clients that hold a ready, answered session.
func (s *Server) sessionsLocked() []*client {
	var out []*client
	for c := range s.clients {
		if c.session && c.state == stateReady && !c.stalled {
			out = append(out, c)
		}
	}
	return out
}

// flapLocked breaks a farm: its notice to every session, and the live data
// it serves stops for good on every request open now or made while it is
// broken (like a real gateway, they stay silent until asked again).
func (s *Server) flapLocked(f Fault) {
	farm, _ := lookupFarm(f.Farm)
	if old := s.flt.flaps[farm.name]; old != nil {
		old.end()
	}
	if s.flt.flaps == nil {
		s.flt.flaps = map[string]*activeFault{}
	}
	for _, c := range s.sessionsLocked() {
		c.send(s.errMsg(-1, farm.broken, farm.brokenText()))
	}
	s.stopFarmDataLocked(farm)
	s.flt.flaps[farm.name] = s.timedLocked(f, func() { s.farmBackLocked(farm) })
}

func (s *Server) stopFarmDataLocked(farm simFarm) {
	for c := range s.clients {
		if farm.streams {
			for _, h := range c.hist {
				h.stopped = true
			}
		}
		if farm.ticks {
			for _, m := range c.mkt {
				m.stopped = true
			}
			for _, r := range c.rtb {
				r.stopped = true
			}
		}
	}
}

func (s *Server) farmBackLocked(farm simFarm) {
	delete(s.flt.flaps, farm.name)
	for _, c := range s.sessionsLocked() {
		c.send(s.errMsg(-1, farm.ok, farm.okText()))
	}
}

// histFarmBrokenLocked reports a broken farm that serves historical updates.
func (s *Server) histFarmBrokenLocked() bool {
	for name := range s.flt.flaps {
		if f, _ := lookupFarm(name); f.streams {
			return true
		}
	}
	return false
}

// mdFarmBrokenLocked reports a broken farm that serves ticks.
func (s *Server) mdFarmBrokenLocked() bool {
	for name := range s.flt.flaps {
		if f, _ := lookupFarm(name); f.ticks {
			return true
		}
	}
	return false
}

// silencedLocked reports a symbol under a silence fault.
func (s *Server) silencedLocked(ser *series) bool {
	return s.flt.silence != nil && s.flt.silenced[ser.in.symbol]
}

func (s *Server) silenceLocked(f Fault) {
	s.flt.silence.end()
	s.flt.silenced = map[string]bool{}
	for _, sym := range f.Symbols {
		s.flt.silenced[normSymbol(sym)] = true
	}
	s.flt.silence = s.timedLocked(f, func() { s.flt.silence, s.flt.silenced = nil, nil })
}

// resetLocked is the nightly reset as real gateways do it: 1100, then 10182
// on every keepUpToDate request (which ends it), then 1102 after the gap.
func (s *Server) resetLocked(f Fault) {
	if s.flt.reset != nil {
		s.flt.reset.end()
	}
	gap := time.Duration(f.Gap)
	if gap == 0 {
		gap = defaultResetGap
	}
	s.sendCodeLocked(1100)
	for _, c := range s.sessionsLocked() {
		for id := range c.hist {
			c.send(s.errMsg(id, 10182, textLiveUpdatesLost))
		}
		clear(c.hist)
	}
	timed := f
	timed.For = Duration(gap)
	s.flt.reset = s.timedLocked(timed, s.endResetLocked)
	s.flt.reset.f = f // listed as posted
}

func (s *Server) endResetLocked() {
	s.flt.reset = nil
	s.sendCodeLocked(1102)
}

// competingLocked starts a competing live session: 10197 at once on every
// streaming request (which ends it), and on every new one while it lasts.
func (s *Server) competingLocked(f Fault) {
	s.flt.competing.end()
	for _, c := range s.sessionsLocked() {
		for id := range c.hist {
			c.send(s.errMsg(id, 10197, textCompeting))
		}
		for id := range c.mkt {
			c.send(s.errMsg(id, 10197, textCompeting))
		}
		for id := range c.rtb {
			c.send(s.errMsg(id, 10197, textCompeting))
		}
		s.dropSubsLocked(c)
	}
	s.flt.competing = s.timedLocked(f, func() { s.flt.competing = nil })
}

// refuseCompeting answers a data request with 10197 during a competing
// session; it reports whether it did.
func (s *Server) refuseCompeting(c *client, reqID int) bool {
	s.mu.Lock()
	on := s.flt.competing != nil
	s.mu.Unlock()
	if on {
		c.send(s.errMsg(reqID, 10197, textCompeting))
	}
	return on
}

// clearDataFaultsLocked ends the data faults for ClearFaults: broken farms
// report OK again, a reset sends its 1102.
func (s *Server) clearDataFaultsLocked() {
	for name, a := range s.flt.flaps {
		a.end()
		farm, _ := lookupFarm(name)
		s.farmBackLocked(farm)
	}
	s.flt.silence.end()
	s.flt.silence, s.flt.silenced = nil, nil
	if s.flt.reset != nil {
		s.flt.reset.end()
		s.endResetLocked()
	}
	s.flt.competing.end()
	s.flt.competing = nil
}

// dataFaultsLocked lists the data faults in force, in a fixed order.
func (s *Server) dataFaultsLocked() []Fault {
	var out []Fault
	for _, f := range simFarms {
		if a := s.flt.flaps[f.name]; a != nil {
			out = append(out, a.f)
		}
	}
	for _, a := range []*activeFault{s.flt.silence, s.flt.reset, s.flt.competing} {
		if a != nil {
			out = append(out, a.f)
		}
	}
	return out
}

// validateData checks the data faults' values.
func (f Fault) validateData(m *Market) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrBadFault, f.Kind, fmt.Sprintf(format, a...))
	}
	switch f.Kind {
	case FaultFarmFlap:
		if _, ok := lookupFarm(f.Farm); !ok {
			names := ""
			for i, sf := range simFarms {
				if i > 0 {
					names += ", "
				}
				names += sf.name
			}
			return bad("farm %q is not one of %s", clip(f.Farm), names)
		}
	case FaultSilence:
		if len(f.Symbols) == 0 || len(f.Symbols) > 1000 {
			return bad("symbols must list 1..1000 symbols")
		}
		for _, sym := range f.Symbols {
			if !m.Has(sym) {
				return bad("symbol %q is not in the simulator's universe", clip(sym))
			}
		}
	case FaultReset:
		if f.Gap < 0 || time.Duration(f.Gap) > time.Hour {
			return bad("gap %v must be within 0..1h (0: %v)", time.Duration(f.Gap), defaultResetGap)
		}
	}
	return nil
}
