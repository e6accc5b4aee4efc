package engine

import (
	"fmt"
	"github.com/robotui/robotui/engine/signal"
	"log/slog"
	"strings"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// observe is the session's Observer: it runs on the session goroutine and
// must not block, so it only records and queues.
func (e *Engine) observe(ev conn.Event) {
	unchanged := false // an account line that changes nothing shown yet (a pending download's)
	switch v := ev.(type) {
	case conn.StateChange:
		e.onState(v)
	case conn.PingResult:
		e.onPing(v)
	case conn.Notice:
		e.ibError(v.Code, v.ReqID, v.Text, "")
	case conn.FarmChange:
		e.emitFarm(v)
	case conn.AccountRound:
		e.acct.startRound(v)
	case conn.AccountMsg:
		unchanged = !e.acct.apply(v, time.Now())
		switch v.Msg.(type) {
		case *wire.PositionData, *wire.PositionEnd:
			if !unchanged {
				e.quotePositions()
			}
		}
	}
	if e.userObserver != nil {
		e.userObserver(ev)
	}
	if unchanged {
		return
	}
	if v, ok := ev.(conn.PingResult); ok && v.Sample.OK {
		e.quiet.Store(true) // a round trip, every interval: like prices, at most once a second
		return
	}
	e.markDirty()
}

func (e *Engine) onState(v conn.StateChange) {
	e.state.Store(uint32(v.State))
	if v.State == conn.Ready && v.Prev != conn.Degraded {
		e.everReady.Store(true)
		e.checkMode()
		e.noteLoginZone()
	}
	level := slog.LevelInfo
	switch v.State {
	case conn.Backoff, conn.Degraded:
		level = slog.LevelWarn
	}
	// Closed and ready are always said: a shutdown and a recovery must show.
	logged, held := e.flood.stateLine(v.State == conn.Closed || v.State == conn.Ready)
	reason, detail := v.Cause.Phrase(), errText(v.Err)
	attrs := []slog.Attr{
		slog.String("state", v.State.String()),
		slog.String("prev", v.Prev.String()),
		slog.String("reason", reason),
		slog.String("cause", v.Cause.String()),
		slog.String("addr", v.Addr),
		slog.Int("client_id", v.ClientID),
		slog.Int("server_version", v.ServerVersion),
		slog.Int("attempt", v.Attempt),
	}
	if detail != "" {
		attrs = append(attrs, slog.String("error", detail))
	}
	if hint := e.hint(v.State, v.Cause, v.Addr); hint != "" {
		attrs = append(attrs, slog.String("hint", hint))
	}
	if v.State != conn.Ready {
		if in, _, _ := e.expected(e.gatewayTime()); in {
			attrs = append(attrs, slog.Bool("expected", true))
		}
	}
	if !logged {
		e.counts.suppressed.Add(1)
		e.events.record(v.At, level, EventConnState, attrs...) // the journal keeps every change
		return
	}
	if held > 0 {
		attrs = append(attrs, slog.Int("suppressed", held)) // state lines left out before this one
	}
	// The screen's events log is the trader's only view of the full error;
	// it is left out where it would repeat the phrase (a bare EOF).
	if detail != "" && detail != reason {
		reason += " (" + detail + ")"
	}
	text := fmt.Sprintf("%s ← %s: %s", v.State, v.Prev, reason)
	switch v.State {
	case conn.Ready:
		text = fmt.Sprintf("ready: %s (client id %d, server version %d)", reason, v.ClientID, v.ServerVersion)
	case conn.Connecting:
		text = fmt.Sprintf("connecting to %s, attempt %d (%s)", v.Addr, v.Attempt, reason)
	case conn.Backoff:
		text = fmt.Sprintf("backoff, next try in %s: %s", v.NextRetry.Sub(v.At).Round(time.Millisecond), reason)
	}
	e.events.add(v.At, level, EventConnState, text, attrs...)
}

// errText is an error's text, "" for none.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// onPing logs a round trip, or a miss: a missed ping has no round trip
// (rtt_ms is null, kept for the documented field list), only the timeout it
// was waited for (timeout_ms).
func (e *Engine) onPing(v conn.PingResult) {
	ms := float64(v.Sample.RTT.Microseconds()) / 1000
	if !v.Sample.OK {
		e.events.add(time.Now(), slog.LevelWarn, EventKeepalive,
			fmt.Sprintf("ping missed: no answer within %s (%d in a row)", fmtDuration(v.Sample.RTT), v.Misses),
			slog.Any("rtt_ms", nil), slog.Bool("ok", false), slog.Int("misses", v.Misses), slog.Float64("timeout_ms", ms))
		return
	}
	e.events.add(time.Now(), slog.LevelDebug, EventKeepalive, fmt.Sprintf("ping %s", fmtDuration(v.Sample.RTT)),
		slog.Float64("rtt_ms", ms), slog.Bool("ok", true), slog.Int("misses", v.Misses))
}

// ibError logs a gateway message, an ib.notice when it reports a status
// and an ib.error otherwise; symbol is set for a bar request's error.
// Every message is counted; repeats are coalesced in the log (floodGuard).
func (e *Engine) ibError(code, reqID int, text, symbol string) {
	e.counts.gatewayMessage(code)
	name := EventIBError
	if isNotice(code) {
		name = EventIBNotice
	}
	if !e.flood.gatewayMessage(time.Now(), name, code, reqID, text, symbol) {
		e.counts.suppressed.Add(1)
		return
	}
	human := fmt.Sprintf("%d %s", code, text)
	attrs := []slog.Attr{slog.Int("code", code), slog.Int("req_id", reqID), slog.String("text", text)}
	if symbol != "" {
		human = fmt.Sprintf("%s: %d %s", symbol, code, text)
		attrs = append(attrs, slog.String("symbol", symbol))
	}
	e.events.add(time.Now(), ibErrorLevel(code), name, human, attrs...)
}

// ibErrorLevel ranks IB's codes (PROTOCOL.md section 5): farm OK and
// "restored, data kept" are information, losing connectivity is an error,
// everything else a warning.
func ibErrorLevel(code int) slog.Level {
	switch code {
	case 2104, 2106, 2107, 2108, 2119, 2158, 1102:
		return slog.LevelInfo
	case 1100, 1300:
		return slog.LevelError
	}
	if isNotice(code) {
		return slog.LevelInfo
	}
	return slog.LevelWarn
}

func (e *Engine) emitSignal(symbol string, r SignalRecord) {
	// The screen's zone in the text (the header's New York), UTC in the field.
	text := fmt.Sprintf("%s %s at %s, close %.2f", symbol, r.Signal, r.BarTime.In(e.loc).Format("Mon 2 Jan 15:04"), r.Price)
	switch {
	case r.Strategy != "" && r.Strategy != string(signal.KindSMA):
		text += figures(r) // an SMA's line reads as it always has
	case r.Relation != "":
		text += fmt.Sprintf(" (fast %.4f %s slow %.4f)", r.Fast, r.Relation, r.Slow)
	}
	e.events.add(time.Now(), slog.LevelInfo, EventSignal, text,
		slog.String("symbol", symbol),
		slog.String("signal", r.Signal),
		slog.Float64("price", decimal(r.Price)),
		slog.Float64("fast", decimal(r.Fast)),
		slog.Float64("slow", decimal(r.Slow)),
		slog.String("bar_time", r.BarTime.UTC().Format(time.RFC3339)),
		slog.String("strategy", r.Strategy),
	)
}

func (e *Engine) emitSockets(info SocketInfo) {
	level := slog.LevelInfo
	if len(info.Zombies) > 0 {
		level = slog.LevelWarn
	}
	listener := "no listener"
	if info.Listening {
		listener = "listener pid unknown"
		if info.ListenerPID > 0 {
			listener = fmt.Sprintf("listener %s (pid %d)", info.ListenerCommand, info.ListenerPID)
		}
	}
	text := fmt.Sprintf("port %d: %d established, %d close_wait, %d time_wait, %d fin_wait2, %d zombies; %s",
		info.Port, info.Counts["ESTABLISHED"], info.Counts["CLOSE_WAIT"], info.Counts["TIME_WAIT"],
		info.Counts["FIN_WAIT2"], len(info.Zombies), listener)
	e.events.add(info.ScannedAt, level, EventSockets, text,
		slog.Int("port", info.Port),
		slog.Int("established", info.Counts["ESTABLISHED"]),
		slog.Int("close_wait", info.Counts["CLOSE_WAIT"]),
		slog.Int("time_wait", info.Counts["TIME_WAIT"]),
		slog.Int("fin_wait2", info.Counts["FIN_WAIT2"]),
		slog.Int("zombies", len(info.Zombies)),
		slog.Int("listener_pid", info.ListenerPID),
	)
}

// emitZombie logs one zombie socket or kill target; action is "found",
// "killed", "gone" or "refused".
func (e *Engine) emitZombie(pid int, command, side, local, remote, action, reason string) {
	level := slog.LevelWarn
	owner := "unknown owner"
	if pid > 0 {
		owner = fmt.Sprintf("%s (pid %d)", command, pid)
	}
	text := fmt.Sprintf("zombie %s -> %s, %s side, %s: %s", local, remote, side, owner, action)
	if reason != "" {
		text += " (" + reason + ")"
	}
	e.events.add(time.Now(), level, EventZombie, text,
		slog.Int("pid", pid),
		slog.String("command", command),
		slog.String("side", side),
		slog.String("local", local),
		slog.String("remote", remote),
		slog.String("action", action),
	)
}

func (e *Engine) emitMarket(m MarketInfo) {
	state := "closed"
	if m.Open {
		state = "open"
	}
	next, shown := "", "unknown"
	if !m.NextChange.IsZero() {
		next, shown = m.NextChange.UTC().Format(time.RFC3339), m.NextChange.In(e.loc).Format("Mon 2 Jan 15:04")
	}
	e.events.add(time.Now(), slog.LevelInfo, EventMarket, fmt.Sprintf("market %s (%s), next change %s", state, m.Reason, shown),
		slog.Bool("open", m.Open),
		slog.String("next_change", next),
	)
}

func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	}
	return d.Round(10 * time.Millisecond).String()
}

// checkMode warns when the accounts behind the gateway are not of the
// configured kind: the header shows the account's, so a trader is never
// told "paper" while a live account is connected.
func (e *Engine) checkMode() {
	accts := e.sess.Stats().Accounts
	mode := accountMode(accts)
	if mode == "" || e.opts.Mode == "" || mode == e.opts.Mode {
		return
	}
	text := fmt.Sprintf("configured mode %q, but account %s is a %s account", e.opts.Mode, strings.Join(accts, ","), mode)
	e.events.add(time.Now(), slog.LevelWarn, EventMode, text,
		slog.String("mode", mode), slog.String("configured", e.opts.Mode), slog.String("accounts", strings.Join(accts, ",")))
}
