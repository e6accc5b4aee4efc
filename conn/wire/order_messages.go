package wire

import "fmt"

// Server → client order and execution messages (PROTOCOL-trading.md §6).
// robotui decodes them for display only.

// Execution is one fill as EXECUTION_DATA carries it.
type Execution struct {
	ExecID               string
	Time                 string // "20230224  12:04:56" or "20260413 15:27:04 US/Eastern"
	Account              string
	Exchange             string
	Side                 string // BOT / SLD
	Shares               float64
	Price                float64
	PermID               int64
	ClientID             int
	Liquidation          int
	CumQty               float64
	AvgPrice             float64
	OrderRef             string
	EvRule               string
	EvMultiplier         float64
	ModelCode            string // ≥ 103
	LastLiquidity        int    // ≥ 136
	PendingPriceRevision bool   // ≥ 178
	Submitter            string // ≥ 198
}

// ExecutionData is EXECUTION_DATA (11): `11, [< 136: version 10,] reqId,
// orderId, conId, symbol, secType, lastTradeDate, strike, right, multiplier,
// exchange, currency, localSymbol, tradingClass, execId, time, acctNumber,
// exchange, side, shares, price, permId, clientId, liquidation, cumQty,
// avgPrice, orderRef, evRule, evMultiplier[, modelCode ≥ 103][, lastLiquidity
// ≥ 136][, pendingPriceRevision ≥ 178][, submitter ≥ 198]` — 31 fields at
// 157..177, 32 at 178..197, 33 from 198 (ib_async needs at least 31).
// ReqID is -1 for a live fill.
type ExecutionData struct {
	ReqID    int
	OrderID  int64
	Contract Contract // no primaryExchange on the wire
	Exec     Execution
}

func (m *ExecutionData) MsgID() int { return InExecutionData }
func (m *ExecutionData) AppendFields(dst []byte, v int) []byte {
	c, e := &m.Contract, &m.Exec
	dst = AppendInt(dst, InExecutionData)
	if v < VersionLastLiquidity {
		dst = AppendInt(dst, 10)
	}
	dst = AppendInt(dst, int64(m.ReqID))
	dst = AppendInt(dst, m.OrderID)
	dst = appendContract11(dst, c)
	dst = AppendString(dst, e.ExecID)
	dst = AppendString(dst, e.Time)
	dst = AppendString(dst, e.Account)
	dst = AppendString(dst, e.Exchange)
	dst = AppendString(dst, e.Side)
	dst = appendDecimal(dst, e.Shares, v)
	dst = AppendFloat(dst, e.Price)
	dst = AppendInt(dst, e.PermID)
	dst = AppendInt(dst, int64(e.ClientID))
	dst = AppendInt(dst, int64(e.Liquidation))
	dst = appendDecimal(dst, e.CumQty, v)
	dst = AppendFloat(dst, e.AvgPrice)
	dst = AppendString(dst, e.OrderRef)
	dst = AppendString(dst, e.EvRule)
	dst = AppendFloat(dst, e.EvMultiplier)
	if v >= VersionModelsSupport {
		dst = AppendString(dst, e.ModelCode)
	}
	if v >= VersionLastLiquidity {
		dst = AppendInt(dst, int64(e.LastLiquidity))
	}
	if v >= VersionPendingPriceRevision {
		dst = AppendBool(dst, e.PendingPriceRevision)
	}
	if v >= VersionSubmitter {
		dst = AppendString(dst, e.Submitter)
	}
	return dst
}
func (m *ExecutionData) Decode(p []byte, v int) error {
	s, err := begin(p, InExecutionData)
	if err != nil {
		return err
	}
	*m = ExecutionData{}
	c, e := &m.Contract, &m.Exec
	if v < VersionLastLiquidity {
		s.Skip(1)
	}
	m.ReqID = s.Int32()
	m.OrderID = s.Int()
	scanContract11(&s, c)
	e.ExecID = s.String()
	e.Time = s.String()
	e.Account = s.String()
	e.Exchange = s.String()
	e.Side = s.String()
	e.Shares = s.Price()
	e.Price = s.Price()
	e.PermID = s.Int()
	e.ClientID = s.Int32()
	e.Liquidation = s.Int32()
	e.CumQty = s.Price()
	e.AvgPrice = s.Price()
	e.OrderRef = s.String()
	e.EvRule = s.String()
	e.EvMultiplier = s.Float()
	if v >= VersionModelsSupport {
		e.ModelCode = s.String()
	}
	if v >= VersionLastLiquidity {
		e.LastLiquidity = s.Int32()
	}
	if v >= VersionPendingPriceRevision {
		e.PendingPriceRevision = s.Bool()
	}
	if v >= VersionSubmitter {
		e.Submitter = s.String()
	}
	return finish(&s, "EXECUTION_DATA")
}

