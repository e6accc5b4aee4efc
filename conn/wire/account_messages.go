package wire

import (
	"fmt"
	"math"
)

// Server → client account messages (PROTOCOL-trading.md §3.2). The short ones
// carry exactly the fields listed: the official Python client drops a short
// message whose count is off by one (§2).

// AcctValue is `6, 2, key, value, currency, accountName` (6 fields).
type AcctValue struct {
	Key      string
	Value    string
	Currency string
	Account  string
}

func (m *AcctValue) MsgID() int { return InAcctValue }
func (m *AcctValue) AppendFields(dst []byte, _ int) []byte {
	dst = AppendInt(AppendInt(dst, InAcctValue), 2)
	dst = AppendString(dst, m.Key)
	dst = AppendString(dst, m.Value)
	dst = AppendString(dst, m.Currency)
	return AppendString(dst, m.Account)
}
func (m *AcctValue) Decode(p []byte, _ int) error {
	s, err := begin(p, InAcctValue)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.Key = s.String()
	m.Value = s.String()
	m.Currency = s.String()
	m.Account = s.String()
	return finish(&s, "ACCT_VALUE")
}

// PortfolioValue is `7, 8, conId, symbol, secType, lastTradeDate, strike,
// right, multiplier, primaryExchange, currency, localSymbol, tradingClass,
// position, marketPrice, marketValue, averageCost, unrealizedPNL,
// realizedPNL, accountName` (20 fields; primaryExchange, no exchange).
type PortfolioValue struct {
	Contract      Contract // Exchange is not on the wire
	Position      float64
	MarketPrice   float64
	MarketValue   float64
	AverageCost   float64
	UnrealizedPnL float64
	RealizedPnL   float64
	Account       string
}

func (m *PortfolioValue) MsgID() int { return InPortfolioValue }
func (m *PortfolioValue) AppendFields(dst []byte, v int) []byte {
	dst = AppendInt(AppendInt(dst, InPortfolioValue), 8)
	k := m.Contract // the 11-field block, primaryExchange in exchange's place
	k.Exchange = k.PrimaryExchange
	dst = appendContract11(dst, &k)
	dst = appendPosition(dst, m.Position, v)
	dst = AppendFloat(dst, m.MarketPrice)
	dst = AppendFloat(dst, m.MarketValue)
	dst = AppendFloat(dst, m.AverageCost)
	dst = AppendFloat(dst, m.UnrealizedPnL)
	dst = AppendFloat(dst, m.RealizedPnL)
	return AppendString(dst, m.Account)
}
func (m *PortfolioValue) Decode(p []byte, _ int) error {
	s, err := begin(p, InPortfolioValue)
	if err != nil {
		return err
	}
	c := &m.Contract
	s.Skip(1)
	scanContract11(&s, c)
	c.Exchange, c.PrimaryExchange = "", c.Exchange // the block's exchange field is primaryExchange here
	m.Position = s.Price()
	m.MarketPrice = s.Price()
	m.MarketValue = s.Price()
	m.AverageCost = s.Price()
	m.UnrealizedPnL = s.Price()
	m.RealizedPnL = s.Price()
	m.Account = s.String()
	return finish(&s, "PORTFOLIO_VALUE")
}

// appendPosition writes a position: an integer before FRACTIONAL_POSITIONS.
func appendPosition(dst []byte, pos float64, v int) []byte {
	if v >= VersionFractionalPositions {
		return AppendFloat(dst, pos)
	}
	return AppendInt(dst, int64(math.Round(pos)))
}

// AcctUpdateTime is `8, 1, timeStamp` (3 fields; "hh:mm").
type AcctUpdateTime struct{ Time string }

func (m *AcctUpdateTime) MsgID() int { return InAcctUpdateTime }
func (m *AcctUpdateTime) AppendFields(dst []byte, _ int) []byte {
	return AppendString(appendVersionOnly(dst, InAcctUpdateTime), m.Time)
}
func (m *AcctUpdateTime) Decode(p []byte, _ int) error {
	s, err := begin(p, InAcctUpdateTime)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.Time = s.String()
	return finish(&s, "ACCT_UPDATE_TIME")
}

