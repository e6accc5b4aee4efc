package ibsim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // America/New_York and request time zones on any host
)

// newYork is the zone of text dates, as a US gateway login would have it.
var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		return time.FixedZone("EST", -5*3600)
	}
	return loc
}()

var errBadParam = errors.New("invalid request parameter")

// barSizes are the sizes IB accepts, keyed by their canonical text.
var barSizes = map[time.Duration]string{
	time.Second: "1 secs", 5 * time.Second: "5 secs", 10 * time.Second: "10 secs",
	15 * time.Second: "15 secs", 30 * time.Second: "30 secs",
	time.Minute: "1 min", 2 * time.Minute: "2 mins", 3 * time.Minute: "3 mins",
	5 * time.Minute: "5 mins", 10 * time.Minute: "10 mins", 15 * time.Minute: "15 mins",
	20 * time.Minute: "20 mins", 30 * time.Minute: "30 mins",
	time.Hour: "1 hour", 2 * time.Hour: "2 hours", 3 * time.Hour: "3 hours",
	4 * time.Hour: "4 hours", 8 * time.Hour: "8 hours",
	24 * time.Hour: "1 day", 7 * 24 * time.Hour: "1 week", 30 * 24 * time.Hour: "1 month",
}

var barUnits = map[string]time.Duration{
	"sec": time.Second, "secs": time.Second, "min": time.Minute, "mins": time.Minute,
	"hour": time.Hour, "hours": time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
	"month": 30 * 24 * time.Hour, "months": 30 * 24 * time.Hour,
}

// ParseBarSize reads an IB bar size ("5 mins", "1 hour", "1 day"). Only the
// sizes IB offers are accepted; "1 month" is 30 days here.
func ParseBarSize(s string) (time.Duration, error) {
	f := strings.Fields(strings.ToLower(s))
	if len(f) != 2 {
		return 0, fmt.Errorf("%w: bar size %q", errBadParam, clip(s))
	}
	n, err := strconv.Atoi(f[0])
	unit, ok := barUnits[f[1]]
	if err != nil || !ok || n < 1 || n > 30 {
		return 0, fmt.Errorf("%w: bar size %q", errBadParam, clip(s))
	}
	d := time.Duration(n) * unit
	if _, ok := barSizes[d]; !ok {
		return 0, fmt.Errorf("%w: bar size %q is not one IB offers", errBadParam, clip(s))
	}
	return d, nil
}

// parseDuration reads a request duration "<n> S|D|W|M|Y"; M is 30 days and
// Y 365, as bars run 24/7.
func parseDuration(s string) (time.Duration, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0, fmt.Errorf("%w: duration %q", errBadParam, clip(s))
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, fmt.Errorf("%w: duration %q", errBadParam, clip(s))
	}
	day := 24 * time.Hour
	unit := map[string]time.Duration{"S": time.Second, "D": day, "W": 7 * day, "M": 30 * day, "Y": 365 * day}[strings.ToUpper(f[1])]
	if unit == 0 {
		return 0, fmt.Errorf("%w: duration unit in %q", errBadParam, clip(s))
	}
	if float64(n)*float64(unit) > float64(100*365*day) {
		return 0, fmt.Errorf("%w: duration %q is over 100 years", errBadParam, clip(s))
	}
	return time.Duration(n) * unit, nil
}

// parseEndDateTime reads "yyyymmdd hh:mm:ss[ TZ]" (no zone: New York) or
// "yyyymmdd-hh:mm:ss" (UTC).
func parseEndDateTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("%w: end date/time %q", errBadParam, clip(s))
	var t time.Time
	var err error
	switch {
	case len(s) == 17 && s[8] == '-':
		t, err = time.ParseInLocation("20060102-15:04:05", s, time.UTC)
	case len(s) >= 17 && s[8] == ' ':
		loc := newYork
		if zone := strings.TrimSpace(s[17:]); zone != "" {
			if loc, err = loadZone(zone); err != nil {
				return time.Time{}, bad
			}
		}
		t, err = time.ParseInLocation("20060102 15:04:05", s[:17], loc)
	default:
		return time.Time{}, bad
	}
	if err != nil || t.Year() < 1980 || t.Year() > 2199 {
		return time.Time{}, bad
	}
	return t, nil
}

func loadZone(name string) (*time.Location, error) {
	if len(name) > 64 || strings.Contains(name, "..") {
		return nil, errBadParam
	}
	for _, r := range name {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("/_+-", r)) {
			return nil, errBadParam
		}
	}
	return time.LoadLocation(name)
}

// Date styles for formatDate 1 (Config.DateStyle).
const (
	DateZoned  = "zoned"  // "20260402 09:30:00 US/Eastern": the login zone named, as current gateways write
	DateSpaced = "spaced" // "20230413  16:31:22": two spaces, no zone, in the login zone, as older gateways write
)

// dates writes the gateway's times: in the login zone, named as the
// handshake reply and the bar dates name it.
type dates struct {
	loc    *time.Location
	label  string // the handshake reply's zone text; "" writes the zone's abbreviation
	name   string // the zone named after a zoned bar date
	spaced bool
}

// newDates reads Config.LoginZone: an IANA zone, optionally "=label" for
// the text of the handshake reply ("Europe/London=Greenwich Mean Time").
func newDates(loginZone, style string) (dates, error) {
	zone, label, _ := strings.Cut(loginZone, "=")
	zone = strings.TrimSpace(zone)
	if zone == "" {
		zone = "America/New_York"
	}
	loc, err := loadZone(zone)
	if err != nil {
		return dates{}, fmt.Errorf("ibsim: login zone %q: %w", clip(zone), err)
	}
	if strings.ContainsAny(label, "\x00") || len(label) > 64 {
		return dates{}, fmt.Errorf("ibsim: login zone label %q: at most 64 bytes, no NUL", clip(label))
	}
	d := dates{loc: loc, label: strings.TrimSpace(label), name: loc.String()}
	if zone == "America/New_York" || zone == "US/Eastern" {
		d.name = "US/Eastern" // what real gateways write
	}
	switch style {
	case "", DateZoned:
	case DateSpaced:
		d.spaced = true
	default:
		return dates{}, fmt.Errorf("ibsim: date style %q: must be %q or %q", clip(style), DateZoned, DateSpaced)
	}
	return d, nil
}

// bar writes a bar's start: daily and longer bars as their date
// "yyyymmdd" whatever formatDate says, as real gateways do; intraday bars as
// epoch seconds (formatDate 2) or text in the login zone (formatDate 1).
func (d *dates) bar(start, size int64, formatDate int) string {
	if size >= secondsPerDay {
		return time.Unix(start, 0).UTC().Format("20060102")
	}
	if formatDate == 2 {
		return strconv.FormatInt(start, 10)
	}
	t := time.Unix(start, 0).In(d.loc)
	if d.spaced {
		return t.Format("20060102  15:04:05")
	}
	return t.Format("20060102 15:04:05") + " " + d.name
}

// period writes a period bound "yyyymmdd hh:mm:ss" in the login zone.
func (d *dates) period(t time.Time) string { return t.In(d.loc).Format("20060102 15:04:05") }

// hello writes the connection time of the server's hello, e.g.
// "20230228 17:24:14 EST".
func (d *dates) hello(t time.Time) string {
	t = t.In(d.loc)
	if d.label != "" {
		return t.Format("20060102 15:04:05") + " " + d.label
	}
	return t.Format("20060102 15:04:05 MST")
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