// appendContract11 writes the 11-field contract block of EXECUTION_DATA and
// OPEN_ORDER: the 12-field one without primaryExchange.
func appendContract11(dst []byte, c *Contract) []byte {
	dst = AppendInt(dst, c.ConID)
	dst = AppendString(dst, c.Symbol)
	dst = AppendString(dst, c.SecType)
	dst = AppendString(dst, c.LastTradeDateOrContractMonth)
	dst = AppendFloat(dst, c.Strike)
	dst = AppendString(dst, c.Right)
	dst = AppendString(dst, c.Multiplier)
	dst = AppendString(dst, c.Exchange)
	dst = AppendString(dst, c.Currency)
	dst = AppendString(dst, c.LocalSymbol)
	return AppendString(dst, c.TradingClass)
}

func scanContract11(s *Scanner, c *Contract) {
	c.ConID = s.Int()
	c.Symbol = s.String()
	c.SecType = s.String()
	c.LastTradeDateOrContractMonth = s.String()
	c.Strike = s.Float()
	c.Right = s.String()
	c.Multiplier = s.String()
	c.Exchange = s.String()
	c.PrimaryExchange = ""
	c.Currency = s.String()
	c.LocalSymbol = s.String()
	c.TradingClass = s.String()
}

// ExecutionDataEnd is `55, 1, reqId`.
type ExecutionDataEnd struct{ ReqID int }

func (m *ExecutionDataEnd) MsgID() int { return InExecutionDataEnd }
func (m *ExecutionDataEnd) AppendFields(dst []byte, _ int) []byte {
	return appendReqIDOnly(dst, InExecutionDataEnd, 1, m.ReqID)
}
func (m *ExecutionDataEnd) Decode(p []byte, _ int) (err error) {
	m.ReqID, err = decodeReqIDOnly(p, InExecutionDataEnd, "EXECUTION_DATA_END")
	return err
}

// CommissionReport is `59, 1, execId, commission, currency, realizedPNL,
// yield, yieldRedemptionDate` (8 fields). RealizedPnL and Yield are
// UnsetDouble when the gateway has none (an opening fill).
type CommissionReport struct {
	ExecID              string
	Commission          float64
	Currency            string
	RealizedPnL         float64
	Yield               float64
	YieldRedemptionDate int // yyyymmdd; 0 when unset (the gateway writes "")
}

func (m *CommissionReport) MsgID() int { return InCommissionReport }
func (m *CommissionReport) AppendFields(dst []byte, _ int) []byte {
	dst = appendVersionOnly(dst, InCommissionReport)
	dst = AppendString(dst, m.ExecID)
	dst = AppendFloat(dst, m.Commission)
	dst = AppendString(dst, m.Currency)
	dst = AppendFloat(dst, m.RealizedPnL)
	dst = AppendFloat(dst, m.Yield)
	if m.YieldRedemptionDate == 0 {
		return AppendString(dst, "")
	}
	return AppendInt(dst, int64(m.YieldRedemptionDate))
}
func (m *CommissionReport) Decode(p []byte, _ int) error {
	s, err := begin(p, InCommissionReport)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.ExecID = s.String()
	m.Commission = s.Price()
	m.Currency = s.String()
	m.RealizedPnL = s.Float()
	m.Yield = s.Float()
	m.YieldRedemptionDate = s.Int32()
	return finish(&s, "COMMISSION_REPORT")
}

