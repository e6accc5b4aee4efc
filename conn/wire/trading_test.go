package wire

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// tradingSample is a trading-half message, the field count PROTOCOL-trading.md
// gives for it at version v (id included), and what decoding must give.
type tradingSample struct {
	name   string
	msg    Message
	fields func(v int) int
	expect func(v int) Message
	server bool
	// lenient: the last field is optional on decode (clients differ on it).
	lenient bool
}

func gate(v, min, n int) int {
	if v >= min {
		return n
	}
	return 0
}

// openOrderFieldsDoc is PROTOCOL-trading.md §6.1's table (fields after the id).
var openOrderFieldsDoc = map[int][2]int{ // version → {deltaNeutralOrderType "", "None"}
	157: {119, 127}, 165: {122, 130}, 176: {127, 135}, 178: {126, 134}, 187: {129, 137}, 200: {147, 155},
}

// openOrderFields counts OPEN_ORDER's fields (id included) at v by the gates of §6.1.
func openOrderFields(v int, dnNone bool) int {
	n := 1 + gate(-v, -(VersionOrderContainer-1), 1) // id, version below 145
	n += 1 + 11 + 5 + 12 + 1 + 3                     // orderId … faPercentage
	if v < VersionFAProfileDesupport {
		n++
	}
	n += gate(v, VersionModelsSupport, 1) + 22 + 1 + 3 + 2
	if dnNone {
		n += 8
	}
	n += 7 + 3 + 3 + 1 + 4 + 1 + 1 + 2 + 1 // … status
	n += gate(v, VersionWhatIfExtFields, 6) + 3 + 4 + gate(v, VersionFullOrderPreview, 13) + 1 + 2
	n += gate(v, VersionPeggedToBenchmark, 9) + gate(v, VersionSoftDollarTier, 3) + gate(v, VersionCashQty, 1)
	for _, g := range []int{VersionAutoPriceForHedge, VersionOrderContainer, VersionDPegOrders, VersionPriceMgmtAlgo,
		VersionDuration, VersionPostToAts, VersionAutoCancelParent, VersionCustomerAccount, VersionProfessionalCustomer,
		VersionBondAccruedInterest, VersionIncludeOvernight, VersionSubmitter, VersionImbalanceOnly} {
		n += gate(v, g, 1)
	}
	return n + gate(v, VersionPegBestPegMidOffsets, 5) + gate(v, VersionCMETaggingOpenOrder, 2)
}

// contractDataFields counts CONTRACT_DATA's fields (id included) for a STK with no lists.
func contractDataFields(v int) int {
	n := 1 + gate(-v, -(VersionSizeRules-1), 1) + 1 + 3 + gate(v, VersionLastTradeDate, 1) + 9
	if v >= VersionMdSizeMultiplier && v < VersionSizeRules {
		n++
	}
	n += 6 + 8 + 2 + 1 // multiplier … primaryExchange, contractMonth … evRule, evMultiplier, secIdListCount
	n += gate(v, VersionAggGroup, 1) + gate(v, VersionUnderlyingInfo, 2) + gate(v, VersionMarketRules, 1) +
		gate(v, VersionRealExpirationDate, 1) + gate(v, VersionStockType, 1) + gate(v, VersionSizeRules, 3) +
		gate(v, VersionIneligibilityReasons, 1)
	if v == VersionFractionalSize {
		n++
	}
	return n
}

var sampleOrder = OpenOrder{OrderID: 7, Contract: Contract{ConID: 265598, Symbol: "AAPL", SecType: "STK", Exchange: "SMART", Currency: "USD", LocalSymbol: "AAPL", TradingClass: "NMS"},
	Action: "BUY", TotalQty: 100, OrderType: "LMT", LmtPrice: 150.25, AuxPrice: UnsetDouble, TIF: "GTC", Account: "DU1234567", OrderRef: "other-1",
	ClientID: 17, PermID: 1376327563, DeltaNeutralOrderType: "None", Status: "Submitted", Commission: UnsetDouble, CommissionCurrency: "USD"}

