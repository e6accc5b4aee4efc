package conn

import (
	"context"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/conn/wire"
)

func isMsg[T wire.Message](round uint64) func(Event) bool {
	return func(ev Event) bool {
		a, ok := ev.(AccountMsg)
		if !ok || a.Round != round {
			return false
		}
		_, ok = a.Msg.(T)
		return ok
	}
}

// waitRound waits for the next account round and every part's end in it.
func waitRound(t *testing.T, rec *recorder, from int) (AccountRound, int) {
	t.Helper()
	ev, next := rec.waitFor(t, from, 5*time.Second, "an account round", func(ev Event) bool { _, ok := ev.(AccountRound); return ok })
	r := ev.(AccountRound)
	for _, end := range []struct {
		what  string
		match func(Event) bool
	}{
		{"POSITION_END", isMsg[*wire.PositionEnd](r.Round)},
		{"ACCT_DOWNLOAD_END", isMsg[*wire.AcctDownloadEnd](r.Round)},
		{"ACCOUNT_SUMMARY_END", isMsg[*wire.AccountSummaryEnd](r.Round)},
		{"EXECUTION_DATA_END", isMsg[*wire.ExecutionDataEnd](r.Round)},
		{"OPEN_ORDER_END", isMsg[*wire.OpenOrderEnd](r.Round)},
		{"PNL", isMsg[*wire.PnL](r.Round)},
		{"PNL_SINGLE", isMsg[*wire.PnLSingle](r.Round)},
	} {
		rec.waitFor(t, next, 5*time.Second, end.what, end.match)
	}
	return r, next
}

// TestAccountRequestedAfterEveryReady: each ready starts a new round that
// asks for every part again, and P&L answers carry their account.
func TestAccountRequestedAfterEveryReady(t *testing.T) {
	sim := startSim(t, ibsim.Config{ServerVersion: 178})
	rec := newRecorder()
	startSession(t, fastConfig(sim.Addr(), rec))
	r1, next := waitRound(t, rec, 0)
	if len(r1.Accounts) != 1 || r1.Accounts[0] != ibsim.DefaultAccount {
		t.Fatalf("round accounts %v", r1.Accounts)
	}
	ev, _ := rec.waitFor(t, 0, time.Second, "PNL", isMsg[*wire.PnL](r1.Round))
	if a := ev.(AccountMsg); a.Account != ibsim.DefaultAccount {
		t.Errorf("PNL for account %q", a.Account)
	}
	ev, _ = rec.waitFor(t, 0, time.Second, "PNL_SINGLE", isMsg[*wire.PnLSingle](r1.Round))
	if a := ev.(AccountMsg); a.Account != ibsim.DefaultAccount || a.ConID == 0 {
		t.Errorf("PNL_SINGLE for %q / %d", a.Account, a.ConID)
	}
	if err := sim.Inject(ibsim.Fault{Kind: ibsim.FaultDrop}); err != nil {
		t.Fatal(err)
	}
	r2, _ := waitRound(t, rec, next)
	if r2.Round <= r1.Round {
		t.Errorf("round %d after %d", r2.Round, r1.Round)
	}
}

func TestClientContractDetails(t *testing.T) {
	sim := startSim(t, ibsim.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, Options{Addr: sim.Addr(), ClientID: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := c.ContractDetails(ctx, wire.Contract{Symbol: "EUR", SecType: "CASH", Exchange: "IDEALPRO", Currency: "USD"})
	if err != nil || len(got) != 1 || got[0].Contract.LocalSymbol != "EUR.USD" {
		t.Fatalf("EUR.USD: %+v, %v", got, err)
	}
	if _, err := c.ContractDetails(ctx, wire.Contract{Symbol: "NOSUCH", SecType: "STK"}); err == nil {
		t.Error("an unknown contract gave no error")
	}
}