// OrderStatus is ORDER_STATUS (3): `3, [< 131: version,] orderId, status,
// filled, remaining, avgFillPrice, permId, parentId, lastFillPrice, clientId,
// whyHeld[, mktCapPrice ≥ 131]` — 12 fields either way.
type OrderStatus struct {
	OrderID       int64
	Status        string
	Filled        float64
	Remaining     float64
	AvgFillPrice  float64
	PermID        int64
	ParentID      int64
	LastFillPrice float64
	ClientID      int
	WhyHeld       string
	MktCapPrice   float64
}

func (m *OrderStatus) MsgID() int { return InOrderStatus }
func (m *OrderStatus) AppendFields(dst []byte, v int) []byte {
	dst = AppendInt(dst, InOrderStatus)
	if v < VersionMarketCapPrice {
		dst = AppendInt(dst, 6)
	}
	dst = AppendInt(dst, m.OrderID)
	dst = AppendString(dst, m.Status)
	dst = appendDecimal(dst, m.Filled, v)
	dst = appendDecimal(dst, m.Remaining, v)
	dst = AppendFloat(dst, m.AvgFillPrice)
	dst = AppendInt(dst, m.PermID)
	dst = AppendInt(dst, m.ParentID)
	dst = AppendFloat(dst, m.LastFillPrice)
	dst = AppendInt(dst, int64(m.ClientID))
	dst = AppendString(dst, m.WhyHeld)
	if v >= VersionMarketCapPrice {
		dst = AppendFloat(dst, m.MktCapPrice)
	}
	return dst
}
func (m *OrderStatus) Decode(p []byte, v int) error {
	s, err := begin(p, InOrderStatus)
	if err != nil {
		return err
	}
	if v < VersionMarketCapPrice {
		s.Skip(1)
	}
	m.OrderID = s.Int()
	m.Status = s.String()
	m.Filled = s.Price()
	m.Remaining = s.Price()
	m.AvgFillPrice = s.Price()
	m.PermID = s.Int()
	m.ParentID = s.Int()
	m.LastFillPrice = s.Float()
	m.ClientID = s.Int32()
	m.WhyHeld = s.String()
	m.MktCapPrice = 0
	if v >= VersionMarketCapPrice {
		m.MktCapPrice = s.Float()
	}
	return finish(&s, "ORDER_STATUS")
}

// OpenOrderEnd is `53, 1`.
type OpenOrderEnd struct{}

func (m *OpenOrderEnd) MsgID() int { return InOpenOrderEnd }
func (m *OpenOrderEnd) AppendFields(dst []byte, _ int) []byte {
	return appendVersionOnly(dst, InOpenOrderEnd)
}
func (m *OpenOrderEnd) Decode(p []byte, _ int) error {
	return decodeVersionOnly(p, InOpenOrderEnd, "OPEN_ORDER_END")
}

// OpenOrder is OPEN_ORDER (5) decoded for display: the fields a console
// shows are kept, every other field is passed over by the per-version layout
// of PROTOCOL-trading.md §6.1 (ibapi orderdecoder.py / decoder.py
// processOpenOrder, 10.37). The encoder writes a plain order in that layout
// with the values real gateways send for the rest.
type OpenOrder struct {
	OrderID               int64
	Contract              Contract // no primaryExchange on the wire
	Action                string
	TotalQty              float64
	OrderType             string
	LmtPrice              float64 // UnsetDouble when unset
	AuxPrice              float64
	TIF                   string
	Account               string
	OrderRef              string
	ClientID              int
	PermID                int64
	OutsideRTH            bool
	ParentID              int64
	DeltaNeutralOrderType string // real gateways send "None": 8 more fields follow
	Status                string
	Commission            float64 // order state: UnsetDouble until known
	CommissionCurrency    string
	WarningText           string
}

