package alert

import (
	"fmt"
	"strings"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/calendar"
)

// active is one alert that holds now.
type active struct {
	key      string
	rule     Rule
	severity Severity
	summary  string
	details  string
	since    time.Time
	oneShot  bool // a signal: fired once, nothing to resolve
}

// Outage is the restart-window view of the current outage, for the header
// and the conn.state event's `expected`.
type Outage struct {
	Down     bool
	Since    time.Time
	Expected bool      // it began inside a restart window
	Window   string    // which window
	Until    time.Time // the window's end, gateway clock
}

// evaluator turns snapshots into the set of active alerts. It keeps what
// one snapshot cannot say: when the outage began, the sessions lost lately,
// the signals already seen.
type evaluator struct {
	th      Thresholds
	windows *calendar.RestartWindows

	outage    Outage
	readyFrom time.Time   // ReadySince of the session last seen up
	lost      []time.Time // when sessions were lost, within StormWindow
	crosses   map[string]time.Time
	stCrosses map[string]time.Time // by symbol:kind, as crosses
	primed    bool                 // the first snapshot seeds crosses without alerting
}

func newEvaluator(th Thresholds, w *calendar.RestartWindows) *evaluator {
	return &evaluator{th: th, windows: w, crosses: map[string]time.Time{}, stCrosses: map[string]time.Time{}}
}

// gatewayNow is the gateway's clock where the snapshot knows it.
func gatewayNow(s engine.Snapshot) time.Time {
	if !s.Market.Now.IsZero() {
		return s.Market.Now
	}
	return s.At
}

// notReady is the down rule's condition: anything but a ready session (a
// competing session has its own rule).
func notReady(c engine.ConnInfo) bool {
	if c.State == conn.Ready {
		return false
	}
	return c.State != conn.Degraded || c.Cause != conn.CauseCompetingSession
}

// eval returns the alerts active in s.
func (e *evaluator) eval(s engine.Snapshot) []active {
	now := s.At
	var out []active
	add := func(a active) { out = append(out, a) }

	// Outage and storm.
	if notReady(s.Conn) {
		if !e.outage.Down {
			e.outage = Outage{Down: true, Since: now}
			if in, name, until := e.windows.In(gatewayNow(s)); in {
				e.outage.Expected, e.outage.Window, e.outage.Until = true, name, until
			} else if s.Conn.Expected { // the engine's view: its windows and a restart the trader asked for
				e.outage.Expected, e.outage.Window, e.outage.Until = true, s.Conn.ExpectedWhat, s.Conn.ExpectedUntil
			}
		}
	} else {
		e.outage = Outage{}
	}
	if rs := s.Conn.ReadySince; !rs.IsZero() && !rs.Equal(e.readyFrom) {
		if !e.readyFrom.IsZero() {
			e.lost = append(e.lost, now) // the session that was ready is gone; its dials counted once
		}
		e.readyFrom = rs
	} else if rs.IsZero() && !e.readyFrom.IsZero() && !s.Conn.State.Up() {
		e.lost = append(e.lost, now)
		e.readyFrom = time.Time{}
	}
	for len(e.lost) > 0 && now.Sub(e.lost[0]) > e.th.StormWindow {
		e.lost = e.lost[1:]
	}

	if e.th.DownAfter > 0 && e.outage.Down && e.outageAlerts(s) {
		add(active{key: string(RuleDown), rule: RuleDown, severity: Critical, since: e.outage.Since,
			summary: fmt.Sprintf("IB session not ready for %s", now.Sub(e.outage.Since).Round(time.Second)),
			details: fmt.Sprintf("state %s, cause %s (%s) %s", s.Conn.State, s.Conn.Cause, s.Conn.Cause.Phrase(), s.Conn.Error)})
	}
	if e.th.StormSessions > 0 && len(e.lost) > e.th.StormSessions {
		add(active{key: string(RuleStorm), rule: RuleStorm, severity: Warning, since: e.lost[0],
			summary: fmt.Sprintf("reconnect storm: %d sessions lost in %s", len(e.lost), e.th.StormWindow),
			details: fmt.Sprintf("last cause %s", s.Conn.Cause)})
	}

	// Sockets.
	var client, gateway []string
	for _, z := range s.Sockets.Zombies {
		d := fmt.Sprintf("pid %d %s %s→%s", z.PID, z.Command, z.Local, z.Remote)
		if z.Side == "gateway" {
			gateway = append(gateway, d)
		} else {
			client = append(client, d)
		}
	}
	if e.th.ClientZombies && len(client) > 0 {
		add(active{key: string(RuleClientZombies), rule: RuleClientZombies, severity: Warning, since: now,
			summary: fmt.Sprintf("%d client-side zombie socket(s) on the gateway port", len(client)),
			details: strings.Join(client, "; ")})
	}
	if n := s.Sockets.Counts["CLOSE_WAIT"] - len(client); e.th.GatewayZombies > 0 && n >= e.th.GatewayZombies {
		add(active{key: string(RuleGatewayZombies), rule: RuleGatewayZombies, severity: Critical, since: now,
			summary: fmt.Sprintf("%d gateway-side CLOSE_WAIT sockets: handshakes will start timing out; restarting the gateway clears them", n),
			details: strings.Join(gateway, "; ")})
	}

	// Data.
	for _, r := range s.Symbols {
		if e.th.Silent && r.Status == engine.StatusSilent {
			add(active{key: string(RuleSilent) + ":" + r.Symbol, rule: RuleSilent, severity: Warning, since: now,
				summary: r.Symbol + ": no market data updates while the market is open", details: r.Detail})
		}
		if r.LastCross != "" {
			seen, had := e.crosses[r.Symbol]
			e.crosses[r.Symbol] = r.Since
			if e.th.Signals && e.primed && (!had || !seen.Equal(r.Since)) {
				add(active{key: string(RuleSignal) + ":" + r.Symbol, rule: RuleSignal, severity: Info, since: r.Since, oneShot: true,
					summary: fmt.Sprintf("%s %s at %g", r.LastCross, r.Symbol, r.Last),
					details: fmt.Sprintf("fast %g slow %g, bar %s", r.Fast, r.Slow, r.Since.Format(time.RFC3339))})
			}
		}
		e.strategyAlerts(r, add)
	}
	e.primed = true
	for _, f := range s.Farms {
		if e.th.FarmBroken > 0 && f.State == conn.FarmBroken && now.Sub(f.Since) > e.th.FarmBroken {
			add(active{key: string(RuleFarm) + ":" + f.Name, rule: RuleFarm, severity: Warning, since: f.Since,
				summary: fmt.Sprintf("data farm %s broken for %s", f.Name, now.Sub(f.Since).Round(time.Second)),
				details: fmt.Sprintf("%s farm, code %d", f.Kind, f.Code)})
		}
	}
	if e.th.Competing && s.Conn.State == conn.Degraded && s.Conn.Cause == conn.CauseCompetingSession {
		add(active{key: string(RuleCompeting), rule: RuleCompeting, severity: Critical, since: s.Conn.Since,
			summary: "a competing live session has the market data (10197)", details: s.Conn.Error})
	}
	if e.th.KeepaliveP99 > 0 && s.Keepalive.P99 > e.th.KeepaliveP99 {
		add(active{key: string(RuleKeepalive), rule: RuleKeepalive, severity: Warning, since: now,
			summary: fmt.Sprintf("keepalive p99 %s over %s", s.Keepalive.P99.Round(time.Millisecond), e.th.KeepaliveP99),
			details: fmt.Sprintf("p50 %s, last %s, misses %d", s.Keepalive.P50, s.Keepalive.Last, s.Keepalive.Missed)})
	}
	if e.th.DailyPnL {
		for _, b := range s.Accounts {
			if b.Stale || b.UpdatedAt.IsZero() || b.Summary.DailyPnL >= e.th.DailyPnLBelow {
				continue // the last known figures of a session that is down do not alert
			}
			add(active{key: string(RuleDailyPnL) + ":" + b.Account, rule: RuleDailyPnL, severity: Warning, since: now,
				summary: fmt.Sprintf("%s daily P&L %+.2f below %+.2f", b.Account, b.Summary.DailyPnL, e.th.DailyPnLBelow),
				details: fmt.Sprintf("net liquidation %.2f, unrealized %+.2f, realized %+.2f %s",
					b.Summary.NetLiquidation, b.Summary.UnrealizedPnL, b.Summary.RealizedPnL, b.Summary.Currency)})
		}
	}
	return out
}

