package fanout

import (
	"github.com/robotui/robotui/conn/wire"
)

// Version translation. A client speaks version vd ≤ the session's vu.
// Messages with a typed codec are decoded at vu and encoded at vd; the
// others go as they are, their request id rewritten by position, only when
// no layout gate lies in (vd, vu] (or the gate only appends trailing
// fields, which are cut).

// exact: server messages whose layout changes at so many versions that
// they are forwarded only at the session's own version.
var exact = map[int]bool{
	wire.InOpenOrder: true, wire.InCompletedOrder: true, wire.InContractData: true,
	18: true, // BOND_CONTRACT_DATA
}

// replyGates: server messages changed at these versions (in 100..200).
var replyGates = map[int][]int{
	wire.InOrderStatus: {131},
	wire.InPnL:         {129, 135},
	wire.InPnLSingle:   {129, 135},
	21:                 {156}, // TICK_OPTION_COMPUTATION
}

// trailingGates: server messages that gain one trailing field at each.
var trailingGates = map[int][]int{
	wire.InExecutionData: {178, 198}, // pendingPriceRevision, submitter
}

// requestGates: client messages changed at these versions; REQ_EXECUTIONS
// at 200 gains trailing fields the fan-out fills in (appendRequest).
var requestGates = map[int][]int{
	wire.OutReqContractData: {176}, // issuerId
}

// answers: the server messages that answer each generic request.
var answers = map[int][]int{
	wire.OutReqContractData:        {wire.InContractData, wire.InContractDataEnd},
	wire.OutReqExecutions:          {wire.InExecutionData, wire.InExecutionDataEnd},
	wire.OutReqAccountUpdatesMulti: {wire.InAccountUpdateMulti, wire.InAccountUpdateMultiEnd},
	wire.OutReqPnL:                 {wire.InPnL},
	wire.OutReqPnLSingle:           {wire.InPnLSingle},
	wire.OutReqAllOpenOrders:       {wire.InOpenOrder, wire.InOrderStatus, wire.InOpenOrderEnd},
	wire.OutReqCompletedOrders:     {wire.InCompletedOrder, wire.InCompletedOrdersEnd},
}

func gateBetween(gates []int, vd, vu int) int {
	n := 0
	for _, g := range gates {
		if vd < g && g <= vu {
			n++
		}
	}
	return n
}

func replySafe(id, vd, vu int) bool {
	if vd == vu {
		return true
	}
	if exact[id] {
		return false
	}
	return gateBetween(replyGates[id], vd, vu) == 0
}

func requestSafe(id, vd, vu int) bool {
	return vd == vu || gateBetween(requestGates[id], vd, vu) == 0
}

func repliesSafe(req, vd, vu int) bool {
	for _, id := range answers[req] {
		if !replySafe(id, vd, vu) {
			return false
		}
	}
	return true
}

// appendRequest writes a generic request of version vd for version v under
// the session's request id.
func appendRequest(dst, payload []byte, id, idx, reqID, vd, v int) []byte {
	start := len(dst)
	out, err := wire.SetIntField(dst, payload, idx, int64(reqID))
	if err != nil {
		return append(dst[:start], payload...)
	}
	if id == wire.OutReqExecutions && vd < 200 && v >= 200 {
		// PARAMETRIZED_DAYS_OF_EXECUTIONS: lastNDays unset, no specific dates
		out = wire.AppendInt(out, wire.UnsetInt)
		out = wire.AppendInt(out, 0)
	}
	return out
}

// translator forwards one request's answers to one client.
type translator struct {
	c       *client
	did     int
	pending []wire.Bar // a backfill at ≥196 waiting for its end, for a client below 196
}