// openOrderMsgVersion is the per-message version written below
// ORDER_CONTAINER; every per-message gate (20..34) is on at it.
const openOrderMsgVersion = 34

func (m *OpenOrder) MsgID() int { return InOpenOrder }

// AppendFields writes the whole layout at v. Fields robotui does not model
// are written as a real gateway writes them for a plain order.
func (m *OpenOrder) AppendFields(dst []byte, v int) []byte {
	str := func(s string) { dst = AppendString(dst, s) }
	num := func(i int64) { dst = AppendInt(dst, i) }
	flt := func(f float64) { dst = AppendFloat(dst, f) }
	empty := func(n int) {
		for range n {
			dst = append(dst, 0)
		}
	}
	zero := func(n int) {
		for range n {
			dst = append(dst, '0', 0)
		}
	}
	unset := func(n int) {
		for range n {
			flt(UnsetDouble)
		}
	}
	num(InOpenOrder)
	if v < VersionOrderContainer {
		num(openOrderMsgVersion)
	}
	num(m.OrderID)
	dst = appendContract11(dst, &m.Contract)
	str(m.Action)
	dst = appendDecimal(dst, m.TotalQty, v)
	str(m.OrderType)
	flt(m.LmtPrice)
	flt(m.AuxPrice)
	str(m.TIF)
	empty(1) // ocaGroup
	str(m.Account)
	empty(1) // openClose
	zero(1)  // origin
	str(m.OrderRef)
	num(int64(m.ClientID))
	num(m.PermID)
	dst = AppendBool(dst, m.OutsideRTH)
	zero(2)                                                         // hidden, discretionaryAmt
	empty(1)                                                        // goodAfterTime
	str(fmt.Sprintf("%d.0/%s/%g", m.PermID, m.Account, m.TotalQty)) // sharesAllocation, as real gateways fill it
	empty(3)                                                        // faGroup, faMethod, faPercentage
	if v < VersionFAProfileDesupport {
		empty(1) // faProfile
	}
	if v >= VersionModelsSupport {
		empty(1) // modelCode
	}
	empty(4) // goodTillDate, rule80A, percentOffset, settlingFirm
	zero(1)  // shortSaleSlot
	empty(1) // designatedLocation
	num(-1)  // exemptCode
	zero(1)  // auctionStrategy
	empty(5) // startingPrice, stockRefPrice, delta, stockRangeLower, stockRangeUpper
	num(UnsetInt)
	zero(3)  // blockOrder, sweepToFill, allOrNone
	empty(1) // minQty
	num(3)   // ocaType
	zero(2)  // eTradeOnly, firmQuoteOnly
	empty(1) // nbboPriceCap
	num(m.ParentID)
	zero(1)  // triggerMethod
	empty(1) // volatility
	zero(1)  // volatilityType
	str(m.DeltaNeutralOrderType)
	empty(1) // deltaNeutralAuxPrice
	if m.DeltaNeutralOrderType != "" {
		zero(1)  // deltaNeutralConId
		empty(3) // settlingFirm, clearingAccount, clearingIntent
		str("?") // openClose
		zero(2)  // shortSale, shortSaleSlot
		empty(1) // designatedLocation
	}
	zero(1)  // continuousUpdate
	zero(1)  // referencePriceType
	empty(4) // trailStopPrice, trailingPercent, basisPoints, basisPointsType
	empty(1) // comboLegsDescrip
	zero(3)  // comboLegsCount, orderComboLegsCount, smartComboRoutingParamsCount
	empty(3) // scaleInitLevelSize, scaleSubsLevelSize, scalePriceIncrement
	empty(1) // hedgeType
	zero(1)  // optOutSmartRouting
	empty(1) // clearingAccount
	str("IB")
	zero(2) // notHeld, deltaNeutralContract
	empty(1)
	zero(2) // solicited, whatIf
	str(m.Status)
	if v >= VersionWhatIfExtFields {
		unset(6)
	}
	unset(3) // initMarginAfter, maintMarginAfter, equityWithLoanAfter
	flt(m.Commission)
	unset(2) // min/max commission
	str(m.CommissionCurrency)
	if v >= VersionFullOrderPreview {
		empty(1) // marginCurrency
		unset(9)
		empty(2) // suggestedSize, rejectReason
		zero(1)  // accountsCount
	}
	str(m.WarningText)
	zero(2) // randomizeSize, randomizePrice
	if v >= VersionPeggedToBenchmark {
		zero(1) // conditionsSize
		str("None")
		unset(6) // triggerPrice, trailStopPrice, lmtPriceOffset, adjusted stop, stop limit, trailing amount
		zero(1)  // adjustableTrailingUnit
	}
	if v >= VersionSoftDollarTier {
		empty(3)
	}
	if v >= VersionCashQty {
		unset(1)
	}
	if v >= VersionAutoPriceForHedge {
		num(1) // dontUseAutoPriceForHedge
	}
	if v >= VersionOrderContainer {
		zero(1)
	}
	if v >= VersionDPegOrders {
		zero(1)
	}
	if v >= VersionPriceMgmtAlgo {
		zero(1)
	}
	if v >= VersionDuration {
		num(UnsetInt)
	}
	if v >= VersionPostToAts {
		num(UnsetInt)
	}
	if v >= VersionAutoCancelParent {
		zero(1)
	}
	if v >= VersionPegBestPegMidOffsets {
		empty(5)
	}
	if v >= VersionCustomerAccount {
		empty(1)
	}
	if v >= VersionProfessionalCustomer {
		zero(1)
	}
	if v >= VersionBondAccruedInterest {
		empty(1)
	}
	if v >= VersionIncludeOvernight {
		zero(1)
	}
	if v >= VersionCMETaggingOpenOrder {
		empty(1)
		num(UnsetInt)
	}
	if v >= VersionSubmitter {
		empty(1)
	}
	if v >= VersionImbalanceOnly {
		zero(1)
	}
	return dst
}