var sampleExec = ExecutionData{ReqID: 4, OrderID: 7, Contract: Contract{ConID: 265598, Symbol: "AAPL", SecType: "STK", Exchange: "ISLAND", Currency: "USD", LocalSymbol: "AAPL", TradingClass: "NMS"},
	Exec: Execution{ExecID: "00025b46.63f8f39c.01.01", Time: "20260413 15:27:04 US/Eastern", Account: "DU1234567", Exchange: "ISLAND", Side: "BOT", Shares: 100, Price: 196.52,
		PermID: 1376327563, ClientID: 17, CumQty: 100, AvgPrice: 196.52, OrderRef: "other-1", ModelCode: "m", LastLiquidity: 2, PendingPriceRevision: true, Submitter: "me"}}

var sampleDetails = ContractDetails{Contract: Contract{ConID: 265598, Symbol: "AAPL", SecType: "STK", Exchange: "SMART", PrimaryExchange: "NASDAQ", Currency: "USD", LocalSymbol: "AAPL", TradingClass: "NMS"},
	LastTradeDate: "x", MarketName: "NMS", MinTick: 0.01, OrderTypes: "LMT,MKT", ValidExchanges: "SMART,NASDAQ", PriceMagnifier: 1, LongName: "APPLE INC — é",
	Industry: "Technology", TimeZoneID: "US/Eastern", TradingHours: "20260101:0930-20260101:1600", EvMultiplier: 0, AggGroup: 1, UnderSymbol: "u", UnderSecType: "STK",
	MarketRuleIDs: "26", RealExpirationDate: "r", StockType: "COMMON", MinSize: 1, SizeIncrement: 1, SuggestedSizeIncrement: 100}

