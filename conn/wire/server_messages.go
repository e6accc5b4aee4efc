package wire

// Server → client messages (PROTOCOL.md section 4, "Incoming").

// Tick types robotui reads.
const (
	TickBidSize = 0
	TickBid     = 1
	TickAsk     = 2
	TickAskSize = 3
	TickLast    = 4
	TickLastSz  = 5
	TickHigh    = 6
	TickLow     = 7
	TickVolume  = 8
	TickClose   = 9
)

// TickPrice is `1, 6, reqId, tickType, price, size, attrMask`: exactly 7
// fields, which some clients insist on.
type TickPrice struct {
	ReqID    int
	TickType int
	Price    float64
	Size     float64
	AttrMask int
}

func (m *TickPrice) MsgID() int { return InTickPrice }
func (m *TickPrice) AppendFields(dst []byte, v int) []byte {
	dst = appendReqIDOnly(dst, InTickPrice, 6, m.ReqID)
	dst = AppendInt(dst, int64(m.TickType))
	dst = AppendFloat(dst, m.Price)
	dst = appendDecimal(dst, m.Size, v)
	return AppendInt(dst, int64(m.AttrMask))
}
func (m *TickPrice) Decode(p []byte, _ int) error {
	s, err := begin(p, InTickPrice)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.ReqID = s.Int32()
	m.TickType = s.Int32()
	m.Price = s.Float() // real gateways write "Infinite" for no price: a tick consumer's to judge, unlike a bar's
	m.Size = s.Float()
	m.AttrMask = s.Int32()
	return finish(&s, "TICK_PRICE")
}

// TickSize is `2, 6, reqId, tickType, size`.
type TickSize struct {
	ReqID    int
	TickType int
	Size     float64
}

func (m *TickSize) MsgID() int { return InTickSize }
func (m *TickSize) AppendFields(dst []byte, v int) []byte {
	dst = appendReqIDOnly(dst, InTickSize, 6, m.ReqID)
	dst = AppendInt(dst, int64(m.TickType))
	return appendDecimal(dst, m.Size, v)
}
func (m *TickSize) Decode(p []byte, _ int) error {
	s, err := begin(p, InTickSize)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.ReqID = s.Int32()
	m.TickType = s.Int32()
	m.Size = s.Float()
	return finish(&s, "TICK_SIZE")
}

// ErrMsg is an error or notice; ReqID -1 means it concerns the session.
// Layout: <166 `4, 2, id, code, msg`; 166..193 adds advancedOrderRejectJson;
// ≥194 drops the version field and adds errorTime (epoch ms).
type ErrMsg struct {
	ReqID                   int
	Code                    int
	Text                    string
	AdvancedOrderRejectJSON string
	ErrorTime               int64
}

func (m *ErrMsg) MsgID() int { return InErrMsg }
func (m *ErrMsg) AppendFields(dst []byte, v int) []byte {
	dst = AppendInt(dst, InErrMsg)
	if v < VersionErrorTime {
		dst = AppendInt(dst, 2)
	}
	dst = AppendInt(dst, int64(m.ReqID))
	dst = AppendInt(dst, int64(m.Code))
	text := m.Text
	if v >= VersionEncodeMsgASCII7 {
		text = escapeASCII7(text)
	}
	dst = AppendString(dst, text)
	if v >= VersionAdvancedOrderReject {
		dst = AppendString(dst, m.AdvancedOrderRejectJSON)
	}
	if v >= VersionErrorTime {
		dst = AppendInt(dst, m.ErrorTime)
	}
	return dst
}
func (m *ErrMsg) Decode(p []byte, v int) error {
	s, err := begin(p, InErrMsg)
	if err != nil {
		return err
	}
	if v < VersionErrorTime {
		s.Skip(1)
	}
	m.ReqID = s.Int32()
	m.Code = s.Int32()
	m.Text = s.String()
	if v >= VersionEncodeMsgASCII7 {
		m.Text = unescapeASCII7(m.Text)
	}
	m.AdvancedOrderRejectJSON, m.ErrorTime = "", 0
	if v >= VersionAdvancedOrderReject {
		m.AdvancedOrderRejectJSON = s.String()
	}
	if v >= VersionErrorTime {
		m.ErrorTime = s.Int()
	}
	return finish(&s, "ERR_MSG")
}

// NextValidID is `9, 1, orderId`.
type NextValidID struct{ OrderID int64 }

