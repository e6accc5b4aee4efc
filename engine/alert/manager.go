package alert

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/calendar"
)

// Sink delivers one notification. Send must honour ctx; its error must not
// carry a secret (the sinks here redact theirs).
type Sink interface {
	Name() string // "webhook[0]", shown on screen and in the log
	Send(ctx context.Context, n Notification) error
}

// SinkSpec is a sink with its own filter and quiet hours.
type SinkSpec struct {
	Sink  Sink
	Rules []Rule      // nil: every rule
	Quiet *QuietHours // nil: never quiet
}

// Config for a Manager.
type Config struct {
	Thresholds  Thresholds
	Sinks       []SinkSpec
	Windows     *calendar.RestartWindows // nil: no restart windows
	Host        string
	Account     string
	Log         *slog.Logger       // nil discards
	OnAlert     func(Notification) // each firing/resolved (the `alert` event, the bell); must not block
	Backoff     Backoff            // zero: DefaultBackoff
	SendTimeout time.Duration      // one attempt's bound; default 10 s
	Now         func() time.Time   // wall clock for the sinks' quiet hours; default time.Now
}

// Backoff is a failing sink's retry schedule.
type Backoff struct {
	Initial, Max time.Duration
	Attempts     int // tries of one message before it is given up
}

// DefaultBackoff retries 1 s, 2 s, 4 s ... up to 1 min, 8 tries.
func DefaultBackoff() Backoff { return Backoff{Initial: time.Second, Max: time.Minute, Attempts: 8} }

// queueLen bounds a sink's backlog; beyond it the oldest message is dropped (counted).
const queueLen = 64

// SinkStatus is one sink's health, for the screen and the metrics.
type SinkStatus struct {
	Name      string
	Failing   bool
	LastError string
	Sent      uint64
	Failed    uint64 // attempts that failed
	Dropped   uint64 // messages given up or pushed out of the queue
}

// Manager owns the alerts' state. Observe is called from one goroutine.
type Manager struct {
	cfg   Config
	eval  *evaluator
	state map[string]*tracked
	work  []*worker
	wg    sync.WaitGroup
	stop  chan struct{}
	once  sync.Once
	mu    sync.Mutex // Observe's state against Outage and Firing
}

type tracked struct {
	a        active
	lastSent time.Time
}

// New starts one worker per sink.
func New(cfg Config) *Manager {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Backoff == (Backoff{}) {
		cfg.Backoff = DefaultBackoff()
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 10 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	m := &Manager{cfg: cfg, eval: newEvaluator(cfg.Thresholds, cfg.Windows), state: map[string]*tracked{}, stop: make(chan struct{})}
	for _, sp := range cfg.Sinks {
		w := &worker{spec: sp, m: m, wake: make(chan struct{}, 1)}
		m.work = append(m.work, w)
		m.wg.Add(1)
		go w.run()
	}
	return m
}

// Close stops the workers; messages still queued are abandoned.
func (m *Manager) Close() {
	m.once.Do(func() { close(m.stop) })
	m.wg.Wait()
}

// Outage is the current outage as the restart windows see it.
func (m *Manager) Outage() Outage {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.eval.outage
}

// Observe evaluates one snapshot and queues what must be said. It never blocks.
func (m *Manager) Observe(s engine.Snapshot) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cfg.Account == "" && len(s.Conn.Accounts) > 0 {
		m.cfg.Account = s.Conn.Accounts[0] // the gateway's, once it has said
	}
	now := s.At
	seen := map[string]bool{}
	for _, a := range m.eval.eval(s) {
		seen[a.key] = true
		t := m.state[a.key]
		switch {
		case t == nil:
			if !a.oneShot {
				m.state[a.key] = &tracked{a: a, lastSent: now}
			}
			m.emit(a, Firing)
		case m.cfg.Thresholds.Repeat > 0 && now.Sub(t.lastSent) >= m.cfg.Thresholds.Repeat:
			t.a.summary, t.a.details = a.summary, a.details
			t.lastSent = now
			m.emit(t.a, Firing)
		}
	}
	for key, t := range m.state {
		if !seen[key] {
			delete(m.state, key)
			m.emit(t.a, Resolved)
		}
	}
}

// Firing lists the keys of the alerts firing now, sorted.
func (m *Manager) Firing() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.state))
	for k := range m.state {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Run observes latest() every `every` until ctx ends.
func (m *Manager) Run(ctx context.Context, latest func() engine.Snapshot, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.stop:
			return
		case <-t.C:
			if s := latest(); !s.At.IsZero() {
				m.Observe(s)
			}
		}
	}
}

func (m *Manager) notification(a active, st State) Notification {
	return Notification{Alert: a.key, State: st, Severity: a.severity, Summary: a.summary, Details: a.details,
		Since: a.since, Host: m.cfg.Host, Account: m.cfg.Account, rule: a.rule}
}

