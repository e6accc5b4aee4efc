package engine

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/ibsim"
)

func TestRunOnce(t *testing.T) {
	tests := []struct {
		name    string
		symbols []string
		noSim   bool
		code    int
		signals []string // symbols with a signal line, in order
		failed  []string
	}{
		{"every symbol reported", []string{"AAPL", "MSFT", "NVDA"}, false, ExitOK, []string{"AAPL", "MSFT", "NVDA"}, nil},
		{"a bad symbol among good ones", []string{"AAPL", "NOSUCHSYM", "MSFT"}, false, ExitFailed, []string{"AAPL", "MSFT"}, []string{"NOSUCHSYM"}},
		{"nothing listens", []string{"AAPL"}, true, ExitNoSession, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr := closedPort(t)
			var sim *ibsim.Server
			if !tt.noSim {
				sim = startSim(t, ibsim.Config{Seed: 9, Clock: ibsim.NewManualClock(simStart)})
				addr = sim.Addr()
			}
			rec := newRecorder()
			opts := testOptions(addr, tt.symbols, rec)
			opts.Session.ConnectTimeout = 300 * time.Millisecond
			e, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			began := time.Now()
			code := e.RunOnce(context.Background())
			if code != tt.code {
				t.Fatalf("exit %d, want %d", code, tt.code)
			}
			var signals, failed []string
			for _, r := range rec.all(EventSignal) {
				signals = append(signals, r.attrs["symbol"].(string))
			}
			for _, r := range rec.all(EventSymbolFailed) {
				failed = append(failed, r.attrs["symbol"].(string))
			}
			if !slices.Equal(signals, tt.signals) || !slices.Equal(failed, tt.failed) {
				t.Fatalf("signal lines for %v and failures %v, want %v and %v", signals, failed, tt.signals, tt.failed)
			}
			if _, ok := <-e.Snapshots(); ok {
				t.Fatal("the snapshot channel is open after RunOnce")
			}
			if tt.noSim {
				if n := rec.count("once", nil); n != 1 || time.Since(began) > 5*time.Second {
					t.Fatalf("%d error lines, %v to give up; want one, within the connect timeout and a second", n, time.Since(began))
				}
				return
			}
			// The session was closed, and closed cleanly: the gateway saw our client leave.
			states := rec.all(EventConnState)
			if last := states[len(states)-1]; last.attrs["state"] != "closed" {
				t.Fatalf("last state %v, want closed", last.attrs)
			}
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			if err := sim.WaitFor(ctx, func(st ibsim.State) bool { return len(st.Clients) == 1 && st.Count("closed") == 1 }); err != nil {
				t.Fatalf("the simulator still holds our client: %+v", sim.State())
			}
			for _, r := range rec.all(EventSignal) {
				bt, err := time.Parse(time.RFC3339, r.attrs["bar_time"].(string))
				if want := simStart.Truncate(barSize).Add(-barSize); err != nil || !bt.Equal(want) {
					t.Errorf("%s: bar_time %v, want the newest closed bar %v", r.attrs["symbol"], r.attrs["bar_time"], want)
				}
			}
		})
	}
}

func TestRunOnceOnlyOnce(t *testing.T) {
	rec := newRecorder()
	e := startEngine(t, testOptions(closedPort(t), []string{"AAPL"}, rec))
	if code := e.RunOnce(context.Background()); code != ExitNoSession {
		t.Fatalf("RunOnce on a started engine: %d, want %d", code, ExitNoSession)
	}
}
