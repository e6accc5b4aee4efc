package ibsim

import (
	"strconv"
	"time"
)

// faultState is the faults in force; guarded by the server's lock.
type faultState struct {
	stall, hsStall, down, codes *activeFault
	latency, maxClients         *Fault
	hold                        bool

	flaps                     map[string]*activeFault // farm_flap, by farm
	silence, reset, competing *activeFault
	silenced                  map[string]bool // the symbols of silence
	cut                       *Fault          // the next account download of its Mode stops after N lines
}

// activeFault is a fault with a timer or sequence that stop cancels.
type activeFault struct {
	f    Fault
	stop chan struct{}
}

func (a *activeFault) end() {
	if a != nil {
		close(a.stop)
	}
}

// Inject applies f, with the semantics of POST /faults. A fault of a kind
// already in force replaces it.
func (s *Server) Inject(f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	if err := f.validateData(s.market); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return ErrClosed
	}
	s.log.Info("fault injected", "kind", f.Kind, "mode", f.Mode, "for", time.Duration(f.For), "all", f.All,
		"codes", f.Codes, "gap", time.Duration(f.Gap), "ms", f.MS, "on", f.On, "n", f.N, "farm", f.Farm, "symbols", f.Symbols)
	switch f.Kind {
	case FaultDrop:
		s.dropAllLocked(f.Mode == "rst")
	case FaultStall:
		s.endStallLocked()
		for c := range s.clients {
			c.stalled = c.state != stateHeld
		}
		s.flt.stall = s.timedLocked(f, s.endStallLocked)
	case FaultHandshakeStall:
		s.flt.hsStall.end()
		s.flt.hsStall = s.timedLocked(f, func() { s.flt.hsStall = nil })
	case FaultDown:
		s.flt.down.end()
		if s.ln != nil {
			s.ln.Close()
			s.ln = nil
		}
		s.dropAllLocked(false)
		s.flt.down = s.timedLocked(f, s.endDownLocked)
	case FaultCodes:
		s.flt.codes.end()
		s.flt.codes = s.codesLocked(f)
	case FaultGarbage:
		s.badFrameLocked(outItem{data: []byte{0, 0, 0, 10, 'g', 'a', 'r', 'b', 'a', 'g', 'e', 0, 'x', 0}})
	case FaultOversized:
		s.badFrameLocked(outItem{data: []byte{0x01, 0, 0, 0}, poison: true})
	case FaultLatency:
		s.latency.Store(int64(time.Duration(f.MS) * time.Millisecond))
		s.flt.latency = nil
		if f.MS > 0 {
			s.flt.latency = &f
		}
	case FaultHold:
		s.flt.hold = f.On
		if !f.On {
			s.releaseHeldLocked()
		}
	case FaultMaxClients:
		s.maxClients = f.N
		s.flt.maxClients = &f
	case FaultFarmFlap:
		s.flapLocked(f)
	case FaultSilence:
		s.silenceLocked(f)
	case FaultReset:
		s.resetLocked(f)
	case FaultCompeting:
		s.competingLocked(f)
	case FaultCut:
		s.flt.cut = &f
	}
	s.bumpLocked()
	return nil
}

// ClearFaults ends every fault (DELETE /faults): stalls end, the listener
// comes back, held sockets are closed, latency and the client limit reset,
// and sessions paused by 1100 resume.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return
	}
	s.endStallLocked()
	s.flt.hsStall.end()
	s.flt.hsStall = nil
	if s.flt.down != nil {
		s.flt.down.end()
		s.endDownLocked()
	}
	s.flt.codes.end()
	s.flt.codes = nil
	s.clearDataFaultsLocked()
	for c := range s.clients {
		c.paused = false
	}
	s.latency.Store(0)
	s.flt.latency = nil
	s.flt.hold = false
	s.releaseHeldLocked()
	s.maxClients, s.flt.maxClients = s.cfg.MaxClients, nil
	s.flt.cut = nil
	s.log.Info("faults cleared")
	s.bumpLocked()
}

