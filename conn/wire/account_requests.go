package wire

// Client → server requests of the trading half (PROTOCOL-trading.md §3.1, §5).
// robotui is read-only: none of these places, changes or cancels an order.

// ReqAcctData is reqAccountUpdates: `6, 2, subscribe, acctCode` (4 fields).
// Subscribe false unsubscribes the same account.
type ReqAcctData struct {
	Subscribe bool
	Account   string
}

func (m *ReqAcctData) MsgID() int { return OutReqAcctData }
func (m *ReqAcctData) AppendFields(dst []byte, _ int) []byte {
	dst = AppendInt(AppendInt(dst, OutReqAcctData), 2)
	dst = AppendBool(dst, m.Subscribe)
	return AppendString(dst, m.Account)
}
func (m *ReqAcctData) Decode(p []byte, _ int) error {
	s, err := begin(p, OutReqAcctData)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.Subscribe = s.Bool()
	m.Account = s.String()
	return finish(&s, "REQ_ACCT_DATA")
}

// ReqPnL is `92, reqId, account, modelCode` (no version; server ≥ 127).
// Out 92 is REQ_PNL, but in 92 is not PNL: the 92..95 trap.
type ReqPnL struct {
	ReqID     int
	Account   string
	ModelCode string
}

func (m *ReqPnL) MsgID() int { return OutReqPnL }
func (m *ReqPnL) AppendFields(dst []byte, _ int) []byte {
	dst = AppendInt(AppendInt(dst, OutReqPnL), int64(m.ReqID))
	dst = AppendString(dst, m.Account)
	return AppendString(dst, m.ModelCode)
}
func (m *ReqPnL) Decode(p []byte, _ int) error {
	s, err := begin(p, OutReqPnL)
	if err != nil {
		return err
	}
	m.ReqID = s.Int32()
	m.Account = s.String()
	m.ModelCode = s.String()
	return finish(&s, "REQ_PNL")
}

// CancelPnL is `93, reqId`.
type CancelPnL struct{ ReqID int }

func (m *CancelPnL) MsgID() int { return OutCancelPnL }
func (m *CancelPnL) AppendFields(dst []byte, _ int) []byte {
	return AppendInt(AppendInt(dst, OutCancelPnL), int64(m.ReqID))
}
func (m *CancelPnL) Decode(p []byte, _ int) error {
	s, err := begin(p, OutCancelPnL)
	if err != nil {
		return err
	}
	m.ReqID = s.Int32()
	return finish(&s, "CANCEL_PNL")
}

// ReqPnLSingle is `94, reqId, account, modelCode, conId` (no version).
type ReqPnLSingle struct {
	ReqID     int
	Account   string
	ModelCode string
	ConID     int64
}

func (m *ReqPnLSingle) MsgID() int { return OutReqPnLSingle }
func (m *ReqPnLSingle) AppendFields(dst []byte, _ int) []byte {
	dst = AppendInt(AppendInt(dst, OutReqPnLSingle), int64(m.ReqID))
	dst = AppendString(dst, m.Account)
	dst = AppendString(dst, m.ModelCode)
	return AppendInt(dst, m.ConID)
}
func (m *ReqPnLSingle) Decode(p []byte, _ int) error {
	s, err := begin(p, OutReqPnLSingle)
	if err != nil {
		return err
	}
	m.ReqID = s.Int32()
	m.Account = s.String()
	m.ModelCode = s.String()
	m.ConID = s.Int()
	return finish(&s, "REQ_PNL_SINGLE")
}

// CancelPnLSingle is `95, reqId`.
type CancelPnLSingle struct{ ReqID int }

func (m *CancelPnLSingle) MsgID() int { return OutCancelPnLSingle }
func (m *CancelPnLSingle) AppendFields(dst []byte, _ int) []byte {
	return AppendInt(AppendInt(dst, OutCancelPnLSingle), int64(m.ReqID))
}
func (m *CancelPnLSingle) Decode(p []byte, _ int) error {
	s, err := begin(p, OutCancelPnLSingle)
	if err != nil {
		return err
	}
	m.ReqID = s.Int32()
	return finish(&s, "CANCEL_PNL_SINGLE")
}

// ReqAccountUpdatesMulti is `76, 1, reqId, account, modelCode, ledgerAndNLV` (6).
type ReqAccountUpdatesMulti struct {
	ReqID        int
	Account      string
	ModelCode    string
	LedgerAndNLV bool
}

