package conn

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/conn/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startSim runs a simulator on an ephemeral loopback port for one test.
func startSim(t testing.TB, cfg ibsim.Config) *ibsim.Server {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Speed == 0 {
		cfg.Speed = 60
	}
	sim, err := ibsim.Start(cfg)
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}

// recorder collects session events and lets a test wait for one.
type recorder struct {
	mu     sync.Mutex
	events []Event
	wake   chan struct{}
}

func newRecorder() *recorder { return &recorder{wake: make(chan struct{}, 1)} }

func (r *recorder) observe(ev Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// waitFor returns the first event at or after index from that satisfies
// match, and the index after it.
func (r *recorder) waitFor(t testing.TB, from int, within time.Duration, what string, match func(Event) bool) (Event, int) {
	t.Helper()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		for i := from; i < len(r.events); i++ {
			if match(r.events[i]) {
				ev := r.events[i]
				r.mu.Unlock()
				return ev, i + 1
			}
		}
		r.mu.Unlock()
		select {
		case <-r.wake:
		case <-deadline.C:
			t.Fatalf("timed out after %v waiting for %s; events: %s", within, what, r.summary())
			return nil, 0
		}
	}
}

func (r *recorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

func (r *recorder) summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, ev := range r.events {
		if sc, ok := ev.(StateChange); ok {
			fmt.Fprintf(&b, "\n  %s (%s: %v)", sc.State, sc.Cause, sc.Err)
		}
	}
	return b.String()
}

func isState(s State) func(Event) bool {
	return func(ev Event) bool {
		sc, ok := ev.(StateChange)
		return ok && sc.State == s
	}
}

func leftReady(ev Event) bool {
	sc, ok := ev.(StateChange)
	return ok && !sc.State.Up() && sc.Prev.Up()
}

// fastConfig is a session tuned for tests: tiny intervals, tiny backoff.
func fastConfig(addr string, rec *recorder) Config {
	return Config{
		Addr:           addr,
		ClientID:       7,
		ConnectTimeout: 2 * time.Second,
		Keepalive:      KeepaliveConfig{Interval: 50 * time.Millisecond, Timeout: 50 * time.Millisecond, MaxMisses: 2, History: 50},
		Backoff:        BackoffConfig{Initial: 5 * time.Millisecond, Multiplier: 2, Max: 50 * time.Millisecond, Jitter: 0.2},
		// Tests reconnect hundreds of times; the cap has a test of its own.
		MaxAttemptsPerMinute: 1_000_000,
		Observer:             rec.observe,
	}
}

func startSession(t testing.TB, cfg Config) *Session {
	t.Helper()
	s := NewSession(cfg)
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// tcpRow is one line of /proc/net/tcp{,6}.
type tcpRow struct {
	local, remote netip.AddrPort
	state         string
	inode         string
}

var tcpStates = map[string]string{"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT1", "05": "FIN_WAIT2",
	"06": "TIME_WAIT", "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN", "0B": "CLOSING"}

// kernelSockets reads the kernel's TCP table, keeping the sockets this
// process holds: the ground truth for "no CLOSE_WAIT of ours", independent
// of the code under test. Other processes' sockets are left out because
// they can share our ports: a leftover connection to a port the simulator
// reuses, or a local port another connection reuses. The kernel lists the
// table a chunk per read and resumes by position, so while sockets come
// and go (anywhere on the machine) a read can list one twice or skip one:
// rows are deduplicated, and the table is read until two reads agree.
func kernelSockets(t testing.TB) []tcpRow {
	t.Helper()
	rows := readOwnSockets(t)
	for range 10 {
		again := readOwnSockets(t)
		if slices.Equal(again, rows) {
			break
		}
		rows = again
	}
	return rows
}

// readOwnSockets is one read of the table: our rows, each once, by inode.
func readOwnSockets(t testing.TB) []tcpRow {
	t.Helper()
	var rows []tcpRow
	for _, path := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(path)
		if err != nil {
			t.Skipf("no %s: %v", path, err)
		}
		sc := bufio.NewScanner(f)
		sc.Scan()
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 {
				continue
			}
			rows = append(rows, tcpRow{local: procAddr(fields[1]), remote: procAddr(fields[2]), state: tcpStates[fields[3]], inode: fields[9]})
		}
		f.Close()
	}
	own := ownSockets(t)
	rows = slices.DeleteFunc(rows, func(r tcpRow) bool { return !own[r.inode] })
	slices.SortFunc(rows, func(a, b tcpRow) int { return strings.Compare(a.inode, b.inode) })
	return slices.CompactFunc(rows, func(a, b tcpRow) bool { return a.inode == b.inode })
}

