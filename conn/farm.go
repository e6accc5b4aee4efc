package conn

import (
	"slices"
	"strings"
	"time"
	"unicode"
)

// FarmKind is what a gateway's data farm serves.
type FarmKind uint8

const (
	FarmMarketData FarmKind = iota + 1 // live market data (2103/2104/2108/2119)
	FarmHMDS                           // historical data (2105/2106/2107)
	FarmSecDef                         // contract definitions (2157/2158)
	FarmTWS                            // the gateway's own link to IB's servers (2110)
)

var farmKindNames = [...]string{FarmMarketData: "md", FarmHMDS: "hmds", FarmSecDef: "secdef", FarmTWS: "tws"}

func (k FarmKind) String() string {
	if int(k) < len(farmKindNames) && farmKindNames[k] != "" {
		return farmKindNames[k]
	}
	return "unknown"
}

// FarmState is a farm's condition as the gateway last reported it.
type FarmState uint8

const (
	FarmOK FarmState = iota + 1
	FarmBroken
	FarmInactive   // idle, available on demand
	FarmConnecting // 2119
)

var farmStateNames = [...]string{FarmOK: "ok", FarmBroken: "broken", FarmInactive: "inactive", FarmConnecting: "connecting"}

func (s FarmState) String() string {
	if int(s) < len(farmStateNames) && farmStateNames[s] != "" {
		return farmStateNames[s]
	}
	return "unknown"
}

// Farm is one data farm the gateway reported.
type Farm struct {
	Name  string // "usfarm", "ushmds", "secdefil"; "tws" for 2110
	Kind  FarmKind
	State FarmState
	Code  int       // the code that set State
	Since time.Time // when State was entered
}

// FarmChange is a farm entering a new state; it never touches the socket.
type FarmChange struct {
	At   time.Time
	Farm Farm
	Prev FarmState // 0 the first time the farm is seen
}

func (FarmChange) Name() string { return "farm" }

// farmCodes are the farm notices (PROTOCOL.md section 5).
var farmCodes = map[int]struct {
	kind  FarmKind
	state FarmState
}{
	2103: {FarmMarketData, FarmBroken}, 2104: {FarmMarketData, FarmOK},
	2108: {FarmMarketData, FarmInactive}, 2119: {FarmMarketData, FarmConnecting},
	2105: {FarmHMDS, FarmBroken}, 2106: {FarmHMDS, FarmOK}, 2107: {FarmHMDS, FarmInactive},
	2157: {FarmSecDef, FarmBroken}, 2158: {FarmSecDef, FarmOK},
	2110: {FarmTWS, FarmBroken},
}

// ParseFarm reads a farm notice: "Market data farm connection is OK:usfarm",
// "... is inactive but should be available upon demand.cashhmds" (no colon
// there), 2110 with no farm at all. ok is false for any other code.
func ParseFarm(code int, text string) (name string, kind FarmKind, state FarmState, ok bool) {
	fc, ok := farmCodes[code]
	if !ok {
		return "", 0, 0, false
	}
	if fc.kind == FarmTWS {
		return "tws", fc.kind, fc.state, true
	}
	switch {
	case strings.LastIndexByte(text, ':') >= 0:
		name = text[strings.LastIndexByte(text, ':')+1:]
	case strings.Contains(text, "demand."):
		_, name, _ = strings.Cut(text, "demand.")
	}
	name = strings.TrimFunc(name, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) })
	if len(name) > 32 || strings.ContainsFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) {
		name = ""
	}
	if name == "" {
		name = fc.kind.String() // a farm whose name the gateway left out
	}
	return name, fc.kind, fc.state, true
}

// farms is the session's table of farms; owned by the session goroutine,
// copied under s.mu for Stats.
type farmTable struct {
	m      map[string]*Farm
	broken map[string]bool // farms seen broken since they were last OK
}

// note applies one notice; it returns the change (false when nothing
// changed) and whether a broken md or hmds farm has just come back.
func (t *farmTable) note(code int, text string, at time.Time) (FarmChange, bool, bool) {
	name, kind, state, ok := ParseFarm(code, text)
	if !ok {
		return FarmChange{}, false, false
	}
	if t.m == nil {
		t.m, t.broken = map[string]*Farm{}, map[string]bool{}
	}
	f := t.m[name]
	if f == nil {
		f = &Farm{Name: name, Kind: kind}
		t.m[name] = f
	}
	var recovered bool
	switch state {
	case FarmBroken:
		t.broken[name] = true
	case FarmOK:
		recovered = t.broken[name] && (kind == FarmMarketData || kind == FarmHMDS)
		delete(t.broken, name)
	}
	if f.State == state {
		return FarmChange{}, false, recovered
	}
	prev := f.State
	f.State, f.Code, f.Since = state, code, at
	return FarmChange{At: at, Farm: *f, Prev: prev}, true, recovered
}

// restoreTWS marks the gateway's link to IB back: after 1101/1102, or when
// any farm reports OK (the gateway sends no code of its own for it).
func (t *farmTable) restoreTWS(code int, at time.Time) (FarmChange, bool) {
	f := t.m["tws"]
	if f == nil || f.State == FarmOK {
		return FarmChange{}, false
	}
	prev := f.State
	f.State, f.Code, f.Since = FarmOK, code, at
	delete(t.broken, "tws")
	return FarmChange{At: at, Farm: *f, Prev: prev}, true
}

func (t *farmTable) list() []Farm {
	out := make([]Farm, 0, len(t.m))
	for _, f := range t.m {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b Farm) int { return strings.Compare(a.Name, b.Name) })
	return out
}