func (m *ReqAccountUpdatesMulti) MsgID() int { return OutReqAccountUpdatesMulti }
func (m *ReqAccountUpdatesMulti) AppendFields(dst []byte, _ int) []byte {
	dst = appendReqIDOnly(dst, OutReqAccountUpdatesMulti, 1, m.ReqID)
	dst = AppendString(dst, m.Account)
	dst = AppendString(dst, m.ModelCode)
	return AppendBool(dst, m.LedgerAndNLV)
}
func (m *ReqAccountUpdatesMulti) Decode(p []byte, _ int) error {
	s, err := begin(p, OutReqAccountUpdatesMulti)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.ReqID = s.Int32()
	m.Account = s.String()
	m.ModelCode = s.String()
	m.LedgerAndNLV = s.Bool()
	return finish(&s, "REQ_ACCOUNT_UPDATES_MULTI")
}

// CancelAccountUpdatesMulti is `77, 1, reqId`.
type CancelAccountUpdatesMulti struct{ ReqID int }

func (m *CancelAccountUpdatesMulti) MsgID() int { return OutCancelAccountUpdatesMulti }
func (m *CancelAccountUpdatesMulti) AppendFields(dst []byte, _ int) []byte {
	return appendReqIDOnly(dst, OutCancelAccountUpdatesMulti, 1, m.ReqID)
}
func (m *CancelAccountUpdatesMulti) Decode(p []byte, _ int) (err error) {
	m.ReqID, err = decodeReqIDOnly(p, OutCancelAccountUpdatesMulti, "CANCEL_ACCOUNT_UPDATES_MULTI")
	return err
}

// ReqContractData is reqContractDetails: `9, 8, reqId, CONTRACT (12 fields),
// includeExpired, secIdType, secId[, issuerId (≥ 176)]` — 18 fields, 19 from
// BOND_ISSUERID (ibapi client.py reqContractDetails).
type ReqContractData struct {
	ReqID          int
	Contract       Contract
	IncludeExpired bool
	SecIDType      string
	SecID          string
	IssuerID       string
}

func (m *ReqContractData) MsgID() int { return OutReqContractData }
func (m *ReqContractData) AppendFields(dst []byte, v int) []byte {
	dst = appendReqIDOnly(dst, OutReqContractData, 8, m.ReqID)
	dst = appendContract(dst, &m.Contract)
	dst = AppendBool(dst, m.IncludeExpired)
	dst = AppendString(dst, m.SecIDType)
	dst = AppendString(dst, m.SecID)
	if v >= VersionBondIssuerID {
		dst = AppendString(dst, m.IssuerID)
	}
	return dst
}
func (m *ReqContractData) Decode(p []byte, v int) error {
	s, err := begin(p, OutReqContractData)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.ReqID = s.Int32()
	m.Contract.scan(&s)
	m.IncludeExpired = s.Bool()
	m.SecIDType = s.String()
	m.SecID = s.String()
	m.IssuerID = ""
	if v >= VersionBondIssuerID && s.More() {
		m.IssuerID = s.String()
	}
	return finish(&s, "REQ_CONTRACT_DATA")
}

// ExecutionFilter selects executions; the zero value with LastNDays
// UnsetInt is "everything of the past day", as the official client sends it.
type ExecutionFilter struct {
	ClientID      int
	AcctCode      string
	Time          string // yyyymmdd-hh:mm:ss
	Symbol        string
	SecType       string
	Exchange      string
	Side          string
	LastNDays     int      // ≥ 200; UnsetInt when unset
	SpecificDates []string // ≥ 200
}

// maxSpecificDates bounds a decoded date count before anything is allocated.
const maxSpecificDates = 1000

// ReqExecutions is `7, 3, reqId, clientId, acctCode, time, symbol, secType,
// exchange, side` (10 fields); from 200 (PARAMETRIZED_DAYS_OF_EXECUTIONS)
// it adds `lastNDays, specificDatesCount, dates…`: a v200 gateway answers
// 320 to the short form.
type ReqExecutions struct {
	ReqID  int
	Filter ExecutionFilter
}

