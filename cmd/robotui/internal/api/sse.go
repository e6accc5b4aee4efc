package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// events streams the hub's event lines as Server-Sent Events: `id:` the
// hub's number, `event:` the line's name, `data:` the JSON line. A client
// resumes with Last-Event-ID (or ?last_event_id=); without it the stream
// starts with the next event. Events lost to the hub's bound before a resume
// are announced by one `event: lost` with {"count": n}.
func (s *server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	last := s.opts.Hub.LastID()
	resume := r.Header.Get("Last-Event-ID")
	if resume == "" {
		resume = r.URL.Query().Get("last_event_id")
	}
	if resume != "" {
		n, err := strconv.ParseUint(resume, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, "Last-Event-ID: expected an event id (a number)")
			return
		}
		last = n
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// The server's WriteTimeout bounds a whole response; a stream extends
	// its own deadline before each write instead.
	deadline := func() { rc.SetWriteDeadline(time.Now().Add(2 * s.opts.Heartbeat)) }
	deadline()
	fmt.Fprint(w, ": robotui events\n\n")
	fl.Flush()
	beat := time.NewTicker(s.opts.Heartbeat)
	defer beat.Stop()
	for {
		evs, lost, more, closed := s.opts.Hub.After(last)
		if len(evs) > 0 || lost > 0 {
			deadline()
			if lost > 0 {
				fmt.Fprintf(w, "event: lost\ndata: {\"count\":%d}\n\n", lost)
			}
			for _, ev := range evs {
				if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.ID, ev.Name, ev.JSON); err != nil {
					return
				}
				last = ev.ID
			}
			if fl.Flush(); r.Context().Err() != nil {
				return
			}
			continue
		}
		if closed {
			return
		}
		select {
		case <-more:
		case <-beat.C:
			deadline()
			if _, err := fmt.Fprint(w, ": keepalive\n\n"); err != nil {
				return
			}
			fl.Flush()
		case <-r.Context().Done():
			return
		}
	}
}
