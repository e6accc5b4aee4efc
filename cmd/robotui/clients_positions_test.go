package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/robotui/robotui/cmd/robotui/internal/api"
)

func TestPositionsTable(t *testing.T) {
	body, _ := json.Marshal(api.Positions{Positions: []api.PositionBody{
		{Account: "DU1", Symbol: "AAPL", Qty: 100, AvgCost: 150.25, MarketPrice: 190.5, MarketValue: 19050, UnrealizedPnL: 4025, DailyPnL: -12.5},
		{Account: "DU2", Stale: true, Symbol: "ES", Qty: -1, AvgCost: 250000, MarketPrice: 5000, MarketValue: -250000},
	}})
	var out bytes.Buffer
	if err := printClient("positions", body, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ACCOUNT") ||
		!strings.Contains(lines[1], "AAPL") || !strings.Contains(lines[1], "+4025.00") || !strings.Contains(lines[1], "-12.50") ||
		!strings.Contains(lines[2], "DU2 (stale)") || !strings.Contains(lines[2], "-1") {
		t.Errorf("table:\n%s", out.String())
	}
	if err := printClient("positions", []byte("{"), &out); err == nil {
		t.Error("a broken answer printed")
	}
}
