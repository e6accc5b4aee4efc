package conn

import (
	"errors"
	"fmt"
)

// Errors a caller can decide on with errors.Is.
var (
	ErrHandshakeTimeout   = errors.New("handshake timeout")
	ErrClientIDInUse      = errors.New("client id already in use (326)")
	ErrUnsupportedVersion = errors.New("server version outside the client's range")
	ErrConnectionRefused  = errors.New("connection refused")
	ErrRedirect           = errors.New("gateway redirected the connection")
	ErrRejected           = errors.New("gateway rejected the connection")
	ErrClosed             = errors.New("connection closed")
	ErrGatewayClosed      = errors.New("gateway closed the connection")
	ErrProtocol           = errors.New("protocol error")
	ErrKeepalive          = errors.New("keepalive missed")
	ErrSocketPortReset    = errors.New("gateway reset its socket port (1300)")
)

// Stage is how far a dial got: the stage named in a DialError is the one
// that did not complete.
type Stage string

const (
	StageTCP     Stage = "tcp"     // TCP connect
	StageVersion Stage = "version" // hello sent, waiting for the server's version
	StageReady   Stage = "ready"   // START_API sent, waiting for NEXT_VALID_ID and MANAGED_ACCTS
)

// DialError is a failed Dial: where it stalled and why.
type DialError struct {
	Addr  string
	Stage Stage
	Err   error
}

func (e *DialError) Error() string {
	return fmt.Sprintf("connect to %s: %s stage: %v", e.Addr, e.Stage, e.Err)
}

func (e *DialError) Unwrap() error { return e.Err }
