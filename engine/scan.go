package engine

import (
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/robotui/robotui/conn/sockets"
)

// scanLoop reads the gateway port's socket table every ScanInterval (and
// at once when asked), never by connecting to the port.
func (e *Engine) scanLoop() {
	e.scanner.SetGateway(e.gatewayAddrs())
	tick := time.NewTicker(e.opts.ScanInterval)
	defer tick.Stop()
	known := map[string]bool{} // zombies already reported, by "local remote"
	first := true
	for {
		e.scanOnce(known, first)
		first = false
		select {
		case <-e.stopAux:
			return
		case <-tick.C:
		case <-e.rescan:
		}
	}
}

// scanOnce scans, publishes the result, reports changes and, when
// configured, kills client-side zombies.
func (e *Engine) scanOnce(known map[string]bool, first bool) {
	t, err := e.scanner.ScanContext(e.ctx, e.opts.GatewayPort, false)
	if e.ctx.Err() != nil {
		return
	}
	e.mu.Lock()
	prev := e.sock
	e.mu.Unlock()
	info := SocketInfo{Port: e.opts.GatewayPort, ScannedAt: time.Now()}
	if err != nil {
		info = prev
		info.Err, info.ScannedAt = err.Error(), time.Now()
	} else {
		info = e.socketInfo(t)
	}
	e.mu.Lock()
	e.sock = info
	e.mu.Unlock()
	if err != nil {
		if prev.Err != info.Err {
			e.events.add(info.ScannedAt, slog.LevelWarn, EventScanError, fmt.Sprintf("scan of port %d failed: %s", info.Port, info.Err),
				slog.Int("port", info.Port), slog.String("error", info.Err))
			e.markDirty()
		}
		return
	}
	if first || sockKey(prev) != sockKey(info) {
		e.emitSockets(info)
	}
	current := make(map[string]bool, len(info.Zombies))
	for _, z := range info.Zombies {
		k := z.Local + " " + z.Remote
		current[k] = true
		if !known[k] {
			e.emitZombie(z.PID, z.Command, z.Side, z.Local, z.Remote, "found", "")
		}
	}
	clear(known)
	for k := range current {
		known[k] = true
	}
	if first || !sameSockets(prev, info) {
		e.markDirty()
	} else {
		e.quiet.Store(true) // only the scan's age changed
	}
	if e.opts.AutoKill && hasForeignClientZombie(t) {
		if plan := e.PlanKill(); !plan.Empty() {
			e.Kill(plan)
		}
	}
}

// socketInfo turns a table into the snapshot's view. Own leaks are
// client-side sockets of this process on the port other than the one the
// session holds.
func (e *Engine) socketInfo(t sockets.Table) SocketInfo {
	info := SocketInfo{Port: t.Port, Listening: t.Listening, Counts: t.Counts.Map(), ScannedAt: t.ScannedAt}
	if t.Listener != nil {
		info.ListenerPID, info.ListenerCommand = t.Listener.PID, t.Listener.Command
	}
	held := e.sess.Stats().LocalAddr
	for _, c := range t.Zombies {
		z := Zombie{Side: string(c.Side), Local: c.Local.String(), Remote: c.Remote.String(), State: c.State.String()}
		if c.Owner != nil {
			z.PID, z.Command, z.User = c.Owner.PID, c.Owner.Command, c.Owner.User
		}
		info.Zombies = append(info.Zombies, z)
	}
	seen := map[string]bool{}
	for _, list := range [][]sockets.Conn{t.Zombies, t.Conns} {
		for _, c := range list {
			local := c.Local.String()
			if c.Own && c.Side == sockets.ClientSide && local != held && !seen[local] {
				seen[local] = true
				info.OwnLeaks++
			}
		}
	}
	return info
}

// hasForeignClientZombie says whether a kill could do anything: a
// client-side zombie that is not ours.
func hasForeignClientZombie(t sockets.Table) bool {
	for _, z := range t.Zombies {
		if z.Side == sockets.ClientSide && !z.Own {
			return true
		}
	}
	return false
}

type socketsKey struct {
	established, closeWait, timeWait, finWait2, zombies, listener int
}

// sameSockets reports whether two scans show the same table, their times apart.
func sameSockets(a, b SocketInfo) bool {
	return a.Port == b.Port && a.Listening == b.Listening && a.ListenerPID == b.ListenerPID &&
		a.ListenerCommand == b.ListenerCommand && a.OwnLeaks == b.OwnLeaks && a.Err == b.Err &&
		maps.Equal(a.Counts, b.Counts) && slices.Equal(a.Zombies, b.Zombies)
}

