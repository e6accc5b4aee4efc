package ibsim

import (
	"strconv"
	"strings"

	"github.com/robotui/robotui/conn/wire"
)

// demoPositions are held in every account; avgCost is a fraction of the
// symbol's base price. Symbols not in the universe are skipped.
var demoPositions = []struct {
	symbol string
	qty    float64
	cost   float64
}{{"AAPL", 100, 0.92}, {"MSFT", 50, 0.88}, {"SPY", 200, 0.95}, {"NVDA", 300, 0.70}}

const startingCash = 100_000.0

type position struct {
	ser     *series
	qty     float64
	avgCost float64
}

func (s *Server) positions() []position {
	var out []position
	for _, p := range demoPositions {
		if ser := s.market.lookup(p.symbol); ser != nil {
			out = append(out, position{ser: ser, qty: p.qty, avgCost: round2(ser.in.price * p.cost)})
		}
	}
	return out
}

func (s *Server) reqPositions(c *client) {
	var msgs []wire.Message
	for _, acct := range s.cfg.Accounts {
		for _, p := range s.positions() {
			in := p.ser.in
			msgs = append(msgs, &wire.PositionData{
				Account: acct,
				Contract: wire.Contract{ConID: in.conID, Symbol: in.symbol, SecType: "STK",
					Exchange: in.exchange, Currency: "USD", LocalSymbol: in.symbol, TradingClass: tradingClass(in)},
				Position: p.qty, AvgCost: p.avgCost,
			})
		}
	}
	c.send(append(msgs, &wire.PositionEnd{})...)
}

func tradingClass(in instrument) string {
	if in.exchange == "NASDAQ" {
		return "NMS"
	}
	return in.symbol
}

// reqAccountSummary answers the requested tags once per account, then END.
func (s *Server) reqAccountSummary(c *client, m *wire.ReqAccountSummary) {
	now := s.clock.Now()
	gross := 0.0
	for _, p := range s.positions() {
		price, _ := p.ser.quote(now.Unix())
		gross += p.qty * price
	}
	net := startingCash + gross
	init, maint := gross*0.25, gross*0.25
	money := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	values := map[string][2]string{
		"AccountType":                    {"INDIVIDUAL", ""},
		"NetLiquidation":                 {money(net), "USD"},
		"TotalCashValue":                 {money(startingCash), "USD"},
		"SettledCash":                    {money(startingCash), "USD"},
		"AccruedCash":                    {money(0), "USD"},
		"BuyingPower":                    {money(4 * (net - init)), "USD"},
		"EquityWithLoanValue":            {money(net), "USD"},
		"PreviousDayEquityWithLoanValue": {money(net), "USD"},
		"GrossPositionValue":             {money(gross), "USD"},
		"RegTEquity":                     {money(net), "USD"},
		"RegTMargin":                     {money(gross * 0.5), "USD"},
		"SMA":                            {money(net - gross*0.5), "USD"},
		"InitMarginReq":                  {money(init), "USD"},
		"MaintMarginReq":                 {money(maint), "USD"},
		"AvailableFunds":                 {money(net - init), "USD"},
		"ExcessLiquidity":                {money(net - maint), "USD"},
		"Cushion":                        {strconv.FormatFloat((net-maint)/net, 'f', 4, 64), ""},
		"FullInitMarginReq":              {money(init), "USD"},
		"FullMaintMarginReq":             {money(maint), "USD"},
		"FullAvailableFunds":             {money(net - init), "USD"},
		"FullExcessLiquidity":            {money(net - maint), "USD"},
		"DayTradesRemaining":             {"-1", ""},
		"Leverage":                       {strconv.FormatFloat(gross/net, 'f', 2, 64), ""},
	}
	var msgs []wire.Message
	for _, acct := range s.cfg.Accounts {
		for _, tag := range strings.Split(m.Tags, ",") {
			tag = strings.TrimSpace(tag)
			if v, ok := values[tag]; ok {
				msgs = append(msgs, &wire.AccountSummary{ReqID: m.ReqID, Account: acct, Tag: tag, Value: v[0], Currency: v[1]})
			}
		}
	}
	c.send(append(msgs, &wire.AccountSummaryEnd{ReqID: m.ReqID})...)
}