// ownSockets is the set of socket inodes this process has descriptors for.
func ownSockets(t testing.TB) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	own := map[string]bool{}
	for _, e := range entries {
		link, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		if inode, ok := strings.CutPrefix(link, "socket:["); err == nil && ok {
			own[strings.TrimSuffix(inode, "]")] = true
		}
	}
	return own
}

func procAddr(s string) netip.AddrPort {
	h, p, _ := strings.Cut(s, ":")
	raw, _ := hex.DecodeString(h)
	port, _ := strconv.ParseUint(p, 16, 16)
	// /proc writes each 32-bit word in host (little-endian) order.
	for i := 0; i+4 <= len(raw); i += 4 {
		raw[i], raw[i+1], raw[i+2], raw[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	addr, _ := netip.AddrFromSlice(raw)
	return netip.AddrPortFrom(addr.Unmap(), uint16(port))
}

// clientSideSockets lists our sockets whose remote end is the gateway port.
func clientSideSockets(t testing.TB, gatewayPort int) []tcpRow {
	var out []tcpRow
	for _, r := range kernelSockets(t) {
		if int(r.remote.Port()) == gatewayPort && r.state != "LISTEN" {
			out = append(out, r)
		}
	}
	return out
}

// assertNoCloseWaitOfOurs checks the kernel table: none of our sockets to
// the gateway sits in CLOSE_WAIT.
func assertNoCloseWaitOfOurs(t testing.TB, gatewayPort int) {
	t.Helper()
	for _, r := range clientSideSockets(t, gatewayPort) {
		if r.state == "CLOSE_WAIT" {
			t.Errorf("our socket %v -> %v is in CLOSE_WAIT", r.local, r.remote)
		}
	}
}

// established counts our ESTABLISHED sockets to the gateway port.
func established(t testing.TB, gatewayPort int) int {
	n := 0
	for _, r := range clientSideSockets(t, gatewayPort) {
		if r.state == "ESTABLISHED" {
			n++
		}
	}
	return n
}

// barCollector records bar events for a subscription.
type barCollector struct {
	mu     sync.Mutex
	events []BarEvent
	wake   chan struct{}
}

func newBarCollector() *barCollector { return &barCollector{wake: make(chan struct{}, 1)} }

func (b *barCollector) handle(ev BarEvent) {
	b.mu.Lock()
	b.events = append(b.events, ev)
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

func (b *barCollector) count(kind BarEventKind) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, ev := range b.events {
		if ev.Kind == kind {
			n++
		}
	}
	return n
}

func (b *barCollector) waitCount(t testing.TB, kind BarEventKind, n int, within time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for b.count(kind) < n {
		select {
		case <-b.wake:
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %d events of kind %d (have %d); errors: %v", n, kind, b.count(kind), b.errors())
		}
	}
}

// aaplBars asks for every hour's bars: the simulator honours useRTH, and
// these tests run at any hour on its default clock (now).
func aaplBars() BarRequest {
	return BarRequest{Contract: wire.Stock("AAPL"), Duration: "1 D", BarSize: "5 mins", WhatToShow: "TRADES", UseRTH: false, FormatDate: 2, KeepUpToDate: true}
}

func (b *barCollector) errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, ev := range b.events {
		if ev.Kind == BarError {
			out = append(out, strconv.Itoa(ev.Code)+" "+ev.Text)
		}
	}
	return out
}

// waitFor waits until some event delivered so far satisfies match.
func (b *barCollector) waitFor(t testing.TB, within time.Duration, what string, match func(BarEvent) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for {
		b.mu.Lock()
		found := slices.ContainsFunc(b.events, match)
		b.mu.Unlock()
		if found {
			return
		}
		select {
		case <-b.wake:
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s; errors: %v", what, b.errors())
		}
	}
}