func (m *NextValidID) MsgID() int { return InNextValidID }
func (m *NextValidID) AppendFields(dst []byte, _ int) []byte {
	return AppendInt(appendVersionOnly(dst, InNextValidID), m.OrderID)
}
func (m *NextValidID) Decode(p []byte, _ int) error {
	s, err := begin(p, InNextValidID)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.OrderID = s.Int()
	return finish(&s, "NEXT_VALID_ID")
}

// ManagedAccts is `15, 1, "acct1,acct2"`.
type ManagedAccts struct{ Accounts string }

func (m *ManagedAccts) MsgID() int { return InManagedAccts }
func (m *ManagedAccts) AppendFields(dst []byte, _ int) []byte {
	return AppendString(appendVersionOnly(dst, InManagedAccts), m.Accounts)
}
func (m *ManagedAccts) Decode(p []byte, _ int) error {
	s, err := begin(p, InManagedAccts)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.Accounts = s.String()
	return finish(&s, "MANAGED_ACCTS")
}

// CurrentTime is `49, 1, epochSeconds`: the keepalive's answer.
type CurrentTime struct{ Time int64 }

func (m *CurrentTime) MsgID() int { return InCurrentTime }
func (m *CurrentTime) AppendFields(dst []byte, _ int) []byte {
	return AppendInt(appendVersionOnly(dst, InCurrentTime), m.Time)
}
func (m *CurrentTime) Decode(p []byte, _ int) error {
	s, err := begin(p, InCurrentTime)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.Time = s.Int()
	return finish(&s, "CURRENT_TIME")
}

// CurrentTimeInMillis is `109, epochMillis` (≥197).
type CurrentTimeInMillis struct{ TimeMillis int64 }

func (m *CurrentTimeInMillis) MsgID() int { return InCurrentTimeInMillis }
func (m *CurrentTimeInMillis) AppendFields(dst []byte, _ int) []byte {
	return AppendInt(AppendInt(dst, InCurrentTimeInMillis), m.TimeMillis)
}
func (m *CurrentTimeInMillis) Decode(p []byte, _ int) error {
	s, err := begin(p, InCurrentTimeInMillis)
	if err != nil {
		return err
	}
	m.TimeMillis = s.Int()
	return finish(&s, "CURRENT_TIME_IN_MILLIS")
}

// Bar is one historical bar. Date is as the server wrote it: epoch seconds
// with formatDate 2, "yyyymmdd[ hh:mm:ss]" with formatDate 1.
type Bar struct {
	Date     string
	Open     float64
	High     float64
	Low      float64
	Close    float64
	Volume   float64
	WAP      float64
	BarCount int
}

func (b *Bar) finite() bool {
	return finite(b.Open) && finite(b.High) && finite(b.Low) && finite(b.Close) && finite(b.Volume) && finite(b.WAP)
}

// HistoricalData carries a backfill. Layout by version: <124 `17, 3, reqId,
// start, end, n, n×(date,o,h,l,c,vol,wap,hasGaps,count)`; 124..195 `17,
// reqId, start, end, n, n×(date,o,h,l,c,vol,wap,count)`; ≥196 `17, reqId, n,
// bars…` with start and end moving to HISTORICAL_DATA_END.
type HistoricalData struct {
	ReqID      int
	Start, End string // empty from version 196
	Bars       []Bar
	NonFinite  int // bars read and left out: a NaN or infinite price or volume
}

// maxBars bounds a decoded bar count before anything is allocated for it.
const maxBars = MaxPayload / 16