// AcctDownloadEnd is `54, 1, accountName` (3 fields).
type AcctDownloadEnd struct{ Account string }

func (m *AcctDownloadEnd) MsgID() int { return InAcctDownloadEnd }
func (m *AcctDownloadEnd) AppendFields(dst []byte, _ int) []byte {
	return AppendString(appendVersionOnly(dst, InAcctDownloadEnd), m.Account)
}
func (m *AcctDownloadEnd) Decode(p []byte, _ int) error {
	s, err := begin(p, InAcctDownloadEnd)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.Account = s.String()
	return finish(&s, "ACCT_DOWNLOAD_END")
}

// PnL is `94, reqId, dailyPnL[, unrealizedPnL (≥ 129)][, realizedPnL (≥ 135)]`
// (no version; in 94, not 92).
type PnL struct {
	ReqID         int
	DailyPnL      float64
	UnrealizedPnL float64
	RealizedPnL   float64
}

func (m *PnL) MsgID() int { return InPnL }
func (m *PnL) AppendFields(dst []byte, v int) []byte {
	dst = AppendInt(AppendInt(dst, InPnL), int64(m.ReqID))
	dst = AppendFloat(dst, m.DailyPnL)
	if v >= VersionUnrealizedPnL {
		dst = AppendFloat(dst, m.UnrealizedPnL)
	}
	if v >= VersionRealizedPnL {
		dst = AppendFloat(dst, m.RealizedPnL)
	}
	return dst
}
func (m *PnL) Decode(p []byte, v int) error {
	s, err := begin(p, InPnL)
	if err != nil {
		return err
	}
	m.ReqID = s.Int32()
	m.DailyPnL = s.Price()
	m.UnrealizedPnL, m.RealizedPnL = 0, 0
	if v >= VersionUnrealizedPnL {
		m.UnrealizedPnL = s.Price()
	}
	if v >= VersionRealizedPnL {
		m.RealizedPnL = s.Price()
	}
	return finish(&s, "PNL")
}

// PnLSingle is `95, reqId, pos, dailyPnL[, unrealizedPnL (≥ 129)][,
// realizedPnL (≥ 135)], value` (no version).
type PnLSingle struct {
	ReqID         int
	Pos           float64
	DailyPnL      float64
	UnrealizedPnL float64
	RealizedPnL   float64
	Value         float64
}

func (m *PnLSingle) MsgID() int { return InPnLSingle }
func (m *PnLSingle) AppendFields(dst []byte, v int) []byte {
	dst = AppendInt(AppendInt(dst, InPnLSingle), int64(m.ReqID))
	dst = appendDecimal(dst, m.Pos, v)
	dst = AppendFloat(dst, m.DailyPnL)
	if v >= VersionUnrealizedPnL {
		dst = AppendFloat(dst, m.UnrealizedPnL)
	}
	if v >= VersionRealizedPnL {
		dst = AppendFloat(dst, m.RealizedPnL)
	}
	return AppendFloat(dst, m.Value)
}
func (m *PnLSingle) Decode(p []byte, v int) error {
	s, err := begin(p, InPnLSingle)
	if err != nil {
		return err
	}
	m.ReqID = s.Int32()
	m.Pos = s.Price()
	m.DailyPnL = s.Price()
	m.UnrealizedPnL, m.RealizedPnL = 0, 0
	if v >= VersionUnrealizedPnL {
		m.UnrealizedPnL = s.Price()
	}
	if v >= VersionRealizedPnL {
		m.RealizedPnL = s.Price()
	}
	m.Value = s.Price()
	return finish(&s, "PNL_SINGLE")
}

// AccountUpdateMulti is `73, 1, reqId, account, modelCode, key, value, currency` (8).
type AccountUpdateMulti struct {
	ReqID     int
	Account   string
	ModelCode string
	Key       string
	Value     string
	Currency  string
}

