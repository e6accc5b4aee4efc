// Interop check: an independent TWS API client (@stoqey/ib) against
// robotui's simulated gateway. Connects, asks the current time and one day
// of 5-minute AAPL bars, prints them, exits 0; any error or a timeout exits 1.
//
//   node check.js [host] [port]     (default 127.0.0.1 4002)
"use strict";

const { IBApi, EventName, SecType, BarSizeSetting, WhatToShow } = require("@stoqey/ib");

const host = process.argv[2] || "127.0.0.1";
const port = Number(process.argv[3] || 4002);
const clientId = 77;
const histReqId = 1;
const infoCodes = new Set([2104, 2106, 2158, 2107, 2108]);

const ib = new IBApi({ host, port });
const bars = [];
let currentTime = null;
let serverVersion = null;

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
    finish(0, `interop: ok: server version ${serverVersion}, time ${currentTime}, ${bars.length} bars of AAPL`);
  }
  if (!(low > 0 && low <= open && open <= high && low <= close && close <= high)) {
    finish(1, `interop: bad bar ${date} ${open} ${high} ${low} ${close}`);
  }
  bars.push({ date, open, high, low, close, volume, count, wap });
});

ib.connect(clientId);