func (m *HistoricalData) MsgID() int { return InHistoricalData }
func (m *HistoricalData) AppendFields(dst []byte, v int) []byte {
	dst = AppendInt(dst, InHistoricalData)
	if v < VersionSyntRealtimeBars {
		dst = AppendInt(dst, 3)
	}
	dst = AppendInt(dst, int64(m.ReqID))
	if v < VersionHistoricalDataEnd {
		dst = AppendString(dst, m.Start)
		dst = AppendString(dst, m.End)
	}
	dst = AppendInt(dst, int64(len(m.Bars)))
	for i := range m.Bars {
		b := &m.Bars[i]
		dst = AppendString(dst, b.Date)
		dst = AppendFloat(dst, b.Open)
		dst = AppendFloat(dst, b.High)
		dst = AppendFloat(dst, b.Low)
		dst = AppendFloat(dst, b.Close)
		dst = appendDecimal(dst, b.Volume, v)
		dst = appendDecimal(dst, b.WAP, VersionFractionalSize) // always decimal: a price
		if v < VersionSyntRealtimeBars {
			dst = AppendBool(dst, false) // hasGaps
		}
		dst = AppendInt(dst, int64(b.BarCount))
	}
	return dst
}
func (m *HistoricalData) Decode(p []byte, v int) error {
	s, err := begin(p, InHistoricalData)
	if err != nil {
		return err
	}
	if v < VersionSyntRealtimeBars {
		s.Skip(1)
	}
	m.ReqID = s.Int32()
	m.Start, m.End = "", ""
	if v < VersionHistoricalDataEnd {
		m.Start = s.String()
		m.End = s.String()
	}
	n := s.Int32()
	if n < 0 || n > maxBars {
		s.fail([]byte("bar count"), "bar count")
		return finish(&s, "HISTORICAL_DATA")
	}
	if cap(m.Bars) < n {
		m.Bars = make([]Bar, 0, min(n, 4096)) // grows further only as bars really arrive
	}
	m.Bars, m.NonFinite = m.Bars[:0], 0
	for i := 0; i < n && s.Err() == nil; i++ {
		var b Bar
		b.Date = s.String()
		b.Open = s.Float()
		b.High = s.Float()
		b.Low = s.Float()
		b.Close = s.Float()
		b.Volume = s.Float()
		b.WAP = s.Float()
		if v < VersionSyntRealtimeBars {
			s.Skip(1)
		}
		b.BarCount = s.Int32()
		if !b.finite() {
			m.NonFinite++ // one bad bar is left out, not the whole backfill
			continue
		}
		m.Bars = append(m.Bars, b)
	}
	return finish(&s, "HISTORICAL_DATA")
}

// HistoricalDataEnd is `108, reqId, startDate, endDate` (≥196).
type HistoricalDataEnd struct {
	ReqID      int
	Start, End string
}

func (m *HistoricalDataEnd) MsgID() int { return InHistoricalDataEnd }
func (m *HistoricalDataEnd) AppendFields(dst []byte, _ int) []byte {
	dst = AppendInt(dst, InHistoricalDataEnd)
	dst = AppendInt(dst, int64(m.ReqID))
	dst = AppendString(dst, m.Start)
	return AppendString(dst, m.End)
}
func (m *HistoricalDataEnd) Decode(p []byte, _ int) error {
	s, err := begin(p, InHistoricalDataEnd)
	if err != nil {
		return err
	}
	m.ReqID = s.Int32()
	m.Start = s.String()
	m.End = s.String()
	return finish(&s, "HISTORICAL_DATA_END")
}

// HistoricalDataUpdate is `90, reqId, barCount, date, open, close, high, low,
// wap, volume` — close before high and low, as the real gateway sends it.
type HistoricalDataUpdate struct {
	ReqID int
	Bar   Bar
}

func (m *HistoricalDataUpdate) MsgID() int { return InHistoricalDataUpdate }
func (m *HistoricalDataUpdate) AppendFields(dst []byte, v int) []byte {
	b := &m.Bar
	dst = AppendInt(dst, InHistoricalDataUpdate)
	dst = AppendInt(dst, int64(m.ReqID))
	dst = AppendInt(dst, int64(b.BarCount))
	dst = AppendString(dst, b.Date)
	dst = AppendFloat(dst, b.Open)
	dst = AppendFloat(dst, b.Close)
	dst = AppendFloat(dst, b.High)
	dst = AppendFloat(dst, b.Low)
	dst = AppendFloat(dst, b.WAP)
	return appendDecimal(dst, b.Volume, v)
}
func (m *HistoricalDataUpdate) Decode(p []byte, _ int) error {
	s, err := begin(p, InHistoricalDataUpdate)
	if err != nil {
		return err
	}
	b := &m.Bar
	m.ReqID = s.Int32()
	b.BarCount = s.Int32()
	b.Date = s.String()
	b.Open = s.Price()
	b.Close = s.Price()
	b.High = s.Price()
	b.Low = s.Price()
	b.WAP = s.Price()
	b.Volume = s.Price()
	return finish(&s, "HISTORICAL_DATA_UPDATE")
}

