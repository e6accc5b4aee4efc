package wire

// Client → server messages (PROTOCOL.md section 4, "Outgoing").

// StartAPI is `71, 2, clientId[, optionalCapabilities]`.
type StartAPI struct {
	ClientID             int
	OptionalCapabilities string
}

func (m *StartAPI) MsgID() int { return OutStartAPI }
func (m *StartAPI) AppendFields(dst []byte, v int) []byte {
	dst = AppendInt(dst, OutStartAPI)
	dst = AppendInt(dst, 2)
	dst = AppendInt(dst, int64(m.ClientID))
	if v >= VersionOptionalCaps {
		dst = AppendString(dst, m.OptionalCapabilities)
	}
	return dst
}
func (m *StartAPI) Decode(p []byte, v int) error {
	s, err := begin(p, OutStartAPI)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.ClientID = s.Int32()
	m.OptionalCapabilities = ""
	if v >= VersionOptionalCaps && s.More() {
		m.OptionalCapabilities = s.String()
	}
	return finish(&s, "START_API")
}

// versionOnly is the body of requests that carry nothing but `id, 1`.
type versionOnly struct{}

func appendVersionOnly(dst []byte, id int) []byte {
	return AppendInt(AppendInt(dst, int64(id)), 1)
}

func decodeVersionOnly(p []byte, id int, name string) error {
	s, err := begin(p, id)
	if err != nil {
		return err
	}
	s.Skip(1)
	return finish(&s, name)
}

// ReqCurrentTime is `49, 1`: the keepalive ping.
type ReqCurrentTime versionOnly

func (m *ReqCurrentTime) MsgID() int { return OutReqCurrentTime }
func (m *ReqCurrentTime) AppendFields(dst []byte, _ int) []byte {
	return appendVersionOnly(dst, OutReqCurrentTime)
}
func (m *ReqCurrentTime) Decode(p []byte, _ int) error {
	return decodeVersionOnly(p, OutReqCurrentTime, "REQ_CURRENT_TIME")
}

// ReqCurrentTimeInMillis is `105` (server version ≥ 197).
type ReqCurrentTimeInMillis struct{}

func (m *ReqCurrentTimeInMillis) MsgID() int { return OutReqCurrentTimeInMillis }
func (m *ReqCurrentTimeInMillis) AppendFields(dst []byte, _ int) []byte {
	return AppendInt(dst, OutReqCurrentTimeInMillis)
}
func (m *ReqCurrentTimeInMillis) Decode(p []byte, _ int) error {
	s, err := begin(p, OutReqCurrentTimeInMillis)
	if err != nil {
		return err
	}
	return finish(&s, "REQ_CURRENT_TIME_IN_MILLIS")
}

// ReqManagedAccts is `17, 1`.
type ReqManagedAccts versionOnly

func (m *ReqManagedAccts) MsgID() int { return OutReqManagedAccts }
func (m *ReqManagedAccts) AppendFields(dst []byte, _ int) []byte {
	return appendVersionOnly(dst, OutReqManagedAccts)
}
func (m *ReqManagedAccts) Decode(p []byte, _ int) error {
	return decodeVersionOnly(p, OutReqManagedAccts, "REQ_MANAGED_ACCTS")
}

// ReqPositions is `61, 1`.
type ReqPositions versionOnly

func (m *ReqPositions) MsgID() int { return OutReqPositions }
func (m *ReqPositions) AppendFields(dst []byte, _ int) []byte {
	return appendVersionOnly(dst, OutReqPositions)
}
func (m *ReqPositions) Decode(p []byte, _ int) error {
	return decodeVersionOnly(p, OutReqPositions, "REQ_POSITIONS")
}

// CancelPositions is `64, 1`.
type CancelPositions versionOnly

func (m *CancelPositions) MsgID() int { return OutCancelPositions }
func (m *CancelPositions) AppendFields(dst []byte, _ int) []byte {
	return appendVersionOnly(dst, OutCancelPositions)
}
func (m *CancelPositions) Decode(p []byte, _ int) error {
	return decodeVersionOnly(p, OutCancelPositions, "CANCEL_POSITIONS")
}

// reqIDOnly is the body of cancels that carry `id, version, reqId`.
func appendReqIDOnly(dst []byte, id, version, reqID int) []byte {
	dst = AppendInt(dst, int64(id))
	dst = AppendInt(dst, int64(version))
	return AppendInt(dst, int64(reqID))
}

func decodeReqIDOnly(p []byte, id int, name string) (int, error) {
	s, err := begin(p, id)
	if err != nil {
		return 0, err
	}
	s.Skip(1)
	reqID := s.Int32()
	return reqID, finish(&s, name)
}

// ReqIDs is `8, 1, numIds`.
type ReqIDs struct{ NumIDs int }

