package ibsim

import (
	"math"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

func TestMarketIsDeterministic(t *testing.T) {
	from, to := t0.Add(-6*time.Hour), t0
	a, b, other := NewMarket(7, nil), NewMarket(7, nil), NewMarket(8, nil)
	for _, sym := range []string{"AAPL", "SPY", "TSLA"} {
		ba, bb := a.Bars(sym, 5*time.Minute, from, to), b.Bars(sym, 5*time.Minute, from, to)
		if len(ba) != 72 || !reflect.DeepEqual(ba, bb) {
			t.Errorf("%s: same seed gave different bars (%d, %d)", sym, len(ba), len(bb))
		}
		if reflect.DeepEqual(ba, other.Bars(sym, 5*time.Minute, from, to)) {
			t.Errorf("%s: seeds 7 and 8 gave the same bars", sym)
		}
	}
	// Order of computation does not matter: a fresh market asked backwards agrees.
	c := NewMarket(7, nil)
	for i := 71; i >= 0; i-- {
		st := from.Add(time.Duration(i) * 5 * time.Minute)
		if got, want := c.Bar("AAPL", 5*time.Minute, st, to), a.Bars("AAPL", 5*time.Minute, from, to)[i]; got != want {
			t.Fatalf("bar %d computed alone %+v, in a run %+v", i, got, want)
		}
	}
}

func TestPartialBarGrowsIntoTheCompleteBar(t *testing.T) {
	m := NewMarket(1, nil)
	start := t0
	full := m.Bar("MSFT", 5*time.Minute, start, start.Add(time.Hour))
	if got := m.Bar("MSFT", 5*time.Minute, start, start.Add(5*time.Minute)); got != full {
		t.Errorf("bar as of its end %+v differs from the complete bar %+v", got, full)
	}
	prevVol := -1.0
	for s := 0; s <= 300; s += 20 {
		p := m.Bar("MSFT", 5*time.Minute, start, start.Add(time.Duration(s)*time.Second))
		if p.Open != full.Open || p.High > full.High || p.Low < full.Low || p.Volume < prevVol || p.Volume > full.Volume {
			t.Fatalf("partial at %ds %+v inconsistent with complete %+v", s, p, full)
		}
		prevVol = p.Volume
	}
	if p := m.Bar("MSFT", 5*time.Minute, start.Add(90*time.Second), start.Add(2*time.Minute)); p.Date != strconv.FormatInt(start.Unix(), 10) {
		t.Errorf("start not aligned down: date %s", p.Date)
	}
}

func TestPricesAgreeAcrossBarSizes(t *testing.T) {
	m := NewMarket(3, nil)
	day := time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)
	fives := m.Bars("NVDA", 5*time.Minute, day, day.Add(24*time.Hour))
	hours := m.Bars("NVDA", time.Hour, day, day.Add(24*time.Hour))
	daily := m.Bar("NVDA", 24*time.Hour, day, day.Add(48*time.Hour))
	for h, hb := range hours {
		if hb.Open != fives[h*12].Open || hb.Close != fives[h*12+11].Close {
			t.Errorf("hour %d open/close %v/%v, 5-min bars %v/%v", h, hb.Open, hb.Close, fives[h*12].Open, fives[h*12+11].Close)
		}
	}
	if daily.Open != fives[0].Open || daily.Close != fives[len(fives)-1].Close {
		t.Errorf("day open/close %v/%v, 5-min bars %v/%v", daily.Open, daily.Close, fives[0].Open, fives[len(fives)-1].Close)
	}
	for i := 1; i < len(fives); i++ {
		if fives[i].Open != fives[i-1].Close {
			t.Fatalf("bar %d opens at %v, previous closed at %v", i, fives[i].Open, fives[i-1].Close)
		}
	}
}

func TestBarsAreSane(t *testing.T) {
	m := NewMarket(1, nil)
	for _, sym := range DefaultSymbols() {
		base := lookupInstrument(sym).price
		for _, b := range m.Bars(sym, 5*time.Minute, t0.Add(-4*time.Hour), t0) {
			checkBar(t, sym, b)
		}
		for _, b := range m.Bars(sym, 7*24*time.Hour, t0.AddDate(-2, 0, 0), t0) {
			checkBar(t, sym, b)
			if b.Close < base/4 || b.Close > base*4 {
				t.Fatalf("%s wandered to %v from a base of %v", sym, b.Close, base)
			}
		}
	}
}

