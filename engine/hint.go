package engine

import "github.com/robotui/robotui/conn"

// noListenerHint is what to do when nothing listens on the gateway's port.
func noListenerHint(addr string) string {
	return "Nothing is listening on " + addr + ". Start IB Gateway or TWS, enable the API on that port " +
		"(Configure → Settings → API), or try `robotui --sim`."
}

// hint is what the trader can do about a session that is not up: for a
// refused dial, start the gateway — unless the port's socket table (the
// last scan; never a connect) shows a listener, when the refusal has some
// other cause. Without a scan (--once, scans off) the refusal is taken at
// its word.
func (e *Engine) hint(state conn.State, cause conn.Cause, addr string) string {
	if state.Up() || state == conn.Closed || cause != conn.CauseDialRefused {
		return ""
	}
	e.mu.Lock()
	listening := e.sock.Listening && e.sock.Err == ""
	e.mu.Unlock()
	if listening {
		return ""
	}
	return noListenerHint(addr)
}
