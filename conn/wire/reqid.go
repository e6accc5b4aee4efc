package wire

import (
	"bytes"
	"fmt"
	"strconv"
)

// Where the request id sits in each message that carries one, by server
// version (the field index, the message id being field 0). This is what
// lets a message be routed, or its id rewritten, without a typed decoder:
// the fan-out forwards the trading half this way. 0 means the message
// carries no request id (at that version) or is not listed.

// ServerReqIDField is the index of the request id in a server → client
// message with id msgID at version v.
func ServerReqIDField(msgID, v int) int {
	switch msgID {
	case InTickPrice, InTickSize, inTickGeneric, inTickString, inTickEFP,
		InRealTimeBars, inTickSnapshotEnd, inMarketDataType,
		InAccountSummary, InAccountSummaryEnd, InAccountUpdateMulti, InAccountUpdateMultiEnd,
		InContractDataEnd, InExecutionDataEnd:
		return 2
	case InErrMsg:
		if v >= VersionErrorTime {
			return 1
		}
		return 2
	case InHistoricalData:
		if v >= VersionSyntRealtimeBars {
			return 1
		}
		return 2
	case inTickOptionComputation:
		if v >= versionPriceBasedVolatility {
			return 1
		}
		return 2
	case InContractData:
		if v >= versionSizeRules {
			return 1
		}
		return 2
	case InExecutionData:
		if v >= versionLastLiquidity {
			return 1
		}
		return 2
	case InHistoricalDataUpdate, InHistoricalDataEnd, inTickReqParams, InPnL, InPnLSingle:
		return 1
	}
	return 0
}

// ClientReqIDField is the index of the request id in a client → server
// message with id msgID at version v.
func ClientReqIDField(msgID, v int) int {
	switch msgID {
	case OutReqMktData, OutCancelMktData, OutCancelHistoricalData, OutReqRealTimeBars, OutCancelRealTimeBars,
		OutReqContractData, OutReqExecutions, OutReqAccountSummary, OutCancelAccountSummary,
		OutReqAccountUpdatesMulti, OutCancelAccountUpdatesMulti:
		return 2
	case OutReqHistoricalData:
		if v >= VersionSyntRealtimeBars {
			return 1
		}
		return 2
	case OutReqPnL, OutCancelPnL, OutReqPnLSingle, OutCancelPnLSingle:
		return 1
	}
	return 0
}

// Server message ids and gates that only the request-id table needs.
const (
	inTickOptionComputation = 21
	inTickGeneric           = 45
	inTickString            = 46
	inTickEFP               = 47
	inTickSnapshotEnd       = 57
	inMarketDataType        = 58
	inTickReqParams         = 81

	versionLastLiquidity        = 136 // EXECUTION_DATA loses its version field
	versionPriceBasedVolatility = 156 // TICK_OPTION_COMPUTATION loses its version field
	versionSizeRules            = 164 // CONTRACT_DATA loses its version field
)

// FieldInt reads field i of payload as an integer.
func FieldInt(payload []byte, i int) (int, error) {
	s := NewScanner(payload)
	s.Skip(i)
	v := s.Int32()
	if err := s.Err(); err != nil {
		return 0, fmt.Errorf("field %d: %w", i, err)
	}
	return v, nil
}

// SetIntField appends payload to dst with field i replaced by v: how a
// request id is rewritten in a message no typed decoder reads.
func SetIntField(dst, payload []byte, i int, v int64) ([]byte, error) {
	start := 0
	for range i {
		j := bytes.IndexByte(payload[start:], 0)
		if j < 0 {
			return dst, fmt.Errorf("%w %d", ErrMissingField, i)
		}
		start += j + 1
	}
	j := bytes.IndexByte(payload[start:], 0)
	if j < 0 {
		return dst, fmt.Errorf("%w %d", ErrMissingField, i)
	}
	dst = append(dst, payload[:start]...)
	dst = strconv.AppendInt(dst, v, 10)
	return append(dst, payload[start+j:]...), nil
}

// CountFields is the number of NUL-terminated fields in payload.
func CountFields(payload []byte) int { return bytes.Count(payload, []byte{0}) }

// TruncateFields returns payload cut after its first n fields.
func TruncateFields(payload []byte, n int) []byte {
	end := 0
	for range n {
		j := bytes.IndexByte(payload[end:], 0)
		if j < 0 {
			return payload
		}
		end += j + 1
	}
	return payload[:end]
}