func checkBar(t *testing.T, sym string, b wire.Bar) {
	t.Helper()
	cents := func(p float64) bool { return math.Abs(p*100-math.Round(p*100)) < 1e-6 }
	ok := b.Low > 0 && b.Low <= b.Open && b.Low <= b.Close && b.High >= b.Open && b.High >= b.Close &&
		cents(b.Open) && cents(b.High) && cents(b.Low) && cents(b.Close) &&
		b.Volume >= 0 && b.BarCount >= 0 && b.WAP >= b.Low-0.01 && b.WAP <= b.High+0.01
	if !ok {
		t.Fatalf("%s: bad bar %+v", sym, b)
	}
}

func TestUniverse(t *testing.T) {
	syms := DefaultSymbols()
	if len(syms) < 100 {
		t.Fatalf("%d default symbols, want at least 100", len(syms))
	}
	m := NewMarket(1, nil)
	seen := map[string]bool{}
	for _, s := range syms {
		if seen[s] || !m.Has(s) {
			t.Errorf("%s duplicated or missing", s)
		}
		seen[s] = true
	}
	if !m.Has("aapl ") || m.Has("NOSUCH") {
		t.Error("Has: symbols are matched upper-cased and trimmed, unknown ones refused")
	}
	if b := m.Bar("NOSUCH", time.Minute, t0, t0); b != (wire.Bar{}) {
		t.Errorf("unknown symbol gave %+v", b)
	}
	custom := NewMarket(1, []string{"zzzz", "AAPL", "ZZZZ"})
	if got := custom.Symbols(); !reflect.DeepEqual(got, []string{"ZZZZ", "AAPL"}) || custom.Has("MSFT") {
		t.Errorf("custom universe %v", got)
	}
	checkBar(t, "ZZZZ", custom.Bar("ZZZZ", time.Hour, t0, t0.Add(time.Hour)))
}

func TestParseBarSize(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"1 secs", time.Second}, {"5 secs", 5 * time.Second}, {"30 secs", 30 * time.Second},
		{"1 min", time.Minute}, {"2 mins", 2 * time.Minute}, {"5 mins", 5 * time.Minute}, {"30 mins", 30 * time.Minute},
		{"1 hour", time.Hour}, {"4 hours", 4 * time.Hour}, {"8 hours", 8 * time.Hour},
		{"1 day", 24 * time.Hour}, {"1 week", 7 * 24 * time.Hour}, {"1 month", 30 * 24 * time.Hour},
		{" 5  MINS ", 5 * time.Minute},
		{"7 mins", 0}, {"5min", 0}, {"", 0}, {"0 secs", 0}, {"-5 mins", 0}, {"5 fortnights", 0}, {"99999999999 secs", 0},
	}
	for _, tt := range tests {
		got, err := ParseBarSize(tt.in)
		if tt.want == 0 {
			if err == nil {
				t.Errorf("ParseBarSize(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseBarSize(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDurationAndEndDate(t *testing.T) {
	day := 24 * time.Hour
	durations := map[string]time.Duration{
		"60 S": time.Minute, "2 D": 2 * day, "1 W": 7 * day, "1 M": 30 * day, "1 Y": 365 * day, "3 d": 3 * day,
		"": -1, "D": -1, "0 D": -1, "2 X": -1, "1000000 Y": -1, "x D": -1,
	}
	for in, want := range durations {
		got, err := parseDuration(in)
		if (err != nil) != (want < 0) || (want >= 0 && got != want) {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	ends := map[string]time.Time{
		"20240304 14:30:00":            time.Date(2024, 3, 4, 19, 30, 0, 0, time.UTC),
		"20240304 14:30:00 US/Eastern": time.Date(2024, 3, 4, 19, 30, 0, 0, time.UTC),
		"20240304 19:30:00 UTC":        time.Date(2024, 3, 4, 19, 30, 0, 0, time.UTC),
		"20240304-19:30:00":            time.Date(2024, 3, 4, 19, 30, 0, 0, time.UTC),
		"20240304 14:30:00 Mars/Base":  {}, "20240304 14:30:00 ../etc": {}, "2024-03-04": {},
		"20240230 10:00:00": {}, "18000101 00:00:00": {}, "": {},
	}
	for in, want := range ends {
		got, err := parseEndDateTime(in)
		if (err != nil) != want.IsZero() || !got.Equal(want) {
			t.Errorf("parseEndDateTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}
