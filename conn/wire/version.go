package wire

// Server versions robotui negotiates, and the gates below 201 that change a
// message layout (PROTOCOL.md section 3). From 201 on message ids are binary
// and payloads protobuf, so robotui never asks for more than MaxVersion.
const (
	MinVersion = 100
	MaxVersion = 200

	VersionTradingClass        = 68
	VersionLinking             = 70
	VersionOptionalCaps        = 72
	VersionFractionalPositions = 101 // POSITION_DATA's position becomes a double
	VersionSmartComponents     = 114 // REQ_MKT_DATA gains regulatorySnapshot
	VersionSyntRealtimeBars    = 124
	VersionEncodeMsgASCII7     = 153
	VersionFractionalSize      = 163
	VersionAdvancedOrderReject = 166
	VersionErrorTime           = 194
	VersionHistoricalDataEnd   = 196
	VersionCurrentTimeInMillis = 197
)

// Client → server message ids.
const (
	OutReqMktData             = 1
	OutCancelMktData          = 2
	OutReqIDs                 = 8
	OutReqManagedAccts        = 17
	OutReqHistoricalData      = 20
	OutCancelHistoricalData   = 25
	OutReqCurrentTime         = 49
	OutReqRealTimeBars        = 50
	OutCancelRealTimeBars     = 51
	OutReqPositions           = 61
	OutReqAccountSummary      = 62
	OutCancelAccountSummary   = 63
	OutCancelPositions        = 64
	OutStartAPI               = 71
	OutReqCurrentTimeInMillis = 105
)

// Server → client message ids.
const (
	InTickPrice            = 1
	InTickSize             = 2
	InErrMsg               = 4
	InNextValidID          = 9
	InManagedAccts         = 15
	InHistoricalData       = 17
	InCurrentTime          = 49
	InRealTimeBars         = 50
	InPositionData         = 61
	InPositionEnd          = 62
	InAccountSummary       = 63
	InAccountSummaryEnd    = 64
	InHistoricalDataUpdate = 90
	InHistoricalDataEnd    = 108
	InCurrentTimeInMillis  = 109
)

// Unset sentinels seen on the wire.
const (
	UnsetInt    = 2147483647
	UnsetLong   = 9223372036854775807
	UnsetDouble = 1.7976931348623157e308
)