// orderCondition field counts after the type field, by condition type
// (ibapi order_condition.py: connector, then the type's own fields).
var orderConditionFields = map[int]int{
	1: 6, // price: connector, isMore, conId, exchange, price, triggerMethod
	3: 3, // time: connector, isMore, time
	4: 3, // margin: connector, isMore, percent
	5: 4, // execution: connector, secType, exchange, symbol
	6: 5, // volume: connector, isMore, conId, exchange, volume
	7: 5, // percent change: connector, isMore, conId, exchange, changePercent
}

func (m *OpenOrder) Decode(p []byte, v int) error {
	s, err := begin(p, InOpenOrder)
	if err != nil {
		return err
	}
	*m = OpenOrder{}
	if v < VersionOrderContainer {
		s.Skip(1)
	}
	m.OrderID = s.Int()
	scanContract11(&s, &m.Contract)
	m.Action = s.String()
	m.TotalQty = s.Price()
	m.OrderType = s.String()
	m.LmtPrice = s.Price()
	m.AuxPrice = s.Price()
	m.TIF = s.String()
	s.Skip(1) // ocaGroup
	m.Account = s.String()
	s.Skip(2) // openClose, origin
	m.OrderRef = s.String()
	m.ClientID = s.Int32()
	m.PermID = s.Int()
	m.OutsideRTH = s.Bool()
	s.Skip(7) // hidden, discretionaryAmt, goodAfterTime, sharesAllocation, faGroup, faMethod, faPercentage
	if v < VersionFAProfileDesupport {
		s.Skip(1)
	}
	if v >= VersionModelsSupport {
		s.Skip(1)
	}
	// goodTillDate … nbboPriceCap (22 fields: 35..56 at 200)
	s.Skip(22)
	m.ParentID = s.Int()
	s.Skip(3) // triggerMethod, volatility, volatilityType
	m.DeltaNeutralOrderType = s.String()
	s.Skip(1) // deltaNeutralAuxPrice
	if m.DeltaNeutralOrderType != "" {
		s.Skip(8)
	}
	s.Skip(7) // continuousUpdate … comboLegsDescrip
	s.Skip(8 * listCount(&s, "combo leg count"))
	s.Skip(listCount(&s, "order combo leg count"))
	s.Skip(2 * listCount(&s, "smart combo routing param count"))
	s.Skip(2) // scaleInitLevelSize, scaleSubsLevelSize
	if inc := s.Float(); inc > 0 && inc != UnsetDouble {
		s.Skip(7)
	}
	if s.String() != "" { // hedgeType
		s.Skip(1)
	}
	s.Skip(4) // optOutSmartRouting, clearingAccount, clearingIntent, notHeld
	if s.Bool() {
		s.Skip(3) // delta-neutral contract
	}
	if s.String() != "" { // algoStrategy
		s.Skip(2 * listCount(&s, "algo param count"))
	}
	s.Skip(2) // solicited, whatIf
	m.Status = s.String()
	if v >= VersionWhatIfExtFields {
		s.Skip(6)
	}
	s.Skip(3)
	m.Commission = s.Price()
	s.Skip(2)
	m.CommissionCurrency = s.String()
	if v >= VersionFullOrderPreview {
		s.Skip(12) // marginCurrency, nine outside-RTH margins, suggestedSize, rejectReason
		s.Skip(7 * listCount(&s, "allocation count"))
	}
	m.WarningText = s.String()
	s.Skip(2) // randomizeSize, randomizePrice
	if v >= VersionPeggedToBenchmark {
		if m.OrderType == "PEG BENCH" {
			s.Skip(5)
		}
		n := listCount(&s, "condition count")
		for i := 0; i < n && s.Err() == nil; i++ {
			t := s.Int32()
			k, ok := orderConditionFields[t]
			if !ok && s.Err() == nil {
				s.fail(fmt.Append(nil, t), "order condition type")
			}
			s.Skip(k)
		}
		if n > 0 {
			s.Skip(2) // conditionsIgnoreRth, conditionsCancelOrder
		}
		s.Skip(8) // adjusted order params
	}
	skipIf := func(gate, n int) {
		if v >= gate {
			s.Skip(n)
		}
	}
	skipIf(VersionSoftDollarTier, 3)
	skipIf(VersionCashQty, 1)
	skipIf(VersionAutoPriceForHedge, 1)
	skipIf(VersionOrderContainer, 1)
	skipIf(VersionDPegOrders, 1)
	skipIf(VersionPriceMgmtAlgo, 1)
	skipIf(VersionDuration, 1)
	skipIf(VersionPostToAts, 1)
	skipIf(VersionAutoCancelParent, 1)
	skipIf(VersionPegBestPegMidOffsets, 5)
	skipIf(VersionCustomerAccount, 1)
	skipIf(VersionProfessionalCustomer, 1)
	skipIf(VersionBondAccruedInterest, 1)
	skipIf(VersionIncludeOvernight, 1)
	skipIf(VersionCMETaggingOpenOrder, 2)
	skipIf(VersionSubmitter, 1)
	skipIf(VersionImbalanceOnly, 1)
	return finish(&s, "OPEN_ORDER")
}

// CompletedOrdersEnd is `102` alone.
type CompletedOrdersEnd struct{}

func (m *CompletedOrdersEnd) MsgID() int { return InCompletedOrdersEnd }
func (m *CompletedOrdersEnd) AppendFields(dst []byte, _ int) []byte {
	return AppendInt(dst, InCompletedOrdersEnd)
}
func (m *CompletedOrdersEnd) Decode(p []byte, _ int) error {
	s, err := begin(p, InCompletedOrdersEnd)
	if err != nil {
		return err
	}
	return finish(&s, "COMPLETED_ORDERS_END")
}
