package ibsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Fault kinds (DESIGN.md, "Contracts that scripts rely on").
const (
	FaultDrop           = "drop"            // drop every client now; Mode "fin" (default) or "rst"
	FaultStall          = "stall"           // answer nothing, sockets kept; For (0: until cleared); All: new clients too
	FaultHandshakeStall = "handshake_stall" // new connections accepted, never answered; For
	FaultDown           = "down"            // listener closed and every client dropped; back after For
	FaultCodes          = "codes"           // send system Codes to every session, Gap apart
	FaultGarbage        = "garbage"         // one undecodable frame to every client
	FaultOversized      = "oversized"       // a length prefix above 0xFFFFFF to every client, then silence
	FaultLatency        = "latency"         // delay every reply by MS milliseconds (0 ends it)
	FaultHold           = "hold"            // On: never close our side after a client closes
	FaultMaxClients     = "max_clients"     // lower (or raise) the session limit to N
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
	case FaultStall, FaultHandshakeStall, FaultDown, FaultGarbage, FaultOversized, FaultHold:
	default:
		return fmt.Errorf("%w: unknown kind %q", ErrBadFault, f.Kind)
	}
	return nil
}

// faultState is the faults in force; guarded by the server's lock.
type faultState struct {
	stall, hsStall, down, codes *activeFault
	latency, maxClients         *Fault
	hold                        bool
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
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return ErrClosed
	}
	s.log.Info("fault injected", "kind", f.Kind, "mode", f.Mode, "for", time.Duration(f.For), "all", f.All,
		"codes", f.Codes, "gap", time.Duration(f.Gap), "ms", f.MS, "on", f.On, "n", f.N)
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
	for c := range s.clients {
		c.paused = false
	}
	s.latency.Store(0)
	s.flt.latency = nil
	s.flt.hold = false
	s.releaseHeldLocked()
	s.maxClients, s.flt.maxClients = s.cfg.MaxClients, nil
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
			s.dropSubsLocked(c)
		case 1102:
			c.paused = false
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
	return out
}
