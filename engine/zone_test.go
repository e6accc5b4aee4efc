package engine

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibsim"
)

// TestRealDateFormats reads bar dates as captures of real gateways write
// them, each with its Unix time; zone-less ones are in the login zone.
func TestRealDateFormats(t *testing.T) {
	ny, london := mustNY(t), mustZone(t, "Europe/London")
	tests := []struct {
		name string
		in   string
		loc  *time.Location
		want int64
		ok   bool
	}{
		{"older gateway, two spaces, New York login", "20230413  16:31:22", ny, 1681417882, true},
		{"older gateway, two spaces, London login", "20230228  17:24:14", london, 1677605054, true},
		{"one space, no zone", "20230413 16:31:22", ny, 1681417882, true},
		{"zoned", "20260402 09:30:00 US/Eastern", london, 1775136600, true},
		{"zoned, two spaces", "20260402  09:30:00 US/Eastern", london, 1775136600, true},
		{"daily", "20260402", ny, 1775088000, true},
		{"UTC with a dash", "20260402-13:30:00", ny, 1775136600, true},
		{"epoch seconds", "1775136600", london, 1775136600, true},
		{"three spaces", "20230413   16:31:22", ny, 0, false},
		{"time cut short", "20230413  16:31", ny, 0, false},
		{"unknown zone", "20260402 09:30:00 Mars/Olympus", ny, 0, false},
		{"garbage", "yesterday", ny, 0, false},
	}
	for _, tt := range tests {
		got, err := parseBarTime(tt.in, tt.loc)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%s: parseBarTime(%q) = %d, %v; want %d ok=%v", tt.name, tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestLoginZones reads the zone of handshake replies as real gateways write
// it, and the login time in it: a known zone is its IANA location, anything
// else (mojibake of a name we do not know, nothing at all) is reported
// unknown, and the engine then reads New York.
func TestLoginZones(t *testing.T) {
	tests := []struct {
		reply string
		iana  string // "" when not known
		want  int64  // the login instant read in the zone
	}{
		{"20230228 17:24:14 EST", "America/New_York", 1677623054},
		{"20230228 17:24:14 Eastern Standard Time", "America/New_York", 1677623054},
		{"20230228 17:24:14 CST", "America/Chicago", 1677626654},
		{"20230228 17:24:14 Greenwich Mean Time", "Europe/London", 1677605054},
		{"20230228 17:24:14 GMT Standard Time", "Europe/London", 1677605054},
		{"20230228 17:24:14 Coordinated Universal Time", "UTC", 1677605054},
		{"20230228 17:24:14 Central European Standard Time", "Europe/Berlin", 1677601454},
		{"20230228 17:24:14 W. Europe Standard Time", "Europe/Berlin", 1677601454},
		{"20230228 17:24:14 Mitteleuropäische Zeit", "Europe/Berlin", 1677601454},
		{"20230228 17:24:14 MitteleuropÃ¤ische Zeit", "Europe/Berlin", 1677601454}, // UTF-8 read as Latin-1
		{"20230228 17:24:14 Mitteleurop\ufffdische Zeit", "Europe/Berlin", 1677601454},
		{"20230228 17:24:14 Tokyo Standard Time", "Asia/Tokyo", 1677572654},
		{"20230228 17:24:14 Asia/Hong_Kong", "Asia/Hong_Kong", 1677576254},
		{"20230228 17:24:14 \ufffd\u0439\ufffd\ufffd\ufffd\u05fc\u02b1\ufffd\ufffd", "", 0}, // China Standard Time, mojibake
		{"20230228 17:24:14 IST", "", 0},                                                    // India, Israel or Ireland
		{"20230228 17:24:14", "", 0},
		{"", "", 0},
	}
	for _, tt := range tests {
		_, loc, ok := loginZone(tt.reply)
		if ok != (tt.iana != "") || ok && loc.String() != tt.iana {
			t.Errorf("loginZone(%q) = %v, %v; want %q", tt.reply, loc, ok, tt.iana)
			continue
		}
		if !ok {
			continue
		}
		f := tt.reply[:8] + "  " + tt.reply[9:17] // the login time, as an older gateway writes a bar date
		if got, err := parseBarTime(f, loc); err != nil || got != tt.want {
			t.Errorf("%q in %s = %d, %v; want %d", f, loc, got, err, tt.want)
		}
	}
}

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestEngineReadsTheLoginZone: the engine takes the zone of the handshake
// reply for zone-less dates; one it does not know is New York, with a
// warning, and the session goes on.
func TestEngineReadsTheLoginZone(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		zone, want string
		warned     bool
	}{
		{"Europe/London=Greenwich Mean Time", "Europe/London", false},
		{"Europe/Berlin=Central European Standard Time", "Europe/Berlin", false},
		{"Asia/Shanghai=\ufffd\u0439\ufffd\ufffd\ufffd\u05fc\u02b1\ufffd\ufffd", "America/New_York", true},
	} {
		sim := startSim(t, ibsim.Config{Clock: ibsim.NewManualClock(simStart), LoginZone: tt.zone})
		rec := newRecorder()
		e := startEngine(t, testOptions(sim.Addr(), []string{"AAPL"}, rec))
		rec.waitCount(t, "ready", EventConnState, 1, isState("ready")) // written after the zone is read
		if got := e.dateLoc.Load().String(); got != tt.want {
			t.Errorf("%s: text dates read in %s, want %s", tt.zone, got, tt.want)
		}
		if n := rec.count(EventZone, nil); (n == 1) != tt.warned {
			t.Errorf("%s: %d zone warnings", tt.zone, n)
		}
		if tt.warned {
			if r := rec.all(EventZone)[0]; r.level != slog.LevelWarn || r.attrs["known"] != false {
				t.Errorf("zone event %v at %v", r.attrs, r.level)
			}
		}
	}
}

// TestUnreadableBarSkipped: one bar whose date cannot be read is skipped and
// counted; the rest of the backfill, in every real format, is merged.
func TestUnreadableBarSkipped(t *testing.T) {
	e := testEngine(t, "AAA")
	sym := e.syms[0]
	bars := backfill(0, 6*step+5)
	ny := mustNY(t)
	bars[1].Date = time.Unix(step, 0).In(ny).Format("20060102  15:04:05")                  // two spaces, login zone
	bars[2].Date = time.Unix(2*step, 0).In(ny).Format("20060102 15:04:05") + " US/Eastern" // zoned
	bars[3].Date = "20260231 25:61:00"                                                     // unreadable
	e.onBars(sym, conn.BarEvent{Kind: conn.BarBackfill, Bars: bars})
	got := closedTimes(e, "AAA")
	want := []int64{0, step, 2 * step, 4 * step, 5 * step}
	if !slices.Equal(got, want) {
		t.Errorf("closed bars at %v, want %v (the unreadable one skipped, the rest kept)", got, want)
	}
	sym.mu.Lock()
	bad := sym.badDates
	sym.mu.Unlock()
	if bad != 1 {
		t.Errorf("%d bad dates counted, want 1", bad)
	}
}