func tradingSamples() []tradingSample {
	dropModel := func(v int) Message {
		e := sampleExec
		if v < VersionModelsSupport {
			e.Exec.ModelCode = ""
		}
		if v < VersionLastLiquidity {
			e.Exec.LastLiquidity = 0
		}
		if v < VersionPendingPriceRevision {
			e.Exec.PendingPriceRevision = false
		}
		if v < VersionSubmitter {
			e.Exec.Submitter = ""
		}
		return &e
	}
	return []tradingSample{
		{name: "ReqAcctData", msg: &ReqAcctData{Subscribe: true, Account: "DU1234567"}, fields: fixed(4)},
		{name: "ReqPnL", msg: &ReqPnL{ReqID: 5, Account: "DU1234567"}, fields: fixed(4)},
		{name: "CancelPnL", msg: &CancelPnL{ReqID: 5}, fields: fixed(2)},
		{name: "ReqPnLSingle", msg: &ReqPnLSingle{ReqID: 6, Account: "DU1234567", ConID: 265598}, fields: fixed(5)},
		{name: "CancelPnLSingle", msg: &CancelPnLSingle{ReqID: 6}, fields: fixed(2)},
		{name: "ReqAccountUpdatesMulti", msg: &ReqAccountUpdatesMulti{ReqID: 7, Account: "DU1234567", LedgerAndNLV: true}, fields: fixed(6)},
		{name: "CancelAccountUpdatesMulti", msg: &CancelAccountUpdatesMulti{ReqID: 7}, fields: fixed(3)},
		{name: "ReqContractData", msg: &ReqContractData{ReqID: 8, Contract: Contract{ConID: 265598, SecType: "STK"}, IssuerID: "i"},
			lenient: true, fields: func(v int) int { return 18 + gate(v, VersionBondIssuerID, 1) },
			expect: func(v int) Message {
				m := &ReqContractData{ReqID: 8, Contract: Contract{ConID: 265598, SecType: "STK"}}
				if v >= VersionBondIssuerID {
					m.IssuerID = "i"
				}
				return m
			}},
		{name: "ReqExecutions", msg: &ReqExecutions{ReqID: 9, Filter: ExecutionFilter{AcctCode: "DU1234567", LastNDays: UnsetInt, SpecificDates: []string{"20260413"}}},
			fields: func(v int) int { return 10 + gate(v, VersionParametrizedDays, 3) },
			expect: func(v int) Message {
				if v < VersionParametrizedDays {
					return &ReqExecutions{ReqID: 9, Filter: ExecutionFilter{AcctCode: "DU1234567"}}
				}
				return &ReqExecutions{ReqID: 9, Filter: ExecutionFilter{AcctCode: "DU1234567", LastNDays: UnsetInt, SpecificDates: []string{"20260413"}}}
			}},
		{name: "ReqOpenOrders", msg: &ReqOpenOrders{}, fields: fixed(2)},
		{name: "ReqAllOpenOrders", msg: &ReqAllOpenOrders{}, fields: fixed(2)},
		{name: "ReqAutoOpenOrders", msg: &ReqAutoOpenOrders{AutoBind: true}, fields: fixed(3)},

		{server: true, name: "AcctValue", msg: &AcctValue{Key: "NetLiquidation", Value: "100000.00", Currency: "USD", Account: "DU1234567"}, fields: fixed(6)},
		{server: true, name: "PortfolioValue", msg: &PortfolioValue{Contract: Contract{ConID: 265598, Symbol: "AAPL", SecType: "STK", PrimaryExchange: "NASDAQ", Currency: "USD", LocalSymbol: "AAPL", TradingClass: "NMS"},
			Position: 100, MarketPrice: 190.5, MarketValue: 19050, AverageCost: 150.25, UnrealizedPnL: 4025, RealizedPnL: UnsetDouble, Account: "DU1234567"}, fields: fixed(20)},
		{server: true, name: "AcctUpdateTime", msg: &AcctUpdateTime{Time: "12:00"}, fields: fixed(3)},
		{server: true, name: "AcctDownloadEnd", msg: &AcctDownloadEnd{Account: "DU1234567"}, fields: fixed(3)},
		{server: true, name: "PnL", msg: &PnL{ReqID: 5, DailyPnL: -12.5, UnrealizedPnL: 4025, RealizedPnL: 7},
			fields: func(v int) int { return 3 + gate(v, VersionUnrealizedPnL, 1) + gate(v, VersionRealizedPnL, 1) },
			expect: func(v int) Message {
				m := &PnL{ReqID: 5, DailyPnL: -12.5}
				if v >= VersionUnrealizedPnL {
					m.UnrealizedPnL = 4025
				}
				if v >= VersionRealizedPnL {
					m.RealizedPnL = 7
				}
				return m
			}},
		{server: true, name: "PnLSingle", msg: &PnLSingle{ReqID: 6, Pos: 100, DailyPnL: -12.5, UnrealizedPnL: 4025, RealizedPnL: 7, Value: 19050},
			fields: func(v int) int { return 5 + gate(v, VersionUnrealizedPnL, 1) + gate(v, VersionRealizedPnL, 1) },
			expect: func(v int) Message {
				m := &PnLSingle{ReqID: 6, Pos: 100, DailyPnL: -12.5, Value: 19050}
				if v >= VersionUnrealizedPnL {
					m.UnrealizedPnL = 4025
				}
				if v >= VersionRealizedPnL {
					m.RealizedPnL = 7
				}
				return m
			}},
		{server: true, name: "AccountUpdateMulti", msg: &AccountUpdateMulti{ReqID: 7, Account: "DU1234567", Key: "NetLiquidation", Value: "1", Currency: "USD"}, fields: fixed(8)},
		{server: true, name: "AccountUpdateMultiEnd", msg: &AccountUpdateMultiEnd{ReqID: 7}, fields: fixed(3)},
		{server: true, name: "ContractData", msg: &ContractData{ReqID: 8, Details: sampleDetails}, fields: contractDataFields,
			expect: func(v int) Message {
				d := sampleDetails
				if v < VersionLastTradeDate {
					d.LastTradeDate = ""
				}
				if v < VersionAggGroup {
					d.AggGroup = 0
				}
				if v < VersionUnderlyingInfo {
					d.UnderSymbol, d.UnderSecType = "", ""
				}
				if v < VersionMarketRules {
					d.MarketRuleIDs = ""
				}
				if v < VersionRealExpirationDate {
					d.RealExpirationDate = ""
				}
				if v < VersionStockType {
					d.StockType = ""
				}
				if v < VersionSizeRules {
					d.SizeIncrement, d.SuggestedSizeIncrement = 0, 0
					if v != VersionFractionalSize {
						d.MinSize = 0
					}
				}
				return &ContractData{ReqID: 8, Details: d}
			}},
		{server: true, name: "ContractDataEnd", msg: &ContractDataEnd{ReqID: 8}, fields: fixed(3)},
		{server: true, name: "ExecutionData", msg: &sampleExec,
			fields: func(v int) int {
				return 30 + gate(v, VersionModelsSupport, 1) + gate(v, VersionPendingPriceRevision, 1) + gate(v, VersionSubmitter, 1)
			}, expect: dropModel},
		{server: true, name: "ExecutionDataEnd", msg: &ExecutionDataEnd{ReqID: 9}, fields: fixed(3)},
		{server: true, name: "CommissionReport", msg: &CommissionReport{ExecID: "00025b46.63f8f39c.01.01", Commission: 1, Currency: "USD", RealizedPnL: UnsetDouble, Yield: UnsetDouble}, fields: fixed(8)},
		{server: true, name: "OrderStatus", msg: &OrderStatus{OrderID: 7, Status: "Submitted", Filled: 0, Remaining: 100, PermID: 1376327563, ClientID: 17, MktCapPrice: 1},
			fields: fixed(12),
			expect: func(v int) Message {
				m := &OrderStatus{OrderID: 7, Status: "Submitted", Filled: 0, Remaining: 100, PermID: 1376327563, ClientID: 17}
				if v >= VersionMarketCapPrice {
					m.MktCapPrice = 1
				}
				return m
			}},
		{server: true, name: "OpenOrder", msg: &sampleOrder, fields: func(v int) int { return openOrderFields(v, true) }},
		{server: true, name: "OpenOrderPlainDN", msg: func() *OpenOrder { o := sampleOrder; o.DeltaNeutralOrderType = ""; return &o }(), fields: func(v int) int { return openOrderFields(v, false) }},
		{server: true, name: "OpenOrderEnd", msg: &OpenOrderEnd{}, fields: fixed(2)},
		{server: true, name: "CompletedOrdersEnd", msg: &CompletedOrdersEnd{}, fields: fixed(1)},
		{name: "ReqCompletedOrders", msg: &ReqCompletedOrders{APIOnly: true}, fields: fixed(2)},
	}
}

