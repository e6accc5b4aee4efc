package engine

import (
	"strings"
	"time"
	_ "time/tzdata" // the gateway's zone must resolve on hosts without a zone database
)

// zoneNames maps the zone texts gateways write (after the handshake reply's
// login time, after text bar dates) to IANA zones. Keys are folded by
// zoneKey: lower-case ASCII letters and digits only, so "Mitteleuropäische
// Zeit" and its mojibake "MitteleuropÃ¤ische Zeit" meet at one key. They
// cover Java's abbreviations and long names (what the gateway writes) and
// Windows' zone ids (what it writes on Windows hosts). Ambiguous
// abbreviations (IST) are left out: unknown falls back to New York, loudly.
var zoneNames = func() map[string]string {
	m := map[string]string{}
	add := func(iana string, names ...string) {
		for _, n := range names {
			m[zoneKey(n)] = iana
		}
	}
	add("America/New_York", "EST", "EDT", "ET", "Eastern Standard Time", "Eastern Daylight Time", "Eastern Time",
		"US Eastern Standard Time", "EST5EDT")
	add("America/Chicago", "CST", "CDT", "CT", "Central Standard Time", "Central Daylight Time", "Central Time", "CST6CDT")
	add("America/Denver", "MST", "MDT", "Mountain Standard Time", "Mountain Daylight Time", "Mountain Time", "MST7MDT")
	add("America/Phoenix", "US Mountain Standard Time")
	add("America/Los_Angeles", "PST", "PDT", "PT", "Pacific Standard Time", "Pacific Daylight Time", "Pacific Time", "PST8PDT")
	add("America/Toronto", "Canada/Eastern")
	// Java names Europe/London's winter time "Greenwich Mean Time" (and GMT);
	// a host on plain UTC writes "Coordinated Universal Time".
	add("Europe/London", "GMT", "BST", "Greenwich Mean Time", "British Summer Time", "GMT Standard Time")
	add("UTC", "UTC", "UT", "Z", "Coordinated Universal Time", "Universal Time", "Etc/UTC", "Zulu")
	add("Europe/Berlin", "CET", "CEST", "MET", "MEST", "Central European Time", "Central European Standard Time",
		"Central European Summer Time", "W. Europe Standard Time", "Central Europe Standard Time",
		"Mitteleuropäische Zeit", "Mitteleuropäische Normalzeit", "Mitteleuropäische Sommerzeit")
	add("Europe/Paris", "Romance Standard Time", "Heure normale d’Europe centrale", "Heure d’été d’Europe centrale")
	add("Europe/Zurich", "Switzerland Standard Time")
	add("Europe/Lisbon", "WET", "WEST", "Western European Time", "Western European Standard Time")
	add("Europe/Athens", "EET", "EEST", "Eastern European Time", "Eastern European Standard Time",
		"Eastern European Summer Time", "GTB Standard Time")
	add("Europe/Kiev", "FLE Standard Time")
	add("Europe/Moscow", "MSK", "Moscow Standard Time", "Russian Standard Time")
	add("Asia/Tokyo", "JST", "Japan Standard Time", "Tokyo Standard Time")
	add("Asia/Hong_Kong", "HKT", "Hong Kong Time", "Hong Kong Standard Time")
	add("Asia/Shanghai", "China Standard Time")
	add("Asia/Singapore", "SGT", "Singapore Time", "Singapore Standard Time")
	add("Asia/Kolkata", "India Standard Time")
	add("Asia/Seoul", "KST", "Korea Standard Time")
	add("Asia/Dubai", "GST", "Gulf Standard Time", "Arabian Standard Time")
	add("Australia/Sydney", "AEST", "AEDT", "Australian Eastern Standard Time", "Australian Eastern Daylight Time",
		"AUS Eastern Standard Time")
	return m
}()

// zoneKey folds a zone text to lower-case ASCII letters and digits.
func zoneKey(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		}
	}
	return b.String()
}

// zoneByName resolves a zone text: a known name first (so "EST" is New
// York with its DST, not the zone database's fixed UTC-5), then an IANA
// name such as "US/Eastern" or "Asia/Hong_Kong".
func zoneByName(name string) (*time.Location, bool) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 {
		return nil, false
	}
	if iana, ok := zoneNames[zoneKey(name)]; ok {
		loc, err := time.LoadLocation(iana)
		return loc, err == nil
	}
	if !strings.Contains(name, "/") || strings.Contains(name, "..") {
		return nil, false
	}
	for _, r := range name {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("/_+-", r)) {
			return nil, false
		}
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// loginZone reads the zone of the handshake reply's connection time
// ("20230228 17:24:14 EST", "... Greenwich Mean Time"): the zone text after
// the date and time, and its location when it is known.
func loginZone(connTime string) (zone string, loc *time.Location, ok bool) {
	f := strings.Fields(connTime)
	if len(f) >= 2 && len(f[0]) == 8 && strings.Count(f[1], ":") == 2 {
		f = f[2:]
	}
	zone = strings.Join(f, " ")
	loc, ok = zoneByName(zone)
	return zone, loc, ok
}