// timedLocked registers f and, when it has a duration, ends it with
// endLocked (called with the lock held) once For has passed.
func (s *Server) timedLocked(f Fault, endLocked func()) *activeFault {
	a := &activeFault{f: f, stop: make(chan struct{})}
	if f.For <= 0 {
		return a
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTimer(time.Duration(f.For))
		defer t.Stop()
		select {
		case <-t.C:
		case <-a.stop:
			return
		case <-s.quit:
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		select {
		case <-a.stop: // replaced or cleared meanwhile
		default:
			s.log.Info("fault ended", "kind", f.Kind)
			endLocked()
			s.bumpLocked()
		}
	}()
	return a
}

func (s *Server) endStallLocked() {
	s.flt.stall.end()
	s.flt.stall = nil
	for c := range s.clients {
		c.stalled = false
	}
}

func (s *Server) endDownLocked() {
	s.flt.down = nil
	s.relistenLocked()
}

// dropAllLocked closes every connection, held ones too.
func (s *Server) dropAllLocked(rst bool) {
	for c := range s.clients {
		if c.state == stateHeld {
			if rst {
				c.kill(true)
			}
			s.removeLocked(c)
			continue
		}
		c.kill(rst)
	}
}

// badFrameLocked sends it to every connection whose hello was answered.
func (s *Server) badFrameLocked(it outItem) {
	for c := range s.clients {
		if c.answered && c.state != stateHeld {
			it.due = s.due()
			c.enqueue(it)
		}
	}
}

// codesLocked starts sending f.Codes to every session, f.Gap apart.
func (s *Server) codesLocked(f Fault) *activeFault {
	a := &activeFault{f: f, stop: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for i, code := range f.Codes {
			if i > 0 && f.Gap > 0 {
				t := time.NewTimer(time.Duration(f.Gap))
				select {
				case <-t.C:
				case <-a.stop:
					t.Stop()
					return
				case <-s.quit:
					t.Stop()
					return
				}
			}
			s.mu.Lock()
			select {
			case <-a.stop:
				s.mu.Unlock()
				return
			default:
			}
			s.sendCodeLocked(code)
			if i == len(f.Codes)-1 {
				s.flt.codes = nil
			}
			s.bumpLocked()
			s.mu.Unlock()
		}
	}()
	return a
}

// sendCodeLocked sends one system code to every session and applies what it
// means: 1100 pauses live data, 1101 ends every subscription, 1102 resumes.
func (s *Server) sendCodeLocked(code int) {
	text := systemCodes[code]
	if code == 1300 {
		text += strconv.Itoa(s.port) + "."
	}
	for c := range s.clients {
		if !c.session || c.state != stateReady || c.stalled {
			continue
		}
		switch code {
		case 1100:
			c.paused = true
		case 1101:
			c.paused = false
			// Gateways end each live bar request with a 162 when data is lost.
			for id := range c.hist {
				c.send(s.errMsg(id, 162, "Historical Market Data Service error message:API historical data query cancelled: "+strconv.Itoa(id)))
			}
			s.dropSubsLocked(c)
		case 1102:
			c.paused = false
		}
		if code == 1300 {
			// "...this connection is being dropped": the gateway closes after saying so.
			it := c.encode(s.errMsg(-1, code, text))
			it.closeAfter = true
			c.enqueue(it)
			continue
		}
		c.send(s.errMsg(-1, code, text))
	}
}

// faultsLocked lists the faults in force, in a fixed order.
func (s *Server) faultsLocked() []Fault {
	out := []Fault{}
	for _, a := range []*activeFault{s.flt.stall, s.flt.hsStall, s.flt.down, s.flt.codes} {
		if a != nil {
			out = append(out, a.f)
		}
	}
	if s.flt.latency != nil {
		out = append(out, *s.flt.latency)
	}
	if s.flt.hold {
		out = append(out, Fault{Kind: FaultHold, On: true})
	}
	if s.flt.maxClients != nil {
		out = append(out, *s.flt.maxClients)
	}
	if s.flt.cut != nil {
		out = append(out, *s.flt.cut)
	}
	return append(out, s.dataFaultsLocked()...)
}
