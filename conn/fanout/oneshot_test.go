package fanout_test

import (
	"testing"

	"github.com/robotui/robotui/conn/fanout"
	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/conn/wire"
)

// A one-shot backfill is forwarded under a session request id of its own
// and translated to each client's version: at 200 bars then
// HISTORICAL_DATA_END, below 196 one HISTORICAL_DATA with start and end.
func TestOneShotBackfillTranslated(t *testing.T) {
	r := startRig(t, ibsim.Config{ServerVersion: 200}, fanout.Config{})
	for i, v := range []int{178, 200} {
		rc := dialRaw(t, r.fo.Addr(), v, v)
		// not identical: IB's pacing (kept for all clients) refuses a repeat within 15 s
		rc.send(t, &wire.ReqHistoricalData{ReqID: 77, Contract: aapl(), BarSize: "5 mins", Duration: itoa(i+1) + " D", WhatToShow: "TRADES", FormatDate: 1})
		var m wire.HistoricalData
		rc.waitFor(t, "HISTORICAL_DATA", func(id int, p []byte) bool { return id == wire.InHistoricalData && m.Decode(p, rc.version) == nil })
		if m.ReqID != 77 || len(m.Bars) < 10 {
			t.Errorf("v%d: request %d, %d bars", v, m.ReqID, len(m.Bars))
		}
		if v < 196 && (m.Start == "" || m.End == "") {
			t.Errorf("v%d: no start/end: %q %q", v, m.Start, m.End)
		}
		if v >= 196 {
			var e wire.HistoricalDataEnd
			rc.waitFor(t, "HISTORICAL_DATA_END", func(id int, p []byte) bool { return id == wire.InHistoricalDataEnd && e.Decode(p, rc.version) == nil })
			if e.ReqID != 77 {
				t.Errorf("end for %d", e.ReqID)
			}
		}
	}
}

// An identical backfill within 15 s, from any client, gets IB's 162.
func TestHistoricalPacingShared(t *testing.T) {
	r := startRig(t, ibsim.Config{ServerVersion: 200}, fanout.Config{})
	req := &wire.ReqHistoricalData{ReqID: 1, Contract: aapl(), BarSize: "5 mins", Duration: "1 D", WhatToShow: "TRADES", FormatDate: 1}
	a, b := dialRaw(t, r.fo.Addr(), 1, 200), dialRaw(t, r.fo.Addr(), 2, 200)
	a.send(t, req)
	a.waitFor(t, "HISTORICAL_DATA_END", func(id int, _ []byte) bool { return id == wire.InHistoricalDataEnd })
	b.send(t, req)
	if m := b.waitErr(t, 162); m.ReqID != 1 || m.Text != "Historical Market Data Service error message:Historical data request pacing violation" {
		t.Errorf("second identical request: %+v", m)
	}
	if st := r.fo.Stats(); st.Pacing != 1 {
		t.Errorf("pacing count %d", st.Pacing)
	}
}