func (m *AccountUpdateMulti) MsgID() int { return InAccountUpdateMulti }
func (m *AccountUpdateMulti) AppendFields(dst []byte, _ int) []byte {
	dst = appendReqIDOnly(dst, InAccountUpdateMulti, 1, m.ReqID)
	dst = AppendString(dst, m.Account)
	dst = AppendString(dst, m.ModelCode)
	dst = AppendString(dst, m.Key)
	dst = AppendString(dst, m.Value)
	return AppendString(dst, m.Currency)
}
func (m *AccountUpdateMulti) Decode(p []byte, _ int) error {
	s, err := begin(p, InAccountUpdateMulti)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.ReqID = s.Int32()
	m.Account = s.String()
	m.ModelCode = s.String()
	m.Key = s.String()
	m.Value = s.String()
	m.Currency = s.String()
	return finish(&s, "ACCOUNT_UPDATE_MULTI")
}

// AccountUpdateMultiEnd is `74, 1, reqId`.
type AccountUpdateMultiEnd struct{ ReqID int }

func (m *AccountUpdateMultiEnd) MsgID() int { return InAccountUpdateMultiEnd }
func (m *AccountUpdateMultiEnd) AppendFields(dst []byte, _ int) []byte {
	return appendReqIDOnly(dst, InAccountUpdateMultiEnd, 1, m.ReqID)
}
func (m *AccountUpdateMultiEnd) Decode(p []byte, _ int) (err error) {
	m.ReqID, err = decodeReqIDOnly(p, InAccountUpdateMultiEnd, "ACCOUNT_UPDATE_MULTI_END")
	return err
}

// TagValue is one tag/value pair of a list on the wire.
type TagValue struct{ Tag, Value string }

// ContractDetails is what CONTRACT_DATA carries for a non-bond contract.
type ContractDetails struct {
	Contract               Contract
	LastTradeDate          string // ≥ 182
	MarketName             string
	MinTick                float64
	OrderTypes             string
	ValidExchanges         string
	PriceMagnifier         int
	UnderConID             int64
	LongName               string
	ContractMonth          string
	Industry               string
	Category               string
	Subcategory            string
	TimeZoneID             string
	TradingHours           string
	LiquidHours            string
	EvRule                 string
	EvMultiplier           int
	SecIDList              []TagValue
	AggGroup               int
	UnderSymbol            string
	UnderSecType           string
	MarketRuleIDs          string
	RealExpirationDate     string
	StockType              string
	MinSize                float64 // ≥ 164
	SizeIncrement          float64
	SuggestedSizeIncrement float64
}

// maxListItems bounds a decoded list count (sec ids, reasons, legs, params).
const maxListItems = 1000

func listCount(s *Scanner, what string) int {
	n := s.Int32()
	if s.Err() == nil && (n < 0 || n > maxListItems) {
		s.fail(fmt.Append(nil, n), what)
		return 0
	}
	return n
}

// fundFields is the number of fund fields CONTRACT_DATA adds for secType FUND (≥ 179).
const fundFields = 17

// ContractData is CONTRACT_DATA (10). Layout read from two copies of the
// official ibapi decoder.py processContractDataMsg found by code search: a
// current one (SIZE_RULES, LAST_TRADE_DATE and INELIGIBILITY_REASONS gates,
// the version field gone from 164) and an older one (version 8 always,
// mdSizeMultiplier from 110); gate numbers from nautechsystems/nautilus_ibapi
// server_versions.py (0496bf2b). Checked against @stoqey/ib 1.6.10 by `make
// interop` (at 178 and 193) only. [< 164: version 8] reqId, symbol, secType,
// lastTradeDateOrContractMonth, [≥ 182: lastTradeDate], strike, right,
// exchange, currency, localSymbol, marketName, tradingClass, conId, minTick,
// [110..163: mdSizeMultiplier], multiplier, orderTypes, validExchanges,
// priceMagnifier, underConId, longName (\u-escaped ≥ 153), primaryExchange,
// contractMonth, industry, category, subcategory, timeZoneId, tradingHours,
// liquidHours, evRule, evMultiplier, secIdListCount (+2 per item),
// [≥ 121 aggGroup], [≥ 122 underSymbol, underSecType], [≥ 126 marketRuleIds],
// [≥ 134 realExpirationDate], [≥ 152 stockType], [163: sizeMinTick],
// [≥ 164 minSize, sizeIncrement, suggestedSizeIncrement], [≥ 179, FUND only:
// 17 fund fields], [≥ 186 ineligibilityReasonCount (+2 per reason)].
type ContractData struct {
	ReqID   int
	Details ContractDetails
}

