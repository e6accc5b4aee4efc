// Interop check of robotui's fan-out: the same independent client as
// check.js (@stoqey/ib), unchanged, against robotui's read-only TWS API
// listener (--fanout) while robotui holds the one session to a gateway.
// In order: handshake, current time, one day of 5-minute AAPL bars with
// keepUpToDate and one live update, AAPL market data, positions, account
// summary, then a PLACE_ORDER that must be refused with 321. Exits 0 when
// all of it happened; any other error or a timeout exits 1.
//
//   node fanout.js [host] [port]     (default 127.0.0.1 4102)
"use strict";

const { IBApi, EventName, SecType, BarSizeSetting, WhatToShow, OrderAction, OrderType } = require("@stoqey/ib");

const host = process.argv[2] || "127.0.0.1";
const port = Number(process.argv[3] || 4102);
const clientId = Number(process.argv[4] || 78);
const histReqId = 1;
const mktReqId = 2;
const acctReqId = 3;
const infoCodes = new Set([2104, 2106, 2158, 2107, 2108, 2119]);
const aapl = { symbol: "AAPL", secType: SecType.STK, exchange: "SMART", currency: "USD" };

const ib = new IBApi({ host, port });
const seen = { bars: 0, updates: 0, ticks: 0, positions: 0, summary: 0 };
let serverVersion = null;
let currentTime = null;
let orderId = null;
let stage = "handshake";

function finish(code, message) {
  clearTimeout(timer);
  (code === 0 ? console.log : console.error)(message);
  ib.disconnect();
  process.exit(code);
}

const timer = setTimeout(() => finish(1, `fanout interop: timed out at ${stage} (${JSON.stringify(seen)})`), 30000);

ib.on(EventName.error, (err, code, reqId) => {
  if (infoCodes.has(code)) {
    console.log(`info ${code}: ${err.message}`);
    return;
  }
  if (code === 321 && stage === "order" && reqId === orderId) {
    console.log(`order refused: ${code} ${err.message}`);
    finish(0, `fanout interop: ok: server version ${serverVersion}, time ${currentTime}, ${seen.bars} bars of AAPL, ` +
      `${seen.updates} updates, ${seen.ticks} ticks, ${seen.positions} positions, ${seen.summary} summary values, order refused (321)`);
  }
  finish(1, `fanout interop: error ${code} (request ${reqId}) at ${stage}: ${err.message}`);
});

ib.on(EventName.server, (version, connectionTime) => {
  serverVersion = version;
  console.log(`server version ${version}, connection time ${connectionTime}`);
});

ib.on(EventName.nextValidId, (id) => {
  if (orderId !== null) {
    return;
  }
  orderId = id;
  console.log(`next valid id ${id}`);
  stage = "time";
  ib.reqCurrentTime();
});

ib.on(EventName.currentTime, (time) => {
  currentTime = time;
  console.log(`current time ${time} (${new Date(time * 1000).toISOString()})`);
  stage = "bars";
  ib.reqHistoricalData(histReqId, aapl, "", "1 D", BarSizeSetting.MINUTES_FIVE, WhatToShow.TRADES, 0, 1, true);
});

ib.on(EventName.historicalData, (reqId, date) => {
  if (reqId !== histReqId) {
    return;
  }
  if (String(date).startsWith("finished")) {
    console.log(`backfill: ${seen.bars} bars`);
    stage = "updates";
    return;
  }
  seen.bars++;
});

ib.on(EventName.historicalDataUpdate, (reqId, time, open, high, low, close) => {
  if (reqId !== histReqId || stage !== "updates") {
    return;
  }
  seen.updates++;
  console.log(`bar update ${time} o=${open} h=${high} l=${low} c=${close}`);
  stage = "market data";
  ib.reqMktData(mktReqId, aapl, "", false, false);
});

ib.on(EventName.tickPrice, (reqId, tickType, price) => {
  if (reqId !== mktReqId) {
    return;
  }
  seen.ticks++;
  if (stage === "market data") {
    console.log(`tick ${tickType} ${price}`);
    stage = "positions";
    ib.reqPositions();
  }
});

ib.on(EventName.position, (account, contract, pos, avgCost) => {
  seen.positions++;
  console.log(`position ${account} ${contract.symbol} ${pos} @ ${avgCost}`);
});

ib.on(EventName.positionEnd, () => {
  if (stage !== "positions") {
    return;
  }
  stage = "account summary";
  ib.reqAccountSummary(acctReqId, "All", "NetLiquidation,TotalCashValue,BuyingPower");
});

ib.on(EventName.accountSummary, (reqId, account, tag, value, currency) => {
  if (reqId === acctReqId) {
    seen.summary++;
    console.log(`summary ${account} ${tag} ${value} ${currency}`);
  }
});

ib.on(EventName.accountSummaryEnd, (reqId) => {
  if (reqId !== acctReqId || stage !== "account summary") {
    return;
  }
  stage = "order";
  ib.placeOrder(orderId, aapl, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1, transmit: true });
});

ib.connect(clientId);
