package panels

import (
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
)

// TestFarmRow: the connection panel's last line lists the gateway's farms,
// broken ones first with how long, so a blip stands out on a narrow panel.
func TestFarmRow(t *testing.T) {
	th := plainTheme()
	now := time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC)
	s := &engine.Snapshot{At: now, Conn: engine.ConnInfo{State: conn.Ready, Since: now, ReadySince: now, Cause: conn.CauseHandshakeDone}}
	s.Farms = []conn.Farm{
		{Name: "cashhmds", Kind: conn.FarmHMDS, State: conn.FarmInactive, Since: now},
		{Name: "secdefil", Kind: conn.FarmSecDef, State: conn.FarmOK, Since: now},
		{Name: "usfarm", Kind: conn.FarmMarketData, State: conn.FarmBroken, Since: now.Add(-12 * time.Second)},
		{Name: "ushmds", Kind: conn.FarmHMDS, State: conn.FarmOK, Since: now},
	}
	body := connectionBody(th, s, true, 60)
	if len(body) > TopHeight-2 {
		t.Fatalf("%d lines, want at most %d", len(body), TopHeight-2)
	}
	last := strings.TrimRight(body[len(body)-1], " ")
	if want := "farms ✗usfarm 12s ✓secdefil ✓ushmds ·cashhmds"; last != want {
		t.Errorf("farm row %q, want %q", last, want)
	}
	narrow := strings.TrimRight(connectionBody(th, s, true, 20)[len(body)-1], " ")
	if !strings.HasPrefix(narrow, "farms ✗usfarm") {
		t.Errorf("narrow farm row %q: the broken farm must come first", narrow)
	}
}
