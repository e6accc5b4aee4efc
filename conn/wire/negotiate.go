package wire

import "fmt"

// ErrNoCommonVersion is a client range and a server maximum that do not meet.
var ErrNoCommonVersion = fmt.Errorf("%w: no common version", ErrBadHello)

// Negotiate is the server side's choice of version for a hello: the
// highest both speak, min(client max, server max), as gateways answer
// (PROTOCOL.md section 2). The simulator and the fan-out both use it.
func Negotiate(h Hello, serverMax int) (int, error) {
	v := min(h.Max, serverMax)
	if v < h.Min || v < MinVersion {
		return 0, fmt.Errorf("%w: client range v%d..%d, server max %d", ErrNoCommonVersion, h.Min, h.Max, serverMax)
	}
	return v, nil
}