// forward sends one answer (at vu) to the client; it reports whether the
// request is complete (its last answer, or a refusal).
func (t *translator) forward(p []byte, vu, kind int) (done bool) {
	c := t.c
	id, err := wire.PeekID(p)
	if err != nil {
		return false
	}
	switch id {
	case wire.InHistoricalData:
		var m wire.HistoricalData
		if m.Decode(p, vu) != nil {
			return false
		}
		if vu >= wire.VersionHistoricalDataEnd && c.version < wire.VersionHistoricalDataEnd {
			t.pending = append(t.pending, m.Bars...)
			return false
		}
		m.ReqID = t.did
		c.send(&m)
		return vu < wire.VersionHistoricalDataEnd && kind == wire.OutReqHistoricalData
	case wire.InHistoricalDataEnd:
		var m wire.HistoricalDataEnd
		if m.Decode(p, vu) != nil {
			return false
		}
		if c.version < wire.VersionHistoricalDataEnd {
			c.send(&wire.HistoricalData{ReqID: t.did, Start: m.Start, End: m.End, Bars: t.pending})
			t.pending = nil
		} else {
			m.ReqID = t.did
			c.send(&m)
		}
		return kind == wire.OutReqHistoricalData
	case wire.InErrMsg:
		var m wire.ErrMsg
		if m.Decode(p, vu) != nil {
			return false
		}
		m.ReqID = t.did
		c.send(&m)
		return !isWarning(m.Code)
	case wire.InContractDataEnd, wire.InExecutionDataEnd, 57: // 57: TICK_SNAPSHOT_END
		sendTranslated(c, p, vu, t.did)
		return true
	}
	sendTranslated(c, p, vu, t.did)
	return false
}

// sendTranslated sends one answer carrying a request id to c under did.
func sendTranslated(c *client, p []byte, vu, did int) {
	id, err := wire.PeekID(p)
	if err != nil {
		return
	}
	if m := decodeTyped(id, p, vu); m != nil {
		setReqID(m, did)
		c.send(m)
		return
	}
	sendGeneric(c, id, p, vu, did)
}

// sendGeneric forwards a message no typed decoder reads.
func sendGeneric(c *client, id int, p []byte, vu, did int) {
	vd := c.version
	if !replySafe(id, vd, vu) {
		return
	}
	out := make([]byte, 4, len(p)+16)
	if i := wire.ServerReqIDField(id, vu); i > 0 && did != 0 {
		var err error
		if out, err = wire.SetIntField(out, p, i, int64(did)); err != nil {
			return
		}
	} else {
		out = append(out, p...)
	}
	if n := gateBetween(trailingGates[id], vd, vu); n > 0 {
		body := wire.TruncateFields(out[4:], wire.CountFields(out[4:])-n)
		out = out[:4+len(body)]
	}
	n := len(out) - 4
	if n <= 0 || n > wire.MaxPayload {
		return
	}
	out[0], out[1], out[2], out[3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	c.sendRaw(out)
}

// decodeTyped decodes the answers the codec knows, or returns nil.
func decodeTyped(id int, p []byte, v int) wire.Message {
	var m wire.Message
	switch id {
	case wire.InTickPrice:
		m = &wire.TickPrice{}
	case wire.InTickSize:
		m = &wire.TickSize{}
	case wire.InErrMsg:
		m = &wire.ErrMsg{}
	case wire.InRealTimeBars:
		m = &wire.RealTimeBar{}
	case wire.InAccountSummary:
		m = &wire.AccountSummary{}
	case wire.InAccountSummaryEnd:
		m = &wire.AccountSummaryEnd{}
	case wire.InPositionData:
		m = &wire.PositionData{}
	case wire.InPositionEnd:
		m = &wire.PositionEnd{}
	case wire.InHistoricalDataUpdate:
		m = &wire.HistoricalDataUpdate{}
	default:
		return nil
	}
	if m.Decode(p, v) != nil {
		return nil
	}
	return m
}

func setReqID(m wire.Message, did int) {
	switch m := m.(type) {
	case *wire.TickPrice:
		m.ReqID = did
	case *wire.TickSize:
		m.ReqID = did
	case *wire.ErrMsg:
		m.ReqID = did
	case *wire.RealTimeBar:
		m.ReqID = did
	case *wire.AccountSummary:
		m.ReqID = did
	case *wire.AccountSummaryEnd:
		m.ReqID = did
	case *wire.HistoricalDataUpdate:
		m.ReqID = did
	}
}

// isWarning reports IB codes that are informational even when tied to a
// request (PROTOCOL.md section 5).
func isWarning(code int) bool {
	switch code {
	case 105, 110, 165, 329, 399, 404, 434, 492, 10167: // not 321: on a data request it is the refusal
		return true
	}
	return code >= 2100 && code < 2200
}
