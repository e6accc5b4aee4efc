package journal

import (
	"log/slog"
	"sync"
	"time"

	"github.com/robotui/robotui/engine"
)

// thinEvery is how often an account or position line of one subject is
// stored: the engine logs them up to once a second while prices move, and
// kept whole they would fill the size cap and push the outage history out.
const thinEvery = time.Minute

// maxThinned bounds the subjects remembered; beyond it the memory restarts.
const maxThinned = 10000

// thinned are the events stored at most once a thinEvery per subject.
var thinned = map[string]bool{engine.EventAccount: true, engine.EventPosition: true}

// thinner remembers when each subject's line was last stored.
type thinner struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// keep reports whether r is stored: always, but for a thinned event whose
// subject was stored less than thinEvery ago (a closed position, qty 0, is
// always stored: it is the holding's last line).
func (t *thinner) keep(r slog.Record) bool {
	if !thinned[r.Message] {
		return true
	}
	subject, closed := r.Message, false
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "account", "symbol":
			subject += "/" + a.Value.String()
		case "qty":
			closed = a.Value.Kind() == slog.KindFloat64 && a.Value.Float64() == 0
		}
		return true
	})
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil || len(t.last) >= maxThinned {
		t.last = make(map[string]time.Time)
	}
	if last, ok := t.last[subject]; ok && !closed && r.Time.Sub(last) < thinEvery && r.Time.Sub(last) >= 0 {
		return false
	}
	t.last[subject] = r.Time
	return true
}
