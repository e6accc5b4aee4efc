package engine

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

var errBarDate = errors.New("unreadable bar date")

// parseBarTime reads a bar's Date as Unix seconds: epoch seconds
// (formatDate 2), "yyyymmdd hh:mm:ss" with one space or two (older
// gateways) and an optional zone name (text dates without one are in loc,
// the login zone), "yyyymmdd-hh:mm:ss" (UTC) or "yyyymmdd" (daily and longer
// bars, midnight UTC).
func parseBarTime(s string, loc *time.Location) (int64, error) {
	if n, ok := parseDigits(s); ok && len(s) != 8 {
		return n, nil
	}
	var t time.Time
	var err error
	switch {
	case len(s) == 8:
		t, err = time.ParseInLocation("20060102", s, time.UTC)
	case len(s) == 17 && s[8] == '-':
		t, err = time.ParseInLocation("20060102-15:04:05", s, time.UTC)
	case len(s) >= 17 && s[8] == ' ':
		clock := strings.TrimLeft(s[8:], " ")
		if len(clock) < 8 || len(s)-len(clock) > 10 {
			err = errBarDate
			break
		}
		if zone := strings.TrimSpace(clock[8:]); zone != "" {
			if loc, err = loadZone(zone); err != nil {
				return 0, fmt.Errorf("%w %q: zone: %w", errBarDate, clip(s), err)
			}
		}
		day := s[:8]
		t, err = time.ParseInLocation("20060102 15:04:05", day+" "+clock[:8], loc)
	default:
		err = errBarDate
	}
	if err != nil {
		return 0, fmt.Errorf("%w %q", errBarDate, clip(s))
	}
	return t.Unix(), nil
}

// parseDigits reads a non-negative decimal of at most 18 digits without allocating.
func parseDigits(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// zones caches the few zone names a gateway writes after text dates, so an
// update does not read the zone database; it is bounded against hostile input.
var zones struct {
	sync.Mutex
	m map[string]*time.Location
}

const maxZones = 16

func loadZone(name string) (*time.Location, error) {
	zones.Lock()
	defer zones.Unlock()
	if loc, ok := zones.m[name]; ok {
		return loc, nil
	}
	loc, ok := zoneByName(name)
	if !ok {
		return nil, fmt.Errorf("unknown time zone %q", clip(name))
	}
	if zones.m == nil || len(zones.m) >= maxZones {
		zones.m = map[string]*time.Location{}
	}
	zones.m[name] = loc
	return loc, nil
}

// barSeconds is the length of an IB bar size ("5 mins", "1 hour", "1 day"),
// 0 when it is not one; months count as 31 days, so a month bar is never
// called over early.
func barSeconds(size string) int64 {
	n, unit, ok := strings.Cut(strings.TrimSpace(size), " ")
	v, err := strconv.Atoi(n)
	if !ok || err != nil || v <= 0 {
		return 0
	}
	per := map[string]int64{"sec": 1, "secs": 1, "min": 60, "mins": 60, "hour": 3600, "hours": 3600,
		"day": 86400, "days": 86400, "week": 7 * 86400, "weeks": 7 * 86400, "month": 31 * 86400, "months": 31 * 86400}[unit]
	return int64(v) * per
}