func (m *Manager) emit(a active, st State) {
	n := m.notification(a, st)
	level := slog.LevelWarn
	if st == Resolved {
		level = slog.LevelInfo
	}
	m.cfg.Log.Log(context.Background(), level, "alert", "alert", n.Alert, "state", string(n.State), "severity", string(n.Severity), "summary", n.Summary)
	if m.cfg.OnAlert != nil {
		m.cfg.OnAlert(n)
	}
	for _, w := range m.work {
		w.offer(n)
	}
}

// Test sends one test alert to every sink, directly (no queue, no quiet
// hours), and returns each sink's result in order.
func (m *Manager) Test(ctx context.Context) []error {
	m.mu.Lock()
	account := m.cfg.Account
	m.mu.Unlock()
	n := Notification{Alert: string(RuleTest), State: Firing, Severity: Info, Summary: "robotui test alert",
		Details: "sent by `robotui alerts test`", Since: m.cfg.Now(), Host: m.cfg.Host, Account: account, rule: RuleTest}
	errs := make([]error, len(m.work))
	for i, w := range m.work {
		c, cancel := context.WithTimeout(ctx, m.cfg.SendTimeout)
		errs[i] = w.spec.Sink.Send(c, n)
		cancel()
	}
	return errs
}

// Sinks reports every sink's health.
func (m *Manager) Sinks() []SinkStatus {
	out := make([]SinkStatus, len(m.work))
	for i, w := range m.work {
		w.mu.Lock()
		out[i] = SinkStatus{Name: w.spec.Sink.Name(), Failing: w.failing, LastError: w.lastErr,
			Sent: w.sent.Load(), Failed: w.failed.Load(), Dropped: w.dropped.Load()}
		w.mu.Unlock()
	}
	return out
}

// worker delivers one sink's messages in order, retrying the head with backoff.
type worker struct {
	spec SinkSpec
	m    *Manager
	wake chan struct{}

	sent, failed, dropped atomic.Uint64

	mu      sync.Mutex
	queue   []Notification
	fired   map[string]bool // keys whose firing this sink was sent (a resolved follows only those)
	failing bool
	lastErr string
}

func (w *worker) wants(n Notification) bool {
	if len(w.spec.Rules) > 0 && !slices.Contains(w.spec.Rules, n.rule) {
		return false
	}
	if w.fired == nil {
		w.fired = map[string]bool{}
	}
	if n.State == Resolved {
		ok := w.fired[n.Alert]
		delete(w.fired, n.Alert)
		return ok
	}
	if w.spec.Quiet.In(w.m.cfg.Now()) {
		return false
	}
	w.fired[n.Alert] = true
	return true
}

func (w *worker) offer(n Notification) {
	w.mu.Lock()
	if !w.wants(n) {
		w.mu.Unlock()
		return
	}
	if len(w.queue) >= queueLen {
		w.queue = w.queue[1:]
		w.dropped.Add(1)
	}
	w.queue = append(w.queue, n)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *worker) run() {
	defer w.m.wg.Done()
	for {
		w.mu.Lock()
		var n Notification
		have := len(w.queue) > 0
		if have {
			n = w.queue[0]
		}
		w.mu.Unlock()
		if !have {
			select {
			case <-w.m.stop:
				return
			case <-w.wake:
				continue
			}
		}
		if !w.deliver(n) {
			return
		}
		w.mu.Lock()
		if len(w.queue) > 0 {
			w.queue = w.queue[1:]
		}
		w.mu.Unlock()
	}
}

// deliver tries n until it is sent or given up; false when the manager stops.
func (w *worker) deliver(n Notification) bool {
	b := w.m.cfg.Backoff
	delay := b.Initial
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), w.m.cfg.SendTimeout)
		go func() { // Close must not wait out a slow attempt
			select {
			case <-w.m.stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		err := w.spec.Sink.Send(ctx, n)
		cancel()
		w.mu.Lock()
		if err == nil {
			w.failing, w.lastErr = false, ""
			w.mu.Unlock()
			w.sent.Add(1)
			return true
		}
		first := !w.failing
		w.failing, w.lastErr = true, err.Error()
		w.mu.Unlock()
		w.failed.Add(1)
		if first {
			w.m.cfg.Log.Warn("alert.sink", "sink", w.spec.Sink.Name(), "state", "failing", "error", err.Error())
		}
		if attempt >= b.Attempts {
			w.dropped.Add(1)
			w.m.cfg.Log.Warn("alert.sink", "sink", w.spec.Sink.Name(), "state", "gave_up", "alert", n.Alert, "attempts", attempt)
			return true
		}
		t := time.NewTimer(delay)
		select {
		case <-w.m.stop:
			t.Stop()
			return false
		case <-t.C:
		}
		delay = min(delay*2, b.Max)
	}
}

// ErrNoSecret is a sink whose secret (env or file) is missing.
var ErrNoSecret = errors.New("alert: sink secret missing")