func (m *ContractData) MsgID() int { return InContractData }
func (m *ContractData) AppendFields(dst []byte, v int) []byte {
	d := &m.Details
	c := &d.Contract
	dst = AppendInt(dst, InContractData)
	if v < VersionSizeRules {
		dst = AppendInt(dst, 8)
	}
	dst = AppendInt(dst, int64(m.ReqID))
	dst = AppendString(dst, c.Symbol)
	dst = AppendString(dst, c.SecType)
	dst = AppendString(dst, c.LastTradeDateOrContractMonth)
	if v >= VersionLastTradeDate {
		dst = AppendString(dst, d.LastTradeDate)
	}
	dst = AppendFloat(dst, c.Strike)
	dst = AppendString(dst, c.Right)
	dst = AppendString(dst, c.Exchange)
	dst = AppendString(dst, c.Currency)
	dst = AppendString(dst, c.LocalSymbol)
	dst = AppendString(dst, d.MarketName)
	dst = AppendString(dst, c.TradingClass)
	dst = AppendInt(dst, c.ConID)
	dst = AppendFloat(dst, d.MinTick)
	if v >= VersionMdSizeMultiplier && v < VersionSizeRules {
		dst = AppendInt(dst, 1) // mdSizeMultiplier, unused
	}
	dst = AppendString(dst, c.Multiplier)
	dst = AppendString(dst, d.OrderTypes)
	dst = AppendString(dst, d.ValidExchanges)
	dst = AppendInt(dst, int64(d.PriceMagnifier))
	dst = AppendInt(dst, d.UnderConID)
	name := d.LongName
	if v >= VersionEncodeMsgASCII7 {
		name = escapeASCII7(name)
	}
	dst = AppendString(dst, name)
	dst = AppendString(dst, c.PrimaryExchange)
	for _, f := range []string{d.ContractMonth, d.Industry, d.Category, d.Subcategory, d.TimeZoneID, d.TradingHours, d.LiquidHours, d.EvRule} {
		dst = AppendString(dst, f)
	}
	dst = AppendInt(dst, int64(d.EvMultiplier))
	dst = AppendInt(dst, int64(len(d.SecIDList)))
	for _, tv := range d.SecIDList {
		dst = AppendString(AppendString(dst, tv.Tag), tv.Value)
	}
	if v >= VersionAggGroup {
		dst = AppendInt(dst, int64(d.AggGroup))
	}
	if v >= VersionUnderlyingInfo {
		dst = AppendString(AppendString(dst, d.UnderSymbol), d.UnderSecType)
	}
	if v >= VersionMarketRules {
		dst = AppendString(dst, d.MarketRuleIDs)
	}
	if v >= VersionRealExpirationDate {
		dst = AppendString(dst, d.RealExpirationDate)
	}
	if v >= VersionStockType {
		dst = AppendString(dst, d.StockType)
	}
	if v == VersionFractionalSize {
		dst = AppendFloat(dst, d.MinSize) // sizeMinTick, unused
	}
	if v >= VersionSizeRules {
		dst = AppendFloat(dst, d.MinSize)
		dst = AppendFloat(dst, d.SizeIncrement)
		dst = AppendFloat(dst, d.SuggestedSizeIncrement)
	}
	if v >= VersionFundDataFields && c.SecType == "FUND" {
		for i := range fundFields {
			if i >= 7 && i <= 9 { // fundClosed, …ForNewInvestors, …ForNewMoney
				dst = AppendBool(dst, false)
			} else {
				dst = AppendString(dst, "")
			}
		}
	}
	if v >= VersionIneligibilityReasons {
		dst = AppendInt(dst, 0)
	}
	return dst
}
func (m *ContractData) Decode(p []byte, v int) error {
	s, err := begin(p, InContractData)
	if err != nil {
		return err
	}
	*m = ContractData{}
	d := &m.Details
	c := &d.Contract
	if v < VersionSizeRules {
		s.Skip(1)
	}
	m.ReqID = s.Int32()
	c.Symbol = s.String()
	c.SecType = s.String()
	c.LastTradeDateOrContractMonth = s.String()
	if v >= VersionLastTradeDate {
		d.LastTradeDate = s.String()
	}
	c.Strike = s.Float()
	c.Right = s.String()
	c.Exchange = s.String()
	c.Currency = s.String()
	c.LocalSymbol = s.String()
	d.MarketName = s.String()
	c.TradingClass = s.String()
	c.ConID = s.Int()
	d.MinTick = s.Float()
	if v >= VersionMdSizeMultiplier && v < VersionSizeRules {
		s.Skip(1)
	}
	c.Multiplier = s.String()
	d.OrderTypes = s.String()
	d.ValidExchanges = s.String()
	d.PriceMagnifier = s.Int32()
	d.UnderConID = s.Int()
	d.LongName = s.String()
	if v >= VersionEncodeMsgASCII7 {
		d.LongName = unescapeASCII7(d.LongName)
	}
	c.PrimaryExchange = s.String()
	d.ContractMonth = s.String()
	d.Industry = s.String()
	d.Category = s.String()
	d.Subcategory = s.String()
	d.TimeZoneID = s.String()
	d.TradingHours = s.String()
	d.LiquidHours = s.String()
	d.EvRule = s.String()
	d.EvMultiplier = s.Int32()
	n := listCount(&s, "sec id count")
	for i := 0; i < n && s.Err() == nil; i++ {
		d.SecIDList = append(d.SecIDList, TagValue{Tag: s.String(), Value: s.String()})
	}
	if v >= VersionAggGroup {
		d.AggGroup = s.Int32()
	}
	if v >= VersionUnderlyingInfo {
		d.UnderSymbol = s.String()
		d.UnderSecType = s.String()
	}
	if v >= VersionMarketRules {
		d.MarketRuleIDs = s.String()
	}
	if v >= VersionRealExpirationDate {
		d.RealExpirationDate = s.String()
	}
	if v >= VersionStockType {
		d.StockType = s.String()
	}
	if v == VersionFractionalSize {
		d.MinSize = s.Float()
	}
	if v >= VersionSizeRules {
		d.MinSize = s.Float()
		d.SizeIncrement = s.Float()
		d.SuggestedSizeIncrement = s.Float()
	}
	if v >= VersionFundDataFields && c.SecType == "FUND" {
		s.Skip(fundFields)
	}
	if v >= VersionIneligibilityReasons {
		s.Skip(2 * listCount(&s, "ineligibility reason count"))
	}
	return finish(&s, "CONTRACT_DATA")
}

// ContractDataEnd is `52, 1, reqId`.
type ContractDataEnd struct{ ReqID int }

func (m *ContractDataEnd) MsgID() int { return InContractDataEnd }
func (m *ContractDataEnd) AppendFields(dst []byte, _ int) []byte {
	return appendReqIDOnly(dst, InContractDataEnd, 1, m.ReqID)
}
func (m *ContractDataEnd) Decode(p []byte, _ int) (err error) {
	m.ReqID, err = decodeReqIDOnly(p, InContractDataEnd, "CONTRACT_DATA_END")
	return err
}
