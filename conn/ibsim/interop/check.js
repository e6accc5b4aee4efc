// Interop check: an independent TWS API client (@stoqey/ib) against
// robotui's simulated gateway. Connects, asks the current time and one day
// of 5-minute AAPL bars, then the account: positions, account summary,
// account P&L and contract details (AAPL, EUR.USD, the ES future); prints
// them, exits 0; any error or a timeout exits 1.
//
//   node check.js [host] [port]     (default 127.0.0.1 4002)
"use strict";

const { IBApi, EventName, SecType, BarSizeSetting, WhatToShow } = require("@stoqey/ib");

const host = process.argv[2] || "127.0.0.1";
const port = Number(process.argv[3] || 4002);
const clientId = 77;
const histReqId = 1;
const summaryReqId = 2;
const pnlReqId = 3;
const detailsReqIds = [4, 5, 6];
const infoCodes = new Set([2104, 2106, 2158, 2107, 2108]);

const ib = new IBApi({ host, port });
const bars = [];
let currentTime = null;
let serverVersion = null;
let account = null;
const positions = [];
const summary = {};
const details = {};
let pnl = null;

function finish(code, message) {
  clearTimeout(timer);
  (code === 0 ? console.log : console.error)(message);
  ib.disconnect();
  process.exit(code);
}

const timer = setTimeout(() => finish(1, `interop: timed out (time ${currentTime}, ${bars.length} bars)`), 20000);

ib.on(EventName.error, (err, code, reqId) => {
  if (infoCodes.has(code)) {
    console.log(`info ${code}: ${err.message}`);
    return;
  }
  finish(1, `interop: error ${code} (request ${reqId}): ${err.message}`);
});

ib.on(EventName.server, (version, connectionTime) => {
  serverVersion = version;
  console.log(`server version ${version}, connection time ${connectionTime}`);
});

ib.on(EventName.managedAccounts, (accounts) => {
  account = String(accounts).split(",")[0];
  console.log(`managed accounts ${accounts}`);
});

ib.on(EventName.nextValidId, (orderId) => {
  console.log(`next valid id ${orderId}`);
  ib.reqCurrentTime();
});

ib.on(EventName.currentTime, (time) => {
  currentTime = time;
  console.log(`current time ${time} (${new Date(time * 1000).toISOString()})`);
  const aapl = { symbol: "AAPL", secType: SecType.STK, exchange: "SMART", currency: "USD" };
  ib.reqHistoricalData(histReqId, aapl, "", "1 D", BarSizeSetting.MINUTES_FIVE, WhatToShow.TRADES, 0, 1, false);
});

ib.on(EventName.historicalData, (reqId, date, open, high, low, close, volume, count, wap) => {
  if (reqId !== histReqId) {
    return;
  }
  if (String(date).startsWith("finished")) {
    if (bars.length < 2) {
      finish(1, `interop: only ${bars.length} bars`);
    }
    for (const b of bars.slice(0, 3).concat(["..."], bars.slice(-3))) {
      console.log(typeof b === "string" ? b : `${b.date} o=${b.open} h=${b.high} l=${b.low} c=${b.close} v=${b.volume} n=${b.count} wap=${b.wap}`);
    }
    ib.reqPositions();
    return;
  }
  if (!(low > 0 && low <= open && open <= high && low <= close && close <= high)) {
    finish(1, `interop: bad bar ${date} ${open} ${high} ${low} ${close}`);
  }
  bars.push({ date, open, high, low, close, volume, count, wap });
});

ib.on(EventName.position, (acct, contract, pos, avgCost) => {
  positions.push({ acct, symbol: contract.symbol, secType: contract.secType, pos, avgCost });
});

ib.on(EventName.positionEnd, () => {
  if (positions.length === 0) {
    finish(1, "interop: no positions");
  }
  for (const p of positions) {
    if (!(p.avgCost > 0) || !p.pos) {
      finish(1, `interop: bad position ${JSON.stringify(p)}`);
    }
    console.log(`position ${p.acct} ${p.symbol} ${p.secType} ${p.pos} @ ${p.avgCost}`);
  }
  ib.reqAccountSummary(summaryReqId, "All", "NetLiquidation,TotalCashValue,BuyingPower");
});

ib.on(EventName.accountSummary, (reqId, acct, tag, value, currency) => {
  summary[tag] = Number(value);
  console.log(`summary ${acct} ${tag} ${value} ${currency}`);
});

ib.on(EventName.accountSummaryEnd, (reqId) => {
  if (!(summary.NetLiquidation > 0 && summary.BuyingPower >= 0 && "TotalCashValue" in summary)) {
    finish(1, `interop: incomplete summary ${JSON.stringify(summary)}`);
  }
  ib.cancelAccountSummary(reqId);
  ib.reqPnL(pnlReqId, account, "");
});

ib.on(EventName.pnl, (reqId, dailyPnL, unrealizedPnL, realizedPnL) => {
  if (pnl !== null) {
    return;
  }
  pnl = { dailyPnL, unrealizedPnL, realizedPnL };
  console.log(`pnl daily ${dailyPnL} unrealized ${unrealizedPnL} realized ${realizedPnL}`);
  if (![dailyPnL, unrealizedPnL, realizedPnL].every(Number.isFinite)) {
    finish(1, `interop: bad P&L ${JSON.stringify(pnl)}`);
  }
  ib.cancelPnL(pnlReqId);
  const probes = [
    { symbol: "AAPL", secType: SecType.STK, exchange: "SMART", currency: "USD" },
    { symbol: "EUR", secType: SecType.CASH, exchange: "IDEALPRO", currency: "USD" },
    { symbol: "ES", secType: SecType.FUT, exchange: "CME", currency: "USD", lastTradeDateOrContractMonth: "202612" },
  ];
  probes.forEach((c, i) => ib.reqContractDetails(detailsReqIds[i], c));
});

ib.on(EventName.contractDetails, (reqId, cd) => {
  details[reqId] = cd;
  console.log(`contract details ${reqId}: ${cd.contract.symbol} ${cd.contract.secType} conId ${cd.contract.conId} on ${cd.contract.exchange} minTick ${cd.minTick} ${cd.longName}`);
});

ib.on(EventName.contractDetailsEnd, (reqId) => {
  if (!details[reqId] || !(details[reqId].contract.conId > 0)) {
    finish(1, `interop: no contract details for request ${reqId}`);
  }
  if (detailsReqIds.every((id) => details[id])) {
    finish(0, `interop: ok: server version ${serverVersion}, time ${currentTime}, ${bars.length} bars of AAPL, ` +
      `${positions.length} positions, net liquidation ${summary.NetLiquidation}, daily P&L ${pnl.dailyPnL}, ` +
      `${detailsReqIds.length} contract details`);
  }
});

ib.connect(clientId);