// TestTradingRoundTripEveryVersion encodes every trading message at every
// negotiated version, checks its field count and decodes it back.
func TestTradingRoundTripEveryVersion(t *testing.T) {
	for _, sm := range tradingSamples() {
		for v := MinVersion; v <= MaxVersion; v++ {
			payload := sm.msg.AppendFields(nil, v)
			if got, want := countFields(payload), sm.fields(v); got != want {
				t.Errorf("%s v%d: %d fields, want %d: %q", sm.name, v, got, want, payload)
			}
			decode := DecodeClientMessage
			if sm.server {
				decode = DecodeServerMessage
			}
			got, err := decode(payload, v)
			if err != nil {
				t.Fatalf("%s v%d: decode: %v", sm.name, v, err)
			}
			want := sm.msg
			if sm.expect != nil {
				want = sm.expect(v)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s v%d: decoded %+v, want %+v", sm.name, v, got, want)
			}
			// One field fewer must not decode: the decoder reads every field of the layout.
			short := payload[:bytes.LastIndexByte(payload[:len(payload)-1], 0)+1]
			if _, err := decode(short, v); !errors.Is(err, ErrMissingField) && sm.fields(v) > 2 && !(sm.lenient && v >= VersionBondIssuerID) {
				t.Errorf("%s v%d: one field short decoded (err %v)", sm.name, v, err)
			}
		}
	}
}