func sockKey(s SocketInfo) socketsKey {
	return socketsKey{
		s.Counts["ESTABLISHED"], s.Counts["CLOSE_WAIT"], s.Counts["TIME_WAIT"], s.Counts["FIN_WAIT2"],
		len(s.Zombies), s.ListenerPID,
	}
}

// zombies is conn/sockets' kill rule on this engine's scanner (whose
// gateway filter New sets).
func (e *Engine) zombies() sockets.Zombies {
	return sockets.Zombies{Scanner: e.scanner, Port: e.opts.GatewayPort, Grace: e.opts.KillGrace}
}

// PlanKill scans the port with owners now and applies conn/sockets' kill
// policy: the dry run of KillZombies. Plan.Error is set when the scan failed.
func (e *Engine) PlanKill() KillPlan {
	plan := KillPlan{Port: e.opts.GatewayPort}
	_, sp, err := e.zombies().Plan(e.ctx)
	if err != nil {
		plan.Error = err.Error()
		return plan
	}
	for _, tg := range sp.Targets {
		kt := KillTarget{PID: tg.PID, Command: tg.Command, User: tg.User, Start: tg.StartTime}
		for _, c := range tg.Sockets {
			kt.Sockets = append(kt.Sockets, c.Local.String()+" -> "+c.Remote.String())
		}
		plan.Targets = append(plan.Targets, kt)
	}
	for _, r := range sp.Refused {
		plan.Refused = append(plan.Refused, Refusal{
			PID: r.PID, Command: r.Command, Side: string(r.Socket.Side), Reason: string(r.Reason),
			Socket: r.Socket.Local.String() + " -> " + r.Socket.Remote.String(),
		})
	}
	return plan
}

// Kill carries out a confirmed plan through conn/sockets (which signals only
// the targets a fresh scan still finds holding a zombie, each pinned and
// checked against its start time), logs a `zombie` event per target, and
// returns one result per target, then one per refusal. It waits up to
// KillGrace (plus the SIGKILL wait) and stops waiting at Close.
func (e *Engine) Kill(plan KillPlan) []KillResult {
	confirmed := sockets.KillPlan{Port: plan.Port}
	for _, t := range plan.Targets {
		confirmed.Targets = append(confirmed.Targets, sockets.Target{PID: t.PID, Command: t.Command, User: t.User, StartTime: t.Start})
	}
	for _, r := range plan.Refused {
		confirmed.Refused = append(confirmed.Refused, sockets.Refusal{PID: r.PID, Command: r.Command, Reason: sockets.Reason(r.Reason)})
	}
	raw, _ := e.zombies().Kill(e.ctx, confirmed) // a failed rescan refuses every target, the error its reason
	out := make([]KillResult, 0, len(raw))
	for i, r := range raw {
		out = append(out, KillResult{PID: r.PID, Command: r.Command, Result: string(r.Result), Reason: r.Reason})
		if i < len(plan.Targets) {
			local, remote := splitSockets(plan.Targets[i].Sockets)
			e.emitZombie(r.PID, r.Command, string(sockets.ClientSide), local, remote, string(r.Result), r.Reason)
		}
	}
	select {
	case e.rescan <- struct{}{}:
	default:
	}
	return out
}

// splitSockets joins a target's "local -> remote" pairs into the event's
// local and remote fields.
func splitSockets(pairs []string) (local, remote string) {
	var ls, rs []string
	for _, p := range pairs {
		l, r, _ := strings.Cut(p, " -> ")
		ls, rs = append(ls, l), append(rs, r)
	}
	return strings.Join(ls, ","), strings.Join(rs, ",")
}

// gatewayAddrs resolves the gateway's host once, so that scans count only
// the gateway's connections and never another server's on the same port.
// A host that cannot be resolved matches nothing, and says so.
func (e *Engine) gatewayAddrs() []netip.Addr {
	host, _, err := net.SplitHostPort(e.opts.Session.Addr)
	if err == nil {
		var addrs []netip.Addr
		if addrs, err = sockets.ResolveGateway(e.ctx, host); err == nil {
			return addrs
		}
	}
	text := fmt.Sprintf("gateway host of %q not resolved (%v): no socket counts as the gateway's", e.opts.Session.Addr, err)
	e.events.add(time.Now(), slog.LevelWarn, EventScanError, text,
		slog.Int("port", e.opts.GatewayPort), slog.String("error", text))
	return []netip.Addr{}
}

// literalAddrs is the gateway's address when its host is an IP literal,
// else none (resolved later by the scan loop).
func literalAddrs(addr string) []netip.Addr {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		if a, err := netip.ParseAddr(host); err == nil {
			return []netip.Addr{a}
		}
	}
	return []netip.Addr{}
}