func (m *ReqExecutions) MsgID() int { return OutReqExecutions }
func (m *ReqExecutions) AppendFields(dst []byte, v int) []byte {
	f := &m.Filter
	dst = appendReqIDOnly(dst, OutReqExecutions, 3, m.ReqID)
	dst = AppendInt(dst, int64(f.ClientID))
	dst = AppendString(dst, f.AcctCode)
	dst = AppendString(dst, f.Time)
	dst = AppendString(dst, f.Symbol)
	dst = AppendString(dst, f.SecType)
	dst = AppendString(dst, f.Exchange)
	dst = AppendString(dst, f.Side)
	if v >= VersionParametrizedDays {
		dst = AppendInt(dst, int64(f.LastNDays))
		dst = AppendInt(dst, int64(len(f.SpecificDates)))
		for _, d := range f.SpecificDates {
			dst = AppendString(dst, d)
		}
	}
	return dst
}
func (m *ReqExecutions) Decode(p []byte, v int) error {
	s, err := begin(p, OutReqExecutions)
	if err != nil {
		return err
	}
	f := &m.Filter
	s.Skip(1)
	m.ReqID = s.Int32()
	f.ClientID = s.Int32()
	f.AcctCode = s.String()
	f.Time = s.String()
	f.Symbol = s.String()
	f.SecType = s.String()
	f.Exchange = s.String()
	f.Side = s.String()
	f.LastNDays, f.SpecificDates = 0, nil
	if v >= VersionParametrizedDays {
		f.LastNDays = s.Int32()
		n := s.Int32()
		if n < 0 || n > maxSpecificDates {
			s.fail([]byte("date count"), "date count")
			return finish(&s, "REQ_EXECUTIONS")
		}
		for i := 0; i < n && s.Err() == nil; i++ {
			f.SpecificDates = append(f.SpecificDates, s.String())
		}
	}
	return finish(&s, "REQ_EXECUTIONS")
}

// ReqOpenOrders is `5, 1`: this client id's open orders.
type ReqOpenOrders versionOnly

func (m *ReqOpenOrders) MsgID() int { return OutReqOpenOrders }
func (m *ReqOpenOrders) AppendFields(dst []byte, _ int) []byte {
	return appendVersionOnly(dst, OutReqOpenOrders)
}
func (m *ReqOpenOrders) Decode(p []byte, _ int) error {
	return decodeVersionOnly(p, OutReqOpenOrders, "REQ_OPEN_ORDERS")
}

// ReqAllOpenOrders is `16, 1`: the open orders of every client and of TWS,
// without binding them.
type ReqAllOpenOrders versionOnly

func (m *ReqAllOpenOrders) MsgID() int { return OutReqAllOpenOrders }
func (m *ReqAllOpenOrders) AppendFields(dst []byte, _ int) []byte {
	return appendVersionOnly(dst, OutReqAllOpenOrders)
}
func (m *ReqAllOpenOrders) Decode(p []byte, _ int) error {
	return decodeVersionOnly(p, OutReqAllOpenOrders, "REQ_ALL_OPEN_ORDERS")
}

// ReqAutoOpenOrders is `15, 1, autoBind` (client id 0 only).
type ReqAutoOpenOrders struct{ AutoBind bool }

func (m *ReqAutoOpenOrders) MsgID() int { return OutReqAutoOpenOrders }
func (m *ReqAutoOpenOrders) AppendFields(dst []byte, _ int) []byte {
	return AppendBool(appendVersionOnly(dst, OutReqAutoOpenOrders), m.AutoBind)
}
func (m *ReqAutoOpenOrders) Decode(p []byte, _ int) error {
	s, err := begin(p, OutReqAutoOpenOrders)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.AutoBind = s.Bool()
	return finish(&s, "REQ_AUTO_OPEN_ORDERS")
}

// ReqCompletedOrders is `99, apiOnly` (no version; server ≥ 150). robotui
// does not send it; the simulator answers it, as ib_async waits on it at connect.
type ReqCompletedOrders struct{ APIOnly bool }

func (m *ReqCompletedOrders) MsgID() int { return OutReqCompletedOrders }
func (m *ReqCompletedOrders) AppendFields(dst []byte, _ int) []byte {
	return AppendBool(AppendInt(dst, OutReqCompletedOrders), m.APIOnly)
}
func (m *ReqCompletedOrders) Decode(p []byte, _ int) error {
	s, err := begin(p, OutReqCompletedOrders)
	if err != nil {
		return err
	}
	m.APIOnly = s.Bool()
	return finish(&s, "REQ_COMPLETED_ORDERS")
}
