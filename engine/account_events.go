package engine

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robotui/robotui/engine/account"
)

// Headless events of the account (README "Events"): added to DESIGN.md's list.
const (
	EventAccount   = "account"   // the strip's figures changed: at most once a second per account
	EventPosition  = "position"  // a holding changed: at most once a second per position
	EventExecution = "execution" // a fill not seen before
)

// accountEmitter turns book changes into events. It compares what it last
// emitted with each snapshot's books; stale books (not ready) emit nothing.
type accountEmitter struct {
	mu        sync.Mutex
	summaries map[string]emitted[account.Summary]
	positions map[holding]emitted[account.Position]
	execs     map[string]bool // execId
}

// holding keys a position by account and contract.
type holding struct {
	account string
	conID   int64
}

type emitted[T any] struct {
	v  T
	at time.Time
}

const accountEventEvery = time.Second

func sameSummary(a, b account.Summary) bool {
	return a.NetLiquidation == b.NetLiquidation && a.Cash == b.Cash && a.BuyingPower == b.BuyingPower &&
		a.DailyPnL == b.DailyPnL && a.UnrealizedPnL == b.UnrealizedPnL && a.RealizedPnL == b.RealizedPnL
}

func samePosition(a, b account.Position) bool {
	return a.Qty == b.Qty && a.AvgCost == b.AvgCost && a.MarketValue == b.MarketValue && a.UnrealizedPnL == b.UnrealizedPnL
}

// emitAccounts logs what changed in books since the last call.
func (e *Engine) emitAccounts(books []account.Book, now time.Time) {
	a := &e.acctEvents
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.summaries == nil {
		a.summaries, a.positions, a.execs = map[string]emitted[account.Summary]{}, map[holding]emitted[account.Position]{}, map[string]bool{}
	}
	for i := range books {
		b := &books[i]
		if b.Stale || b.UpdatedAt.IsZero() {
			continue
		}
		if last, ok := a.summaries[b.Account]; (!ok || !sameSummary(last.v, b.Summary)) && now.Sub(last.at) >= accountEventEvery {
			a.summaries[b.Account] = emitted[account.Summary]{b.Summary, now}
			s := b.Summary
			e.events.add(now, slog.LevelInfo, EventAccount,
				fmt.Sprintf("%s net liquidation %.2f, cash %.2f, buying power %.2f, day P&L %+.2f, unrealized %+.2f, realized %+.2f",
					b.Account, s.NetLiquidation, s.Cash, s.BuyingPower, s.DailyPnL, s.UnrealizedPnL, s.RealizedPnL),
				slog.String("account", b.Account),
				slog.Float64("net_liquidation", decimal(s.NetLiquidation)),
				slog.Float64("cash", decimal(s.Cash)),
				slog.Float64("buying_power", decimal(s.BuyingPower)),
				slog.Float64("daily_pnl", decimal(s.DailyPnL)),
				slog.Float64("unrealized_pnl", decimal(s.UnrealizedPnL)),
				slog.Float64("realized_pnl", decimal(s.RealizedPnL)))
		}
		held := map[holding]bool{}
		for _, p := range b.Positions {
			k := holding{b.Account, p.ConID}
			held[k] = true
			if last, ok := a.positions[k]; ok && (samePosition(last.v, p) || now.Sub(last.at) < accountEventEvery) {
				continue
			}
			a.positions[k] = emitted[account.Position]{p, now}
			e.events.add(now, slog.LevelInfo, EventPosition,
				fmt.Sprintf("%s %s %g @ %g, value %.2f, unrealized %+.2f", b.Account, p.Symbol, p.Qty, decimal(p.AvgCost), p.MarketValue, p.UnrealizedPnL),
				slog.String("account", b.Account),
				slog.String("symbol", p.Symbol),
				slog.Float64("qty", decimal(p.Qty)),
				slog.Float64("avg_cost", decimal(p.AvgCost)),
				slog.Float64("market_value", decimal(p.MarketValue)),
				slog.Float64("unrealized_pnl", decimal(p.UnrealizedPnL)))
		}
		for k, last := range a.positions { // closed: one last line with qty 0
			if last.v.Symbol == "" || held[k] || k.account != b.Account {
				continue
			}
			delete(a.positions, k)
			e.events.add(now, slog.LevelInfo, EventPosition, fmt.Sprintf("%s %s closed", b.Account, last.v.Symbol),
				slog.String("account", b.Account),
				slog.String("symbol", last.v.Symbol),
				slog.Float64("qty", 0),
				slog.Float64("avg_cost", 0),
				slog.Float64("market_value", 0),
				slog.Float64("unrealized_pnl", 0))
		}
		for _, x := range b.Executions {
			if a.execs[x.ExecID] {
				continue
			}
			a.execs[x.ExecID] = true
			// The line's own time is the fill's: a `time` field beside it would be
			// a second "time" key in the JSON line, which parsers resolve to either.
			at := now
			if !x.Time.IsZero() {
				at = x.Time.UTC()
			}
			e.events.add(at, slog.LevelInfo, EventExecution,
				fmt.Sprintf("%s %s %g %s @ %g (%s)", b.Account, x.Side, x.Qty, x.Symbol, decimal(x.Price), x.ExecID),
				slog.String("account", b.Account),
				slog.String("symbol", x.Symbol),
				slog.String("side", string(x.Side)),
				slog.Float64("qty", decimal(x.Qty)),
				slog.Float64("price", decimal(x.Price)),
				slog.String("exec_id", x.ExecID))
		}
	}
}
