package wire

import (
	"fmt"
)

// Message is one TWS API message, encodable and decodable for a negotiated
// server version. Every message type in this package implements it with a
// pointer receiver.
type Message interface {
	// MsgID is the message's id (its first field).
	MsgID() int
	// AppendFields appends the payload (without the frame header) for version v.
	AppendFields(dst []byte, v int) []byte
	// Decode reads a whole payload, id included, encoded for version v.
	Decode(payload []byte, v int) error
}

// Contract identifies an instrument; field order is the wire's.
type Contract struct {
	ConID                        int64
	Symbol                       string
	SecType                      string
	LastTradeDateOrContractMonth string
	Strike                       float64
	Right                        string
	Multiplier                   string
	Exchange                     string
	PrimaryExchange              string
	Currency                     string
	LocalSymbol                  string
	TradingClass                 string
}

// Stock is the usual SMART-routed US stock contract.
func Stock(symbol string) Contract {
	return Contract{Symbol: symbol, SecType: "STK", Exchange: "SMART", Currency: "USD"}
}

// appendContract writes the 12-field contract block used by REQ_MKT_DATA,
// REQ_HISTORICAL_DATA and REQ_REAL_TIME_BARS at every version ≥ 100 (conId
// and tradingClass are both gated far below 100).
func appendContract(dst []byte, c *Contract) []byte {
	dst = AppendInt(dst, c.ConID)
	dst = AppendString(dst, c.Symbol)
	dst = AppendString(dst, c.SecType)
	dst = AppendString(dst, c.LastTradeDateOrContractMonth)
	dst = AppendFloat(dst, c.Strike)
	dst = AppendString(dst, c.Right)
	dst = AppendString(dst, c.Multiplier)
	dst = AppendString(dst, c.Exchange)
	dst = AppendString(dst, c.PrimaryExchange)
	dst = AppendString(dst, c.Currency)
	dst = AppendString(dst, c.LocalSymbol)
	return AppendString(dst, c.TradingClass)
}

func (c *Contract) scan(s *Scanner) {
	c.ConID = s.Int()
	c.Symbol = s.String()
	c.SecType = s.String()
	c.LastTradeDateOrContractMonth = s.String()
	c.Strike = s.Float()
	c.Right = s.String()
	c.Multiplier = s.String()
	c.Exchange = s.String()
	c.PrimaryExchange = s.String()
	c.Currency = s.String()
	c.LocalSymbol = s.String()
	c.TradingClass = s.String()
}

// skipComboLegs passes over a BAG contract's legs (conId, ratio, action,
// exchange each); robotui never sends them but a client of the simulator may.
func skipComboLegs(s *Scanner, c *Contract) {
	if c.SecType != "BAG" {
		return
	}
	n := s.Int32()
	if n < 0 || n > 1000 {
		s.fail([]byte(fmt.Sprint(n)), "combo leg count")
		return
	}
	s.Skip(4 * n)
}

// begin starts decoding payload: it checks the id and returns the scanner
// positioned after it.
func begin(payload []byte, want int) (Scanner, error) {
	s := NewScanner(payload)
	id := s.Int32()
	if err := s.Err(); err != nil {
		return s, err
	}
	if id != want {
		return s, fmt.Errorf("wire: message id %d, want %d", id, want)
	}
	return s, nil
}