// RealTimeBar is `50, 3, reqId, time, open, high, low, close, volume, wap, count`.
type RealTimeBar struct {
	ReqID  int
	Time   int64
	Open   float64
	High   float64
	Low    float64
	Close  float64
	Volume float64
	WAP    float64
	Count  int
}

func (m *RealTimeBar) MsgID() int { return InRealTimeBars }
func (m *RealTimeBar) AppendFields(dst []byte, v int) []byte {
	dst = appendReqIDOnly(dst, InRealTimeBars, 3, m.ReqID)
	dst = AppendInt(dst, m.Time)
	dst = AppendFloat(dst, m.Open)
	dst = AppendFloat(dst, m.High)
	dst = AppendFloat(dst, m.Low)
	dst = AppendFloat(dst, m.Close)
	dst = appendDecimal(dst, m.Volume, v)
	dst = AppendFloat(dst, m.WAP)
	return AppendInt(dst, int64(m.Count))
}
func (m *RealTimeBar) Decode(p []byte, _ int) error {
	s, err := begin(p, InRealTimeBars)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.ReqID = s.Int32()
	m.Time = s.Int()
	m.Open = s.Price()
	m.High = s.Price()
	m.Low = s.Price()
	m.Close = s.Price()
	m.Volume = s.Price()
	m.WAP = s.Price()
	m.Count = s.Int32()
	return finish(&s, "REAL_TIME_BARS")
}

// PositionData is `61, 3, account, conId, symbol, secType, lastTradeDate,
// strike, right, multiplier, exchange, currency, localSymbol, tradingClass,
// position, avgCost` (16 fields; no primaryExchange).
type PositionData struct {
	Account  string
	Contract Contract
	Position float64
	AvgCost  float64
}

func (m *PositionData) MsgID() int { return InPositionData }
func (m *PositionData) AppendFields(dst []byte, v int) []byte {
	dst = AppendInt(dst, InPositionData)
	dst = AppendInt(dst, 3)
	dst = AppendString(dst, m.Account)
	dst = appendContract11(dst, &m.Contract)
	dst = appendPosition(dst, m.Position, v)
	return AppendFloat(dst, m.AvgCost)
}
func (m *PositionData) Decode(p []byte, _ int) error {
	s, err := begin(p, InPositionData)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.Account = s.String()
	scanContract11(&s, &m.Contract)
	m.Position = s.Float()
	m.AvgCost = s.Float()
	return finish(&s, "POSITION_DATA")
}

// PositionEnd is `62, 1`.
type PositionEnd struct{}

func (m *PositionEnd) MsgID() int { return InPositionEnd }
func (m *PositionEnd) AppendFields(dst []byte, _ int) []byte {
	return appendVersionOnly(dst, InPositionEnd)
}
func (m *PositionEnd) Decode(p []byte, _ int) error {
	return decodeVersionOnly(p, InPositionEnd, "POSITION_END")
}

// AccountSummary is `63, 1, reqId, account, tag, value, currency`.
type AccountSummary struct {
	ReqID    int
	Account  string
	Tag      string
	Value    string
	Currency string
}

func (m *AccountSummary) MsgID() int { return InAccountSummary }
func (m *AccountSummary) AppendFields(dst []byte, _ int) []byte {
	dst = appendReqIDOnly(dst, InAccountSummary, 1, m.ReqID)
	dst = AppendString(dst, m.Account)
	dst = AppendString(dst, m.Tag)
	dst = AppendString(dst, m.Value)
	return AppendString(dst, m.Currency)
}
func (m *AccountSummary) Decode(p []byte, _ int) error {
	s, err := begin(p, InAccountSummary)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.ReqID = s.Int32()
	m.Account = s.String()
	m.Tag = s.String()
	m.Value = s.String()
	m.Currency = s.String()
	return finish(&s, "ACCOUNT_SUMMARY")
}

// AccountSummaryEnd is `64, 1, reqId`.
type AccountSummaryEnd struct{ ReqID int }

func (m *AccountSummaryEnd) MsgID() int { return InAccountSummaryEnd }
func (m *AccountSummaryEnd) AppendFields(dst []byte, _ int) []byte {
	return appendReqIDOnly(dst, InAccountSummaryEnd, 1, m.ReqID)
}
func (m *AccountSummaryEnd) Decode(p []byte, _ int) (err error) {
	m.ReqID, err = decodeReqIDOnly(p, InAccountSummaryEnd, "ACCOUNT_SUMMARY_END")
	return err
}
