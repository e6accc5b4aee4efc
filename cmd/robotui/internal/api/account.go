package api

import (
	"net/http"
	"time"

	"github.com/robotui/robotui/engine"
)

// Accounts is GET /v1/account: one entry per managed account, from the
// snapshot. Stale: the session is not ready, the figures are the last known.
type Accounts struct {
	At       time.Time     `json:"at"`
	Accounts []AccountBody `json:"accounts"`
}

// AccountBody is one account's strip.
type AccountBody struct {
	Account        string            `json:"account"`
	Stale          bool              `json:"stale"`
	UpdatedAt      *time.Time        `json:"updated_at"` // null until the first download ends
	Currency       string            `json:"currency"`
	NetLiquidation float64           `json:"net_liquidation"`
	Cash           float64           `json:"cash"`
	BuyingPower    float64           `json:"buying_power"`
	DailyPnL       float64           `json:"daily_pnl"`
	UnrealizedPnL  float64           `json:"unrealized_pnl"`
	RealizedPnL    float64           `json:"realized_pnl"`
	Positions      int               `json:"positions"`
	OpenOrders     int               `json:"open_orders"`
	Executions     int               `json:"executions"` // today's
	Tags           map[string]string `json:"tags"`
}

// Positions is GET /v1/positions: every account's holdings.
type Positions struct {
	At        time.Time      `json:"at"`
	Positions []PositionBody `json:"positions"`
}

// PositionBody is one holding.
type PositionBody struct {
	Account       string  `json:"account"`
	Stale         bool    `json:"stale"`
	Symbol        string  `json:"symbol"`
	ConID         int64   `json:"con_id"`
	SecType       string  `json:"sec_type"`
	Currency      string  `json:"currency"`
	Qty           float64 `json:"qty"`
	AvgCost       float64 `json:"avg_cost"`
	MarketPrice   float64 `json:"market_price"`
	MarketValue   float64 `json:"market_value"`
	UnrealizedPnL float64 `json:"unrealized_pnl"`
	RealizedPnL   float64 `json:"realized_pnl"`
	DailyPnL      float64 `json:"daily_pnl"`
	PctNetLiq     float64 `json:"pct_net_liq"`
}

// AccountsOf builds /v1/account's body.
func AccountsOf(s engine.Snapshot) Accounts {
	out := Accounts{At: s.At, Accounts: []AccountBody{}}
	for _, b := range s.Accounts {
		a := AccountBody{Account: b.Account, Stale: b.Stale, Currency: b.Summary.Currency, NetLiquidation: b.Summary.NetLiquidation,
			Cash: b.Summary.Cash, BuyingPower: b.Summary.BuyingPower, DailyPnL: b.Summary.DailyPnL, UnrealizedPnL: b.Summary.UnrealizedPnL,
			RealizedPnL: b.Summary.RealizedPnL, Positions: len(b.Positions), OpenOrders: len(b.Orders), Executions: len(b.Executions),
			Tags: map[string]string{}}
		for k, v := range b.Summary.Tags {
			a.Tags[k] = v
		}
		if !b.UpdatedAt.IsZero() {
			t := b.UpdatedAt
			a.UpdatedAt = &t
		}
		out.Accounts = append(out.Accounts, a)
	}
	return out
}

// PositionsOf builds /v1/positions' body.
func PositionsOf(s engine.Snapshot) Positions {
	out := Positions{At: s.At, Positions: []PositionBody{}}
	for _, b := range s.Accounts {
		for _, p := range b.Positions {
			out.Positions = append(out.Positions, PositionBody{Account: b.Account, Stale: b.Stale, Symbol: p.Symbol, ConID: p.ConID,
				SecType: p.SecType, Currency: p.Currency, Qty: p.Qty, AvgCost: p.AvgCost, MarketPrice: p.MarketPrice,
				MarketValue: p.MarketValue, UnrealizedPnL: p.UnrealizedPnL, RealizedPnL: p.RealizedPnL, DailyPnL: p.DailyPnL, PctNetLiq: p.PctNetLiq})
		}
	}
	return out
}

func (s *server) account(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, AccountsOf(s.opts.Engine.Latest()))
}

func (s *server) positions(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, PositionsOf(s.opts.Engine.Latest()))
}