func (m *ReqIDs) MsgID() int { return OutReqIDs }
func (m *ReqIDs) AppendFields(dst []byte, _ int) []byte {
	return appendReqIDOnly(dst, OutReqIDs, 1, m.NumIDs)
}
func (m *ReqIDs) Decode(p []byte, _ int) (err error) {
	m.NumIDs, err = decodeReqIDOnly(p, OutReqIDs, "REQ_IDS")
	return err
}

// CancelMktData is `2, 2, reqId`.
type CancelMktData struct{ ReqID int }

func (m *CancelMktData) MsgID() int { return OutCancelMktData }
func (m *CancelMktData) AppendFields(dst []byte, _ int) []byte {
	return appendReqIDOnly(dst, OutCancelMktData, 2, m.ReqID)
}
func (m *CancelMktData) Decode(p []byte, _ int) (err error) {
	m.ReqID, err = decodeReqIDOnly(p, OutCancelMktData, "CANCEL_MKT_DATA")
	return err
}

// CancelHistoricalData is `25, 1, reqId`.
type CancelHistoricalData struct{ ReqID int }

func (m *CancelHistoricalData) MsgID() int { return OutCancelHistoricalData }
func (m *CancelHistoricalData) AppendFields(dst []byte, _ int) []byte {
	return appendReqIDOnly(dst, OutCancelHistoricalData, 1, m.ReqID)
}
func (m *CancelHistoricalData) Decode(p []byte, _ int) (err error) {
	m.ReqID, err = decodeReqIDOnly(p, OutCancelHistoricalData, "CANCEL_HISTORICAL_DATA")
	return err
}

// CancelRealTimeBars is `51, 1, reqId`.
type CancelRealTimeBars struct{ ReqID int }

func (m *CancelRealTimeBars) MsgID() int { return OutCancelRealTimeBars }
func (m *CancelRealTimeBars) AppendFields(dst []byte, _ int) []byte {
	return appendReqIDOnly(dst, OutCancelRealTimeBars, 1, m.ReqID)
}
func (m *CancelRealTimeBars) Decode(p []byte, _ int) (err error) {
	m.ReqID, err = decodeReqIDOnly(p, OutCancelRealTimeBars, "CANCEL_REAL_TIME_BARS")
	return err
}

// CancelAccountSummary is `63, 1, reqId`.
type CancelAccountSummary struct{ ReqID int }

func (m *CancelAccountSummary) MsgID() int { return OutCancelAccountSummary }
func (m *CancelAccountSummary) AppendFields(dst []byte, _ int) []byte {
	return appendReqIDOnly(dst, OutCancelAccountSummary, 1, m.ReqID)
}
func (m *CancelAccountSummary) Decode(p []byte, _ int) (err error) {
	m.ReqID, err = decodeReqIDOnly(p, OutCancelAccountSummary, "CANCEL_ACCOUNT_SUMMARY")
	return err
}

// ReqAccountSummary is `62, 1, reqId, group, tags`.
type ReqAccountSummary struct {
	ReqID int
	Group string // usually "All"
	Tags  string // comma-separated
}

func (m *ReqAccountSummary) MsgID() int { return OutReqAccountSummary }
func (m *ReqAccountSummary) AppendFields(dst []byte, _ int) []byte {
	dst = appendReqIDOnly(dst, OutReqAccountSummary, 1, m.ReqID)
	dst = AppendString(dst, m.Group)
	return AppendString(dst, m.Tags)
}
func (m *ReqAccountSummary) Decode(p []byte, _ int) error {
	s, err := begin(p, OutReqAccountSummary)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.ReqID = s.Int32()
	m.Group = s.String()
	m.Tags = s.String()
	return finish(&s, "REQ_ACCOUNT_SUMMARY")
}

// ReqMktData is `1, 11, reqId, CONTRACT, deltaNeutral, genericTickList,
// snapshot[, regulatorySnapshot (≥114)], mktDataOptions`.
type ReqMktData struct {
	ReqID              int
	Contract           Contract
	GenericTickList    string
	Snapshot           bool
	RegulatorySnapshot bool
	MktDataOptions     string
}

