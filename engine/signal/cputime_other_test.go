//go:build !linux

package signal

import "time"

func threadCPU() (time.Duration, bool) { return 0, false }