// finish wraps a scanner error with the message name.
func finish(s *Scanner, name string) error {
	if err := s.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// PeekID returns a payload's message id without decoding the rest.
func PeekID(payload []byte) (int, error) {
	s := NewScanner(payload)
	id := s.Int32()
	if err := s.Err(); err != nil {
		return 0, fmt.Errorf("message id: %w", err)
	}
	return id, nil
}

// Unknown is a message whose id this package does not decode. Both sides
// ignore such messages, as gateways and clients do.
type Unknown struct {
	ID      int
	Payload []byte
}

func (m *Unknown) MsgID() int { return m.ID }
func (m *Unknown) AppendFields(dst []byte, _ int) []byte {
	return append(dst, m.Payload...)
}
func (m *Unknown) Decode(payload []byte, _ int) error {
	id, err := PeekID(payload)
	m.ID, m.Payload = id, append(m.Payload[:0], payload...)
	return err
}

// DecodeServerMessage decodes a server → client payload for version v.
// Unknown ids give an *Unknown, not an error.
func DecodeServerMessage(payload []byte, v int) (Message, error) {
	id, err := PeekID(payload)
	if err != nil {
		return nil, err
	}
	m := newServerMessage(id)
	return m, m.Decode(payload, v)
}

// DecodeClientMessage decodes a client → server payload for version v.
// Unknown ids give an *Unknown, not an error.
func DecodeClientMessage(payload []byte, v int) (Message, error) {
	id, err := PeekID(payload)
	if err != nil {
		return nil, err
	}
	m := newClientMessage(id)
	return m, m.Decode(payload, v)
}

func newServerMessage(id int) Message {
	switch id {
	case InTickPrice:
		return &TickPrice{}
	case InTickSize:
		return &TickSize{}
	case InErrMsg:
		return &ErrMsg{}
	case InNextValidID:
		return &NextValidID{}
	case InManagedAccts:
		return &ManagedAccts{}
	case InHistoricalData:
		return &HistoricalData{}
	case InCurrentTime:
		return &CurrentTime{}
	case InRealTimeBars:
		return &RealTimeBar{}
	case InPositionData:
		return &PositionData{}
	case InPositionEnd:
		return &PositionEnd{}
	case InAccountSummary:
		return &AccountSummary{}
	case InAccountSummaryEnd:
		return &AccountSummaryEnd{}
	case InAcctValue:
		return &AcctValue{}
	case InPortfolioValue:
		return &PortfolioValue{}
	case InAcctUpdateTime:
		return &AcctUpdateTime{}
	case InAcctDownloadEnd:
		return &AcctDownloadEnd{}
	case InPnL:
		return &PnL{}
	case InPnLSingle:
		return &PnLSingle{}
	case InAccountUpdateMulti:
		return &AccountUpdateMulti{}
	case InAccountUpdateMultiEnd:
		return &AccountUpdateMultiEnd{}
	case InContractData:
		return &ContractData{}
	case InContractDataEnd:
		return &ContractDataEnd{}
	case InExecutionData:
		return &ExecutionData{}
	case InExecutionDataEnd:
		return &ExecutionDataEnd{}
	case InCommissionReport:
		return &CommissionReport{}
	case InOrderStatus:
		return &OrderStatus{}
	case InOpenOrder:
		return &OpenOrder{}
	case InOpenOrderEnd:
		return &OpenOrderEnd{}
	case InCompletedOrdersEnd:
		return &CompletedOrdersEnd{}
	case InHistoricalDataUpdate:
		return &HistoricalDataUpdate{}
	case InHistoricalDataEnd:
		return &HistoricalDataEnd{}
	case InCurrentTimeInMillis:
		return &CurrentTimeInMillis{}
	}
	return &Unknown{}
}

func newClientMessage(id int) Message {
	switch id {
	case OutReqMktData:
		return &ReqMktData{}
	case OutCancelMktData:
		return &CancelMktData{}
	case OutReqIDs:
		return &ReqIDs{}
	case OutReqManagedAccts:
		return &ReqManagedAccts{}
	case OutReqHistoricalData:
		return &ReqHistoricalData{}
	case OutCancelHistoricalData:
		return &CancelHistoricalData{}
	case OutReqCurrentTime:
		return &ReqCurrentTime{}
	case OutReqRealTimeBars:
		return &ReqRealTimeBars{}
	case OutCancelRealTimeBars:
		return &CancelRealTimeBars{}
	case OutReqPositions:
		return &ReqPositions{}
	case OutReqAccountSummary:
		return &ReqAccountSummary{}
	case OutCancelAccountSummary:
		return &CancelAccountSummary{}
	case OutCancelPositions:
		return &CancelPositions{}
	case OutReqAcctData:
		return &ReqAcctData{}
	case OutReqPnL:
		return &ReqPnL{}
	case OutCancelPnL:
		return &CancelPnL{}
	case OutReqPnLSingle:
		return &ReqPnLSingle{}
	case OutCancelPnLSingle:
		return &CancelPnLSingle{}
	case OutReqAccountUpdatesMulti:
		return &ReqAccountUpdatesMulti{}
	case OutCancelAccountUpdatesMulti:
		return &CancelAccountUpdatesMulti{}
	case OutReqContractData:
		return &ReqContractData{}
	case OutReqExecutions:
		return &ReqExecutions{}
	case OutReqOpenOrders:
		return &ReqOpenOrders{}
	case OutReqAllOpenOrders:
		return &ReqAllOpenOrders{}
	case OutReqAutoOpenOrders:
		return &ReqAutoOpenOrders{}
	case OutReqCompletedOrders:
		return &ReqCompletedOrders{}
	case OutStartAPI:
		return &StartAPI{}
	case OutReqCurrentTimeInMillis:
		return &ReqCurrentTimeInMillis{}
	}
	return &Unknown{}
}
