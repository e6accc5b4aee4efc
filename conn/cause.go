package conn

import (
	"errors"
	"io"
	"net"
	"syscall"
)

// Cause is why the session changed state. String is a stable token for
// scripts and counters (the conn.state event's cause, metric labels);
// Phrase is the same in a few words for people.
type Cause uint8

const (
	CauseNone             Cause = iota // nothing has happened yet
	CauseStart                         // the session started
	CauseTCPConnected                  // TCP is up, the handshake begins
	CauseHandshakeDone                 // NEXT_VALID_ID and MANAGED_ACCTS arrived
	CauseDialRefused                   // nothing accepted the TCP connection
	CauseDialTimeout                   // the TCP connect did not finish in time
	CauseDial                          // any other TCP connect failure
	CauseNoSuchHost                    // the gateway's host name does not resolve
	CauseHandshakeTimeout              // connected, but the handshake never completed
	CauseHandshake                     // any other handshake failure (redirect, version)
	CauseClientIDInUse                 // 326
	CauseRejected                      // 502/503 during the handshake
	CauseEOF                           // the gateway closed its side
	CauseReset                         // the connection was reset
	CauseIO                            // any other read or write error
	CauseProtocol                      // a frame that cannot be read
	CauseKeepalive                     // max_misses pings unanswered
	Cause1100                          // connectivity between IB and the gateway lost
	Cause1101                          // restored, market data lost
	Cause1102                          // restored, market data kept
	Cause1300                          // the gateway's socket port was reset
	CauseCompetingSession              // 10197: a live session elsewhere takes the market data
	CauseManual                        // the trader asked for a reconnect
	CauseQuit                          // the session was closed
	CauseDataRestored                  // data flows again after a competing session (10197) ended
	numCauses
)

var causeNames = [numCauses]struct{ token, phrase string }{
	CauseNone:             {"none", ""},
	CauseStart:            {"start", "starting"},
	CauseTCPConnected:     {"tcp_connected", "tcp connected"},
	CauseHandshakeDone:    {"handshake_complete", "handshake complete"},
	CauseDialRefused:      {"dial_refused", "nothing accepted the connection"},
	CauseDialTimeout:      {"dial_timeout", "the TCP connect timed out"},
	CauseDial:             {"dial", "could not connect"},
	CauseNoSuchHost:       {"no_such_host", "the gateway's host name does not resolve"},
	CauseHandshakeTimeout: {"handshake_timeout", "the gateway never answered the handshake"},
	CauseHandshake:        {"handshake", "handshake failed"},
	CauseClientIDInUse:    {"client_id_in_use", "client id already in use"},
	CauseRejected:         {"rejected", "gateway rejected the connection"},
	CauseEOF:              {"eof", "gateway closed the connection"},
	CauseReset:            {"reset", "connection reset"},
	CauseIO:               {"io", "read or write failed"},
	CauseProtocol:         {"protocol", "bad frame from the gateway"},
	CauseKeepalive:        {"keepalive", "keepalive missed"},
	Cause1100:             {"1100", "gateway lost its link to IB"},
	Cause1101:             {"1101", "connectivity restored, market data lost"},
	Cause1102:             {"1102", "connectivity restored, market data kept"},
	Cause1300:             {"1300", "gateway reset its socket port"},
	CauseCompetingSession: {"competing_session", "another live session has the data"},
	CauseManual:           {"manual", "manual reconnect"},
	CauseQuit:             {"quit", "session closed"},
	CauseDataRestored:     {"data_restored", "market data flowing again"},
}

// String is the cause's stable token.
func (c Cause) String() string {
	if c < numCauses {
		return causeNames[c].token
	}
	return "unknown"
}

// Phrase is the cause for people: "gateway closed the connection". Each
// fits the console's connection panel whole at 80 columns (ui/panels tests it).
func (c Cause) Phrase() string {
	if c < numCauses {
		return causeNames[c].phrase
	}
	return "unknown"
}

// MarshalText makes the token a cause's JSON form, as a value and as a map key.
func (c Cause) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// CauseOf classifies a failed dial or a connection's death from the error
// alone; the stage of a DialError tells a dial timeout from a handshake one.
func CauseOf(err error) Cause {
	var de *DialError
	dialing := errors.As(err, &de)
	tcp := dialing && de.Stage == StageTCP
	var ne net.Error
	timeout := errors.Is(err, ErrHandshakeTimeout) || errors.As(err, &ne) && ne.Timeout()
	switch {
	case err == nil:
		return CauseNone
	case errors.Is(err, ErrClientIDInUse):
		return CauseClientIDInUse
	case errors.Is(err, ErrRejected):
		return CauseRejected
	case errors.Is(err, ErrKeepalive):
		return CauseKeepalive
	case errors.Is(err, ErrSocketPortReset):
		return Cause1300
	case errors.Is(err, ErrProtocol):
		return CauseProtocol
	case errors.Is(err, ErrConnectionRefused), errors.Is(err, syscall.ECONNREFUSED):
		return CauseDialRefused
	case errors.Is(err, syscall.ECONNRESET):
		return CauseReset
	case errors.Is(err, ErrGatewayClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return CauseEOF
	case isNotFound(err):
		return CauseNoSuchHost
	case timeout && tcp:
		return CauseDialTimeout
	case timeout && dialing:
		return CauseHandshakeTimeout
	case errors.Is(err, ErrClosed):
		return CauseQuit
	case tcp:
		return CauseDial
	case dialing:
		return CauseHandshake
	}
	return CauseIO
}

func isNotFound(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns) && dns.IsNotFound
}