// strategyAlerts fires the strategy_signal rules matching a row's
// strategies, once per new BUY/SELL.
func (e *evaluator) strategyAlerts(r engine.SymbolRow, add func(active)) {
	if len(e.th.StrategySignals) == 0 {
		return
	}
	for _, st := range r.Strategies {
		if st.LastCross == "" || !matchStrategy(e.th.StrategySignals, r.Symbol, st.Strategy) {
			continue
		}
		k := r.Symbol + ":" + st.Strategy
		seen, had := e.stCrosses[k]
		e.stCrosses[k] = st.Since
		if e.primed && (!had || !seen.Equal(st.Since)) {
			add(active{key: string(RuleStrategy) + ":" + k, rule: RuleStrategy, severity: Info, since: st.Since, oneShot: true,
				summary: fmt.Sprintf("%s %s at %g (%s)", st.LastCross, r.Symbol, r.Last, st.Name),
				details: fmt.Sprintf("%s: %g %s %g, bar %s", st.Strategy, st.Fast, st.Relation, st.Slow, st.Since.Format(time.RFC3339))})
		}
	}
}

// matchStrategy says whether a "SYMBOL:KIND" rule ("*" any symbol) covers symbol and kind.
func matchStrategy(rules []string, symbol, kind string) bool {
	for _, r := range rules {
		sym, k, _ := strings.Cut(r, ":")
		if k == kind && (sym == "*" || sym == symbol) {
			return true
		}
	}
	return false
}

// outageAlerts says whether the current outage is past its deadline:
// down_after after it began, or, for one that began in a restart window,
// grace after the window ends (gateway clock).
func (e *evaluator) outageAlerts(s engine.Snapshot) bool {
	if s.At.Sub(e.outage.Since) < e.th.DownAfter {
		return false
	}
	if !e.outage.Expected {
		return true
	}
	return !gatewayNow(s).Before(e.outage.Until.Add(e.th.Grace))
}
