package ibsim

import (
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/robotui/robotui/conn/wire"
)

// stockSpec is a universe entry: a SMART-routed USD stock or ETF.
type stockSpec struct {
	symbol   string
	price    float64
	vol      float64
	exchange string
	conID    int64
}

// instrument is what the simulator knows about one symbol.
type instrument struct {
	symbol   string
	price    float64 // base price the random walk reverts to
	vol      float64 // annualised volatility
	exchange string  // primary exchange
	conID    int64

	// Set only for the non-US-stock extras; empty means a SMART-routed USD stock.
	secType, currency, localSymbol, tradingClass, lastTrade, multiplier, venue string
	minTick                                                                    float64
}

// extras are contracts that clients' default probes look for (ib_async's
// and stoqey's examples: EURUSD on IDEALPRO, an ES future on CME). They are
// in every market but not in DefaultSymbols.
var extras = []instrument{
	{symbol: "EUR", price: 1.08, vol: 0.07, exchange: "IDEALPRO", conID: 12087792, secType: "CASH", currency: "USD",
		localSymbol: "EUR.USD", tradingClass: "EUR.USD", venue: "IDEALPRO", minTick: 0.00005},
	{symbol: "ES", price: 5000, vol: 0.16, exchange: "CME", conID: 551601561, secType: "FUT", currency: "USD",
		localSymbol: "ESZ6", tradingClass: "ES", lastTrade: "20261218", multiplier: "50", venue: "CME", minTick: 0.25},
}

// SecType is the instrument's security type.
func (in instrument) SecType() string { return cmpOr(in.secType, "STK") }

// Currency is the instrument's currency.
func (in instrument) Currency() string { return cmpOr(in.currency, "USD") }

// mult is the contract multiplier as a number (1 for stocks and cash).
func (in instrument) mult() float64 {
	if in.multiplier == "" {
		return 1
	}
	v, _ := strconv.ParseFloat(in.multiplier, 64)
	return max(v, 1)
}

