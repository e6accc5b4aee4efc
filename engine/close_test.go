package engine

import (
	"strconv"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/wire"
)

// dayBars are n five-minute bars ending with the one starting at last.
func dayBars(last int64, n int) []wire.Bar {
	bars := make([]wire.Bar, n)
	for i := range bars {
		start := last - int64(n-1-i)*300
		c := 100 + float64(i%7) - float64(i%3)
		bars[i] = wire.Bar{Date: strconv.FormatInt(start, 10), Open: c, High: c + 1, Low: c - 1, Close: c, Volume: 100}
	}
	return bars
}

func TestBarOverByTheGatewaysClockIsClosed(t *testing.T) {
	last := time.Date(2026, 11, 25, 15, 55, 0, 0, time.UTC).Unix() // the day's last 5-minute bar
	var server time.Time
	newEngine := func(t *testing.T) *Engine {
		e, err := New(Options{
			Session:      conn.Config{Addr: "127.0.0.1:1"},
			Symbols:      []string{"AAPL"},
			ScanInterval: -1,
			ServerTime:   func() (time.Time, bool) { return server, !server.IsZero() },
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(e.Close)
		return e
	}
	newest := func(e *Engine) time.Time {
		_, recs := e.ClosedBars("AAPL")
		if len(recs) == 0 {
			return time.Time{}
		}
		return recs[len(recs)-1].BarTime
	}

	t.Run("a backfill taken after the bar's end ends with a closed bar", func(t *testing.T) {
		e := newEngine(t)
		server = time.Unix(last+300, 0) // 16:00:00 on the gateway
		e.onBackfill(e.syms[0], dayBars(last, 40))
		if got := newest(e); !got.Equal(time.Unix(last, 0)) {
			t.Errorf("newest judged bar %v, want the 15:55 bar", got)
		}
	})
	t.Run("a backfill inside the bar leaves it forming", func(t *testing.T) {
		e := newEngine(t)
		server = time.Unix(last+120, 0) // 15:57
		e.onBackfill(e.syms[0], dayBars(last, 40))
		if got := newest(e); !got.Equal(time.Unix(last-300, 0)) {
			t.Errorf("newest judged bar %v, want the 15:50 bar", got)
		}
		// The close passes and no update comes: once quiet, the gateway's clock closes it.
		server = time.Unix(last+300, 0)
		e.closeElapsedBars()
		if got := newest(e); !got.Equal(time.Unix(last-300, 0)) {
			t.Errorf("closed %v while updates may still come", got)
		}
		e.syms[0].mu.Lock()
		e.syms[0].lastData = time.Now().Add(-quietBeforeClose)
		e.syms[0].mu.Unlock()
		e.closeElapsedBars()
		if got := newest(e); !got.Equal(time.Unix(last, 0)) {
			t.Errorf("after the quiet period the newest judged bar is %v, want 15:55", got)
		}
		if h := e.SignalHistory("AAPL"); len(h) == 0 || !h[len(h)-1].BarTime.Equal(time.Unix(last, 0)) {
			t.Errorf("no signal emitted for the 15:55 bar: %v", h)
		}
	})
	t.Run("without the gateway's clock nothing is closed by time", func(t *testing.T) {
		e := newEngine(t)
		server = time.Time{}
		e.onBackfill(e.syms[0], dayBars(last, 40))
		if got := newest(e); !got.Equal(time.Unix(last-300, 0)) {
			t.Errorf("newest judged bar %v, want 15:50", got)
		}
	})
}

func TestBarSeconds(t *testing.T) {
	for size, want := range map[string]int64{"5 secs": 5, "1 min": 60, "5 mins": 300, "1 hour": 3600, "4 hours": 14400, "1 day": 86400, "1 week": 604800, "1 month": 31 * 86400, "": 0, "five mins": 0, "5 fortnights": 0} {
		if got := barSeconds(size); got != want {
			t.Errorf("barSeconds(%q) = %d, want %d", size, got, want)
		}
	}
}

func TestAccountMode(t *testing.T) {
	for _, tt := range []struct {
		accts []string
		want  string
	}{{nil, ""}, {[]string{"DU1234567"}, "paper"}, {[]string{"DF1", "DU2"}, "paper"}, {[]string{"U1234567"}, "live"}, {[]string{"DU1", "U2"}, "live"}} {
		if got := accountMode(tt.accts); got != tt.want {
			t.Errorf("accountMode(%v) = %q, want %q", tt.accts, got, tt.want)
		}
	}
}
