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
	OutReqMktData                = 1
	OutCancelMktData             = 2
	OutPlaceOrder                = 3 // a write: robotui never sends it, the fan-out refuses it (321)
	OutCancelOrder               = 4 // a write
	OutReqOpenOrders             = 5
	OutReqAcctData               = 6 // reqAccountUpdates
	OutReqExecutions             = 7
	OutReqIDs                    = 8
	OutReqContractData           = 9
	OutReqAutoOpenOrders         = 15
	OutReqAllOpenOrders          = 16
	OutReqManagedAccts           = 17
	OutReqHistoricalData         = 20
	OutCancelHistoricalData      = 25
	OutReqCurrentTime            = 49
	OutReqRealTimeBars           = 50
	OutCancelRealTimeBars        = 51
	OutReqGlobalCancel           = 58 // a write
	OutReqPositions              = 61
	OutReqAccountSummary         = 62
	OutCancelAccountSummary      = 63
	OutCancelPositions           = 64
	OutStartAPI                  = 71
	OutReqAccountUpdatesMulti    = 76
	OutCancelAccountUpdatesMulti = 77
	OutReqPnL                    = 92 // the 92..95 trap: in 92..95 are other messages
	OutCancelPnL                 = 93
	OutReqPnLSingle              = 94
	OutCancelPnLSingle           = 95
	OutReqCompletedOrders        = 99
	OutReqCurrentTimeInMillis    = 105
)

// Server → client message ids.
const (
	InTickPrice             = 1
	InTickSize              = 2
	InOrderStatus           = 3
	InErrMsg                = 4
	InOpenOrder             = 5
	InAcctValue             = 6
	InPortfolioValue        = 7
	InAcctUpdateTime        = 8
	InNextValidID           = 9
	InContractData          = 10
	InExecutionData         = 11
	InManagedAccts          = 15
	InHistoricalData        = 17
	InCurrentTime           = 49
	InRealTimeBars          = 50
	InContractDataEnd       = 52
	InOpenOrderEnd          = 53
	InAcctDownloadEnd       = 54
	InExecutionDataEnd      = 55
	InCommissionReport      = 59
	InPositionData          = 61
	InPositionEnd           = 62
	InAccountSummary        = 63
	InAccountSummaryEnd     = 64
	InAccountUpdateMulti    = 73
	InAccountUpdateMultiEnd = 74
	InHistoricalDataUpdate  = 90
	InPnL                   = 94 // not 92: in 92 is REROUTE_MKT_DEPTH_REQ
	InPnLSingle             = 95
	InOrderBound            = 100
	InCompletedOrder        = 101
	InCompletedOrdersEnd    = 102
	InHistoricalDataEnd     = 108
	InCurrentTimeInMillis   = 109
)

// Unset sentinels seen on the wire.
const (
	UnsetInt    = 2147483647
	UnsetLong   = 9223372036854775807
	UnsetDouble = 1.7976931348623157e308
)

// Gates of the trading half (PROTOCOL-trading.md §1; ibapi server_versions.py).
const (
	VersionModelsSupport        = 103
	VersionPeggedToBenchmark    = 102
	VersionSoftDollarTier       = 106
	VersionMdSizeMultiplier     = 110
	VersionCashQty              = 111
	VersionAggGroup             = 121
	VersionUnderlyingInfo       = 122
	VersionMarketRules          = 126
	VersionPnL                  = 127
	VersionUnrealizedPnL        = 129
	VersionMarketCapPrice       = 131
	VersionRealExpirationDate   = 134
	VersionRealizedPnL          = 135
	VersionLastLiquidity        = 136
	VersionAutoPriceForHedge    = 141
	VersionWhatIfExtFields      = 142
	VersionOrderContainer       = 145
	VersionDPegOrders           = 148
	VersionPriceMgmtAlgo        = 151
	VersionStockType            = 152
	VersionDuration             = 158
	VersionPostToAts            = 160
	VersionAutoCancelParent     = 162
	VersionSizeRules            = 164
	VersionPegBestPegMidOffsets = 170
	VersionBondIssuerID         = 176
	VersionFAProfileDesupport   = 177
	VersionPendingPriceRevision = 178
	VersionFundDataFields       = 179
	VersionLastTradeDate        = 182
	VersionCustomerAccount      = 183
	VersionProfessionalCustomer = 184
	VersionBondAccruedInterest  = 185
	VersionIneligibilityReasons = 186
	VersionIncludeOvernight     = 189
	VersionCMETaggingOpenOrder  = 193
	VersionFullOrderPreview     = 195
	VersionSubmitter            = 198
	VersionImbalanceOnly        = 199
	VersionParametrizedDays     = 200
)
