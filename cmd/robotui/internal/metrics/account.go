package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/robotui/robotui/engine"
)

// Gauges of the account view: the same figures as the `account` and
// `position` events, read from the snapshot at scrape time.
var (
	descNetLiq      = prometheus.NewDesc("robotui_account_net_liquidation", "Net liquidation value per account, in its base currency.", []string{"account"}, nil)
	descCash        = prometheus.NewDesc("robotui_account_cash", "Total cash value per account.", []string{"account"}, nil)
	descBuyPower    = prometheus.NewDesc("robotui_account_buying_power", "Buying power per account.", []string{"account"}, nil)
	descDailyPnL    = prometheus.NewDesc("robotui_account_daily_pnl", "Today's P&L per account.", []string{"account"}, nil)
	descUnrealPnL   = prometheus.NewDesc("robotui_account_unrealized_pnl", "Unrealized P&L per account.", []string{"account"}, nil)
	descRealPnL     = prometheus.NewDesc("robotui_account_realized_pnl", "Realized P&L per account (today).", []string{"account"}, nil)
	descStale       = prometheus.NewDesc("robotui_account_stale", "1 while an account's figures are the last known (the session is not ready).", []string{"account"}, nil)
	descExecs       = prometheus.NewDesc("robotui_account_executions", "Today's fills per account.", []string{"account"}, nil)
	descOrders      = prometheus.NewDesc("robotui_account_open_orders", "Open orders of every client per account.", []string{"account"}, nil)
	descPosQty      = prometheus.NewDesc("robotui_position_qty", "Position size per account and symbol (negative when short).", []string{"account", "symbol"}, nil)
	descPosCost     = prometheus.NewDesc("robotui_position_avg_cost", "Average cost per account and symbol.", []string{"account", "symbol"}, nil)
	descPosValue    = prometheus.NewDesc("robotui_position_market_value", "Market value per account and symbol.", []string{"account", "symbol"}, nil)
	descPosUnrealPL = prometheus.NewDesc("robotui_position_unrealized_pnl", "Unrealized P&L per account and symbol.", []string{"account", "symbol"}, nil)
)

var accountDescs = []*prometheus.Desc{descNetLiq, descCash, descBuyPower, descDailyPnL, descUnrealPnL, descRealPnL, descStale,
	descExecs, descOrders, descPosQty, descPosCost, descPosValue, descPosUnrealPL}

func collectAccounts(s engine.Snapshot, ch chan<- prometheus.Metric) {
	g := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	seen := map[[2]string]bool{} // one series per (account, symbol): two contracts of a symbol sum
	for _, b := range s.Accounts {
		stale := 0.0
		if b.Stale {
			stale = 1
		}
		g(descStale, stale, b.Account)
		if b.UpdatedAt.IsZero() {
			continue // nothing downloaded yet: no figures rather than zeros
		}
		sm := b.Summary
		g(descNetLiq, sm.NetLiquidation, b.Account)
		g(descCash, sm.Cash, b.Account)
		g(descBuyPower, sm.BuyingPower, b.Account)
		g(descDailyPnL, sm.DailyPnL, b.Account)
		g(descUnrealPnL, sm.UnrealizedPnL, b.Account)
		g(descRealPnL, sm.RealizedPnL, b.Account)
		g(descExecs, float64(len(b.Executions)), b.Account)
		g(descOrders, float64(len(b.Orders)), b.Account)
		sums := map[string][4]float64{}
		var order []string
		for _, p := range b.Positions {
			if !seen[[2]string{b.Account, p.Symbol}] {
				seen[[2]string{b.Account, p.Symbol}] = true
				order = append(order, p.Symbol)
			}
			v := sums[p.Symbol]
			v[0] += p.Qty
			v[1] = p.AvgCost
			v[2] += p.MarketValue
			v[3] += p.UnrealizedPnL
			sums[p.Symbol] = v
		}
		for _, sym := range order {
			v := sums[sym]
			g(descPosQty, v[0], b.Account, sym)
			g(descPosCost, v[1], b.Account, sym)
			g(descPosValue, v[2], b.Account, sym)
			g(descPosUnrealPL, v[3], b.Account, sym)
		}
	}
}
