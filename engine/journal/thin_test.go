package journal

import (
	"log/slog"
	"testing"
	"time"
)

func TestAccountAndPositionLinesAreThinned(t *testing.T) {
	var th thinner
	at := time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC)
	rec := func(name string, sec int, attrs ...slog.Attr) slog.Record {
		r := slog.NewRecord(at.Add(time.Duration(sec)*time.Second), slog.LevelInfo, name, 0)
		r.AddAttrs(attrs...)
		return r
	}
	acct := slog.String("account", "DU1")
	aapl, msft := slog.String("symbol", "AAPL"), slog.String("symbol", "MSFT")
	steps := []struct {
		r    slog.Record
		want bool
	}{
		{rec("account", 0, acct), true},
		{rec("account", 1, acct), false}, // a second later: thinned
		{rec("account", 1, slog.String("account", "DU2")), true},
		{rec("position", 2, acct, aapl, slog.Float64("qty", 100)), true},
		{rec("position", 3, acct, msft, slog.Float64("qty", 50)), true}, // another subject
		{rec("position", 4, acct, aapl, slog.Float64("qty", 100)), false},
		{rec("position", 5, acct, aapl, slog.Float64("qty", 0)), true}, // closed: always
		{rec("account", 60, acct), true},                               // a minute on
		{rec("conn.state", 61, slog.String("state", "ready")), true},
		{rec("conn.state", 61, slog.String("state", "ready")), true}, // never thinned
	}
	for i, s := range steps {
		if got := th.keep(s.r); got != s.want {
			t.Errorf("step %d (%s at %s): kept %v, want %v", i, s.r.Message, s.r.Time.Format(time.TimeOnly), got, s.want)
		}
	}
}