func TestOpenOrderCountsMatchProtocolTable(t *testing.T) {
	for v, want := range openOrderFieldsDoc {
		if got := openOrderFields(v, false) - 1; got != want[0] {
			t.Errorf("v%d deltaNeutralOrderType \"\": %d fields after the id, PROTOCOL-trading.md says %d", v, got, want[0])
		}
		if got := openOrderFields(v, true) - 1; got != want[1] {
			t.Errorf("v%d deltaNeutralOrderType None: %d fields after the id, PROTOCOL-trading.md says %d", v, got, want[1])
		}
	}
}

// vector is one server message of ../shared/vectors (official decoder traces).
type vector struct {
	id, v, fieldsAfterID int
	payload              []byte
}

func loadVectors(t *testing.T) []vector {
	files, _ := filepath.Glob("/work/shared/vectors/vectors-v*.txt")
	if len(files) == 0 {
		t.Skip("no ../shared/vectors on this machine")
	}
	var out []vector
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for i := 0; i+1 < len(lines); i++ {
			h := strings.Fields(lines[i])
			if len(h) < 3 || !strings.HasPrefix(h[2], "fields_after_id=") {
				continue
			}
			id, _ := strconv.Atoi(h[0])
			v, _ := strconv.Atoi(strings.TrimPrefix(h[1], "v"))
			n, _ := strconv.Atoi(strings.TrimPrefix(h[2], "fields_after_id="))
			out = append(out, vector{id: id, v: v, fieldsAfterID: n, payload: []byte(strings.ReplaceAll(lines[i+1], "|", "\x00"))})
			i++
		}
	}
	return out
}

// TestSharedVectors decodes the official decoder's per-version vectors: every
// field is consumed (one fewer fails), and re-encoding gives the same count.
func TestSharedVectors(t *testing.T) {
	seen := map[int]int{}
	for _, vec := range loadVectors(t) {
		if vec.id == InCompletedOrder {
			continue // not decoded by robotui
		}
		if got := countFields(vec.payload); got != vec.fieldsAfterID+1 {
			t.Fatalf("vector %d v%d has %d fields, header says %d+1", vec.id, vec.v, got, vec.fieldsAfterID)
		}
		m, err := DecodeServerMessage(vec.payload, vec.v)
		if err != nil {
			t.Fatalf("vector %d v%d: %v", vec.id, vec.v, err)
		}
		if _, ok := m.(*Unknown); ok {
			t.Fatalf("vector %d v%d: not decoded", vec.id, vec.v)
		}
		short := vec.payload[:bytes.LastIndexByte(vec.payload[:len(vec.payload)-1], 0)+1]
		if _, err := DecodeServerMessage(short, vec.v); !errors.Is(err, ErrMissingField) {
			t.Errorf("vector %d v%d: one field short decoded (err %v)", vec.id, vec.v, err)
		}
		if got := countFields(m.AppendFields(nil, vec.v)); got != vec.fieldsAfterID+1 {
			t.Errorf("vector %d v%d: re-encoded to %d fields, want %d", vec.id, vec.v, got, vec.fieldsAfterID+1)
		}
		switch m := m.(type) {
		case *OpenOrder:
			if m.OrderID != 7 || m.Contract.Symbol != "AAPL" || m.Status != "Submitted" || m.TotalQty != 100 || m.LmtPrice != 150.25 || m.ClientID != 17 || m.Account != "DU1234567" || m.DeltaNeutralOrderType != "None" {
				t.Errorf("v%d open order %+v", vec.v, m)
			}
		case *OrderStatus:
			if m.OrderID != 7 || m.Status != "Submitted" || m.Remaining != 100 || m.ClientID != 17 {
				t.Errorf("v%d order status %+v", vec.v, m)
			}
		case *ExecutionData:
			if m.ReqID != -1 || m.Exec.ExecID != "00025b46.63f8f39c.01.01" || m.Exec.Side != "BOT" || m.Exec.Shares != 100 || m.Exec.Price != 196.52 {
				t.Errorf("v%d execution %+v", vec.v, m)
			}
		case *CommissionReport:
			if m.Commission != 1 || m.Currency != "USD" || m.RealizedPnL != UnsetDouble {
				t.Errorf("v%d commission %+v", vec.v, m)
			}
		}
		seen[vec.id]++
	}
	for _, id := range []int{InOpenOrder, InOrderStatus, InExecutionData, InCommissionReport} {
		if seen[id] < 6 {
			t.Errorf("message %d: %d vectors, want one per version 157..200", id, seen[id])
		}
	}
}

