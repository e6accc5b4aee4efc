// Package account holds what one managed account owns and what happens to
// it, as the console shows it: summary values, positions, today's executions
// and the open orders of every client. It is read-only: nothing here places,
// changes or cancels an order.
//
// The values are engine-level types (no wire structs): the engine fills them
// from the session's account messages and publishes a Book per account in
// each Snapshot; the console and the API only read them.
package account

import "time"

// Book is one managed account at one instant. A Book in a snapshot is never
// half-updated: each part is replaced whole when its download ends.
type Book struct {
	Account    string
	Summary    Summary
	Positions  []Position  // by symbol
	Executions []Execution // today's, oldest first
	Orders     []Order     // open orders of every client, by order id
	UpdatedAt  time.Time   // the last time any part was replaced
	Stale      bool        // the session is not ready: the figures are the last known ones
}

// Summary is the account strip's figures, in the account's base currency.
type Summary struct {
	Currency       string
	NetLiquidation float64
	Cash           float64 // TotalCashValue
	BuyingPower    float64
	DailyPnL       float64
	UnrealizedPnL  float64
	RealizedPnL    float64
	// Tags holds every other summary value the gateway sent (tag → value text).
	Tags map[string]string
}

// Position is one holding.
type Position struct {
	Symbol        string
	ConID         int64
	SecType       string // STK, CASH, FUT, ...
	Currency      string
	Exchange      string // as the positions download names it (the listing exchange; CME, IDEALPRO, ...)
	LocalSymbol   string
	Multiplier    string  // "" for stocks; "50" for ES
	LastTradeDate string  // a future's or option's lastTradeDateOrContractMonth
	Qty           float64 // negative when short
	AvgCost       float64
	MarketPrice   float64 // the gateway's mark
	MarketValue   float64
	UnrealizedPnL float64
	RealizedPnL   float64
	DailyPnL      float64
	PctNetLiq     float64 // MarketValue as a percentage of the account's NetLiquidation
}

// Side is an execution's side as the gateway spells it.
type Side string

const (
	Bought Side = "BOT"
	Sold   Side = "SLD"
)

// Execution is one fill.
type Execution struct {
	ExecID     string
	Time       time.Time
	Symbol     string
	Side       Side
	Qty        float64
	Price      float64
	Exchange   string
	OrderID    int64
	ClientID   int64
	Commission float64 // 0 until its COMMISSION_REPORT arrives
	Currency   string
}

// Order is one open order, shown and never changed.
type Order struct {
	OrderID   int64
	PermID    int64
	ClientID  int64
	Account   string
	Symbol    string
	Action    string // BUY / SELL
	Type      string // LMT, MKT, STP, ...
	Qty       float64
	Filled    float64
	Remaining float64
	LmtPrice  float64 // 0 when unset
	AuxPrice  float64 // 0 when unset
	TIF       string
	Status    string // Submitted, PreSubmitted, ...
}
