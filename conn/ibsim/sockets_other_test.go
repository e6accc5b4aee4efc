//go:build !linux

package ibsim

import "testing"

// gatewaySideCloseWait cannot read the socket table here: -1, "unknown".
func gatewaySideCloseWait(t *testing.T, gatewayPort, clientPort int) int { return -1 }