// contract is how the gateway describes the instrument: exchange as routed.
func (in instrument) contract() wire.Contract {
	k := wire.Contract{ConID: in.conID, Symbol: in.symbol, SecType: in.SecType(), Exchange: "SMART", PrimaryExchange: in.exchange,
		Currency: in.Currency(), LocalSymbol: cmpOr(in.localSymbol, in.symbol), TradingClass: cmpOr(in.tradingClass, tradingClass(in)),
		LastTradeDateOrContractMonth: in.lastTrade, Multiplier: in.multiplier}
	if in.venue != "" {
		k.Exchange, k.PrimaryExchange = in.venue, ""
	}
	return k
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// universe: common US stocks and ETFs with base prices of late 2024. A few
// conIds are IB's real ones; the rest are synthetic but stable.
var universe = []stockSpec{
	{"AAPL", 190, 0.28, "NASDAQ", 265598}, {"MSFT", 420, 0.25, "NASDAQ", 272093},
	{"AMZN", 180, 0.33, "NASDAQ", 3691937}, {"NVDA", 120, 0.55, "NASDAQ", 4815747},
	{"GOOGL", 170, 0.30, "NASDAQ", 0}, {"GOOG", 172, 0.30, "NASDAQ", 0},
	{"META", 500, 0.38, "NASDAQ", 0}, {"TSLA", 250, 0.60, "NASDAQ", 76792991},
	{"AVGO", 160, 0.45, "NASDAQ", 0}, {"COST", 880, 0.22, "NASDAQ", 0},
	{"PEP", 170, 0.18, "NASDAQ", 0}, {"ADBE", 520, 0.35, "NASDAQ", 0},
	{"CSCO", 50, 0.22, "NASDAQ", 0}, {"NFLX", 650, 0.40, "NASDAQ", 0},
	{"AMD", 150, 0.52, "NASDAQ", 0}, {"INTC", 30, 0.45, "NASDAQ", 0},
	{"QCOM", 170, 0.38, "NASDAQ", 0}, {"TXN", 195, 0.27, "NASDAQ", 0},
	{"INTU", 640, 0.32, "NASDAQ", 0}, {"AMGN", 320, 0.24, "NASDAQ", 0},
	{"HON", 210, 0.20, "NASDAQ", 0}, {"AMAT", 200, 0.45, "NASDAQ", 0},
	{"BKNG", 3900, 0.30, "NASDAQ", 0}, {"SBUX", 95, 0.30, "NASDAQ", 0},
	{"ISRG", 480, 0.30, "NASDAQ", 0}, {"MDLZ", 70, 0.18, "NASDAQ", 0},
	{"GILD", 80, 0.24, "NASDAQ", 0}, {"ADP", 280, 0.20, "NASDAQ", 0},
	{"REGN", 1000, 0.28, "NASDAQ", 0}, {"VRTX", 470, 0.26, "NASDAQ", 0},
	{"LRCX", 80, 0.48, "NASDAQ", 0}, {"MU", 100, 0.50, "NASDAQ", 0},
	{"PYPL", 70, 0.40, "NASDAQ", 0}, {"ADI", 220, 0.30, "NASDAQ", 0},
	{"PANW", 350, 0.40, "NASDAQ", 0}, {"KLAC", 750, 0.42, "NASDAQ", 0},
	{"SNPS", 520, 0.35, "NASDAQ", 0}, {"CDNS", 280, 0.35, "NASDAQ", 0},
	{"MRVL", 75, 0.55, "NASDAQ", 0}, {"ORLY", 1150, 0.22, "NASDAQ", 0},
	{"MAR", 260, 0.26, "NASDAQ", 0}, {"CTAS", 200, 0.22, "NASDAQ", 0},
	{"ABNB", 130, 0.42, "NASDAQ", 0}, {"FTNT", 70, 0.42, "NASDAQ", 0},
	{"CRWD", 300, 0.55, "NASDAQ", 0}, {"PDD", 110, 0.55, "NASDAQ", 0},
	{"ASML", 800, 0.40, "NASDAQ", 0}, {"CMCSA", 40, 0.25, "NASDAQ", 0},
	{"TMUS", 220, 0.20, "NASDAQ", 0}, {"CHTR", 350, 0.35, "NASDAQ", 0},
	{"MELI", 2000, 0.40, "NASDAQ", 0}, {"WDAY", 250, 0.35, "NASDAQ", 0},
	{"DXCM", 75, 0.45, "NASDAQ", 0}, {"ZS", 190, 0.50, "NASDAQ", 0},
	{"TEAM", 190, 0.50, "NASDAQ", 0}, {"DDOG", 120, 0.50, "NASDAQ", 0},
	{"ON", 70, 0.50, "NASDAQ", 0}, {"CSX", 34, 0.22, "NASDAQ", 0},
	{"PCAR", 105, 0.25, "NASDAQ", 0}, {"KDP", 33, 0.18, "NASDAQ", 0},
	{"MNST", 52, 0.24, "NASDAQ", 0}, {"ROST", 145, 0.26, "NASDAQ", 0},
	{"LULU", 300, 0.40, "NASDAQ", 0}, {"EA", 145, 0.25, "NASDAQ", 0},
	{"EBAY", 60, 0.30, "NASDAQ", 0}, {"PLTR", 40, 0.65, "NASDAQ", 0},
	{"JPM", 210, 0.22, "NYSE", 0}, {"V", 280, 0.18, "NYSE", 0},
	{"MA", 470, 0.19, "NYSE", 0}, {"JNJ", 155, 0.16, "NYSE", 0},
	{"WMT", 80, 0.18, "NYSE", 0}, {"PG", 165, 0.15, "NYSE", 0},
	{"XOM", 115, 0.24, "NYSE", 0}, {"UNH", 560, 0.25, "NYSE", 0},
	{"HD", 390, 0.22, "NYSE", 0}, {"CVX", 155, 0.24, "NYSE", 0},
	{"KO", 68, 0.14, "NYSE", 0}, {"MRK", 110, 0.20, "NYSE", 0},
	{"ABBV", 190, 0.22, "NYSE", 0}, {"BAC", 40, 0.28, "NYSE", 0},
	{"CRM", 280, 0.35, "NYSE", 0}, {"LLY", 900, 0.32, "NYSE", 0},
	{"ORCL", 170, 0.32, "NYSE", 0}, {"MCD", 290, 0.17, "NYSE", 0},
	{"DIS", 95, 0.28, "NYSE", 0}, {"WFC", 60, 0.28, "NYSE", 0},
	{"ABT", 115, 0.20, "NYSE", 0}, {"DHR", 260, 0.24, "NYSE", 0},
	{"PFE", 29, 0.24, "NYSE", 0}, {"NKE", 80, 0.32, "NYSE", 0},
	{"T", 22, 0.22, "NYSE", 0}, {"VZ", 42, 0.20, "NYSE", 0},
	{"IBM", 220, 0.22, "NYSE", 8314}, {"CAT", 370, 0.28, "NYSE", 0},
	{"GE", 180, 0.30, "NYSE", 0}, {"GS", 500, 0.26, "NYSE", 0},
	{"MS", 110, 0.27, "NYSE", 0}, {"BA", 160, 0.38, "NYSE", 0},
	{"UPS", 130, 0.28, "NYSE", 0}, {"RTX", 120, 0.22, "NYSE", 0},
	{"LMT", 550, 0.20, "NYSE", 0}, {"DE", 400, 0.26, "NYSE", 0},
	{"SPGI", 510, 0.22, "NYSE", 0}, {"BLK", 950, 0.24, "NYSE", 0},
	{"C", 65, 0.30, "NYSE", 0}, {"AXP", 270, 0.26, "NYSE", 0},
	{"NEE", 75, 0.24, "NYSE", 0}, {"PM", 125, 0.20, "NYSE", 0},
	{"UNP", 240, 0.22, "NYSE", 0}, {"LOW", 260, 0.24, "NYSE", 0},
	{"TGT", 150, 0.32, "NYSE", 0}, {"F", 11, 0.38, "NYSE", 0},
	{"GM", 50, 0.36, "NYSE", 0}, {"UBER", 75, 0.42, "NYSE", 0},
	{"SHOP", 80, 0.55, "NYSE", 0}, {"SNOW", 130, 0.55, "NYSE", 0},
	{"SPY", 560, 0.15, "ARCA", 756733}, {"QQQ", 480, 0.20, "NASDAQ", 320227571},
	{"IWM", 220, 0.22, "ARCA", 0}, {"DIA", 420, 0.14, "ARCA", 0},
	{"VTI", 280, 0.15, "ARCA", 0}, {"VOO", 515, 0.15, "ARCA", 0},
	{"EFA", 80, 0.15, "ARCA", 0}, {"EEM", 44, 0.18, "ARCA", 0},
	{"TLT", 95, 0.16, "NASDAQ", 0}, {"IEF", 95, 0.07, "NASDAQ", 0},
	{"HYG", 79, 0.07, "ARCA", 0}, {"LQD", 110, 0.09, "ARCA", 0},
	{"GLD", 240, 0.14, "ARCA", 0}, {"SLV", 28, 0.28, "ARCA", 0},
	{"USO", 75, 0.32, "ARCA", 0}, {"XLF", 45, 0.18, "ARCA", 0},
	{"XLK", 225, 0.22, "ARCA", 0}, {"XLE", 90, 0.24, "ARCA", 0},
	{"XLV", 150, 0.14, "ARCA", 0}, {"XLY", 195, 0.20, "ARCA", 0},
	{"XLP", 80, 0.12, "ARCA", 0}, {"XLI", 130, 0.17, "ARCA", 0},
	{"XLU", 75, 0.17, "ARCA", 0}, {"XLB", 90, 0.18, "ARCA", 0},
	{"XLRE", 42, 0.20, "ARCA", 0}, {"SMH", 240, 0.38, "NASDAQ", 0},
	{"ARKK", 50, 0.50, "ARCA", 0}, {"VNQ", 90, 0.20, "ARCA", 0},
	{"SOXX", 220, 0.38, "NASDAQ", 0}, {"KRE", 55, 0.30, "ARCA", 0},
	{"XBI", 95, 0.35, "ARCA", 0}, {"TQQQ", 70, 0.60, "NASDAQ", 0},
	{"SQQQ", 8, 0.60, "NASDAQ", 0},
}

var universeBySymbol = func() map[string]instrument {
	m := make(map[string]instrument, len(universe))
	for _, u := range universe {
		m[u.symbol] = instrument{symbol: u.symbol, price: u.price, vol: u.vol, exchange: u.exchange, conID: u.conID}
	}
	return m
}()

// DefaultSymbols returns the simulator's default universe, in a fixed order.
func DefaultSymbols() []string {
	out := make([]string, len(universe))
	for i, in := range universe {
		out[i] = in.symbol
	}
	return out
}

// normSymbol is how symbols are compared: IB symbols are upper case.
func normSymbol(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// lookupInstrument returns the known instrument or a stable made-up one.
func lookupInstrument(symbol string) instrument {
	symbol = normSymbol(symbol)
	if in, ok := universeBySymbol[symbol]; ok {
		if in.conID == 0 {
			in.conID = syntheticConID(symbol)
		}
		return in
	}
	h := fnv64(symbol)
	return instrument{
		symbol:   symbol,
		price:    float64(10 + h%490),
		vol:      0.2 + float64(h>>20%30)/100,
		exchange: "NYSE",
		conID:    syntheticConID(symbol),
	}
}

func syntheticConID(symbol string) int64 {
	return 10_000_000 + int64(fnv64(symbol)%890_000_000)
}

func fnv64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