// TestUnsetDoubleSpellings: every spelling of an unset double a peer writes
// (PROTOCOL-trading.md §4) reads as UnsetDouble or, for "", as zero.
func TestUnsetDoubleSpellings(t *testing.T) {
	huge := "179769313486231570" + strings.Repeat("0", 291)
	for _, tt := range []struct {
		text string
		want float64
	}{{"", 0}, {"1.7976931348623157e+308", UnsetDouble}, {"1.7976931348623157E308", UnsetDouble}, {huge, UnsetDouble}} {
		p := "7\x008\x001\x00X\x00STK\x00\x000\x00\x00\x00\x00USD\x00X\x00X\x001\x00" + tt.text + "\x000\x000\x000\x00" + tt.text + "\x00DU1\x00"
		m, err := DecodeServerMessage([]byte(p), 176)
		if err != nil {
			t.Fatalf("%q: %v", tt.text, err)
		}
		pv := m.(*PortfolioValue)
		if pv.MarketPrice != tt.want || pv.RealizedPnL != tt.want {
			t.Errorf("%q: read %v / %v, want %v", tt.text, pv.MarketPrice, pv.RealizedPnL, tt.want)
		}
	}
}

func TestTradingDecodeRejectsHostileCounts(t *testing.T) {
	for _, p := range []string{
		"7\x008\x001\x00", // truncated portfolio value
		"10\x00" + "1\x00X\x00STK\x00\x00\x000\x00\x00SMART\x00USD\x00X\x00N\x00X\x001\x000.01\x00\x00\x00\x00\x000\x000\x00n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x000\x0099999999\x00",
	} {
		if _, err := DecodeServerMessage([]byte(p), 200); err == nil {
			t.Errorf("%q decoded", p)
		}
	}
	for _, p := range []string{
		"7\x008\x001\x00X\x00STK\x00\x000\x00\x00\x00\x00USD\x00X\x00X\x00NaN\x001\x001\x001\x001\x001\x00DU1\x00",
		"94\x001\x00Infinity\x000\x000\x00",
		"3\x007\x00Submitted\x00NaN\x00100\x000\x001\x000\x000\x001\x00\x000\x00",
	} {
		if _, err := DecodeServerMessage([]byte(p), 200); !errors.Is(err, ErrNonFinite) {
			t.Errorf("%q: %v, want ErrNonFinite", p, err)
		}
	}
	if _, err := DecodeClientMessage([]byte("7\x003\x001\x000\x00\x00\x00\x00\x00\x00\x000\x00-5\x00"), 200); err == nil {
		t.Error("negative date count decoded")
	}
}