func (m *ReqMktData) MsgID() int { return OutReqMktData }
func (m *ReqMktData) AppendFields(dst []byte, v int) []byte {
	dst = appendReqIDOnly(dst, OutReqMktData, 11, m.ReqID)
	dst = appendContract(dst, &m.Contract)
	if m.Contract.SecType == "BAG" {
		dst = AppendInt(dst, 0)
	}
	dst = AppendBool(dst, false) // no delta-neutral contract
	dst = AppendString(dst, m.GenericTickList)
	dst = AppendBool(dst, m.Snapshot)
	if v >= VersionSmartComponents {
		dst = AppendBool(dst, m.RegulatorySnapshot)
	}
	return AppendString(dst, m.MktDataOptions)
}
func (m *ReqMktData) Decode(p []byte, v int) error {
	s, err := begin(p, OutReqMktData)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.ReqID = s.Int32()
	m.Contract.scan(&s)
	skipComboLegs(&s, &m.Contract)
	if s.Bool() {
		s.Skip(3) // delta-neutral conId, delta, price
	}
	m.GenericTickList = s.String()
	m.Snapshot = s.Bool()
	m.RegulatorySnapshot = false
	if v >= VersionSmartComponents {
		m.RegulatorySnapshot = s.Bool()
	}
	m.MktDataOptions = s.String()
	return finish(&s, "REQ_MKT_DATA")
}

// ReqHistoricalData asks for bars; with KeepUpToDate the newest bar keeps
// arriving as HISTORICAL_DATA_UPDATE until cancelled. Below version 124 the
// message carries a version field (6) and no keepUpToDate.
type ReqHistoricalData struct {
	ReqID          int
	Contract       Contract
	IncludeExpired bool
	EndDateTime    string // "" = now (required with KeepUpToDate)
	BarSize        string // "5 mins"
	Duration       string // "2 D"
	UseRTH         bool
	WhatToShow     string // "TRADES"
	FormatDate     int    // 1 text, 2 epoch seconds
	KeepUpToDate   bool
	ChartOptions   string
}

func (m *ReqHistoricalData) MsgID() int { return OutReqHistoricalData }
func (m *ReqHistoricalData) AppendFields(dst []byte, v int) []byte {
	dst = AppendInt(dst, OutReqHistoricalData)
	if v < VersionSyntRealtimeBars {
		dst = AppendInt(dst, 6)
	}
	dst = AppendInt(dst, int64(m.ReqID))
	dst = appendContract(dst, &m.Contract)
	dst = AppendBool(dst, m.IncludeExpired)
	dst = AppendString(dst, m.EndDateTime)
	dst = AppendString(dst, m.BarSize)
	dst = AppendString(dst, m.Duration)
	dst = AppendBool(dst, m.UseRTH)
	dst = AppendString(dst, m.WhatToShow)
	dst = AppendInt(dst, int64(m.FormatDate))
	if m.Contract.SecType == "BAG" {
		dst = AppendInt(dst, 0)
	}
	if v >= VersionSyntRealtimeBars {
		dst = AppendBool(dst, m.KeepUpToDate)
	}
	return AppendString(dst, m.ChartOptions)
}
func (m *ReqHistoricalData) Decode(p []byte, v int) error {
	s, err := begin(p, OutReqHistoricalData)
	if err != nil {
		return err
	}
	if v < VersionSyntRealtimeBars {
		s.Skip(1)
	}
	m.ReqID = s.Int32()
	m.Contract.scan(&s)
	m.IncludeExpired = s.Bool()
	m.EndDateTime = s.String()
	m.BarSize = s.String()
	m.Duration = s.String()
	m.UseRTH = s.Bool()
	m.WhatToShow = s.String()
	m.FormatDate = s.Int32()
	skipComboLegs(&s, &m.Contract)
	m.KeepUpToDate = false
	if v >= VersionSyntRealtimeBars {
		m.KeepUpToDate = s.Bool()
	}
	m.ChartOptions = s.String()
	return finish(&s, "REQ_HISTORICAL_DATA")
}

// ReqRealTimeBars is `50, 3, reqId, CONTRACT, barSize, whatToShow, useRTH, options`.
type ReqRealTimeBars struct {
	ReqID      int
	Contract   Contract
	BarSize    int // always 5
	WhatToShow string
	UseRTH     bool
	Options    string
}

func (m *ReqRealTimeBars) MsgID() int { return OutReqRealTimeBars }
func (m *ReqRealTimeBars) AppendFields(dst []byte, _ int) []byte {
	dst = appendReqIDOnly(dst, OutReqRealTimeBars, 3, m.ReqID)
	dst = appendContract(dst, &m.Contract)
	dst = AppendInt(dst, int64(m.BarSize))
	dst = AppendString(dst, m.WhatToShow)
	dst = AppendBool(dst, m.UseRTH)
	return AppendString(dst, m.Options)
}
func (m *ReqRealTimeBars) Decode(p []byte, _ int) error {
	s, err := begin(p, OutReqRealTimeBars)
	if err != nil {
		return err
	}
	s.Skip(1)
	m.ReqID = s.Int32()
	m.Contract.scan(&s)
	m.BarSize = s.Int32()
	m.WhatToShow = s.String()
	m.UseRTH = s.Bool()
	m.Options = s.String()
	return finish(&s, "REQ_REAL_TIME_BARS")
}
