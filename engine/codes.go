package engine

import (
	"math"
	"strconv"
)

// isNotice reports whether an IB message code is information rather than a
// failure: the farms' "OK", "connecting" and "inactive, available on demand"
// (2104, 2106, 2107, 2108, 2119, 2158) and 2100 (account data handed to
// another client). These are `ib.notice` events; every other code,
// including the request warnings of the 2100s (2109, 2137, 2174, 2176 ...),
// is an `ib.error`.
func isNotice(code int) bool {
	switch code {
	case 2100, 2104, 2106, 2107, 2108, 2119, 2158:
		return true
	}
	return false
}

// decimal is x with the digits it has: prices and their averages come from
// decimal quotes, so float arithmetic's last bits (193.47500000000002) are
// noise. Ten significant digits keep every quote and average exact to
// beyond a tick.
func decimal(x float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) || x == 0 {
		return x
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 10, 64), 64)
	return v
}
