package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/robotui/robotui/engine/signal"
)

// Group is one [[watchlist.group]] table: symbols of the watchlist judged by
// their own strategies instead of [strategy]'s SMA crossover.
type Group struct {
	// Name of the group, unique, for messages.
	Name string `toml:"name"`
	// Symbols of [watchlist] symbols in this group; a symbol is in at most one group.
	Symbols []string `toml:"symbols"`
	// Strategies, at least one, each kind once; the first is the symbol's main signal.
	Strategies []StrategySpec `toml:"strategies"`
}

// StrategySpec is one strategy of a group, e.g. { kind = "rsi", period = 14 }.
// A parameter left out takes the kind's default (signal.DefaultSpec); one the
// kind does not use is an error.
type StrategySpec struct {
	Kind   string   `toml:"kind"`
	Fast   *int     `toml:"fast"`
	Slow   *int     `toml:"slow"`
	Signal *int     `toml:"signal"`
	Period *int     `toml:"period"`
	Low    *float64 `toml:"low"`
	High   *float64 `toml:"high"`
	Width  *float64 `toml:"width"`
	Mode   *string  `toml:"mode"`
}

// Spec is the strategy with the kind's defaults filled in.
func (s StrategySpec) Spec() (signal.Spec, error) {
	p, ok := signal.DefaultSpec(signal.Kind(s.Kind))
	if !ok {
		return signal.Spec{}, fmt.Errorf("kind: expected one of %s, got %q", quoteAll(kindNames()), clip(s.Kind))
	}
	setI := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	setF := func(dst *float64, v *float64) {
		if v != nil {
			*dst = *v
		}
	}
	setI(&p.Fast, s.Fast)
	setI(&p.Slow, s.Slow)
	setI(&p.Signal, s.Signal)
	setI(&p.Period, s.Period)
	setF(&p.Low, s.Low)
	setF(&p.High, s.High)
	setF(&p.Width, s.Width)
	if s.Mode != nil {
		p.Mode = *s.Mode
	}
	return p, nil
}

func kindNames() []string {
	out := make([]string, len(signal.Kinds))
	for i, k := range signal.Kinds {
		out[i] = string(k)
	}
	return out
}

// DefaultSpec is [strategy]'s SMA crossover, every symbol's outside a group.
func (s Strategy) DefaultSpec() signal.Spec {
	return signal.Spec{Kind: signal.KindSMA, Fast: s.Fast, Slow: s.Slow}
}

// SymbolStrategies is, per watchlist symbol, the strategies that judge it,
// the first being its main signal; it is what Validate checked.
func (c Config) SymbolStrategies() (map[string][]signal.Strategy, error) {
	def, err := c.Strategy.DefaultSpec().New()
	if err != nil {
		return nil, fmt.Errorf("[strategy]: %w", err)
	}
	out := make(map[string][]signal.Strategy, len(c.Watchlist.Symbols))
	for _, sym := range c.Watchlist.Symbols {
		out[sym] = []signal.Strategy{def}
	}
	for gi, g := range c.Watchlist.Groups {
		var list []signal.Strategy
		for si, ss := range g.Strategies {
			p, err := ss.Spec()
			if err == nil {
				var s signal.Strategy
				if s, err = p.New(); err == nil {
					list = append(list, s)
				}
			}
			if err != nil {
				return nil, fmt.Errorf("watchlist.group[%d] (%s) strategies[%d]: %w", gi, g.Name, si, err)
			}
		}
		for _, sym := range g.Symbols {
			out[sym] = list
		}
	}
	return out, nil
}

// MaxGroups bounds [[watchlist.group]] tables.
const MaxGroups = 100

// maxGroupPeriod is [strategy] slow's bound: the bars held grow with a strategy's lookback.
const maxGroupPeriod = 1000

// groups checks the [[watchlist.group]] tables against the watchlist.
func (v *validator) groups() {
	gs := v.c.Watchlist.Groups
	if len(gs) > MaxGroups {
		v.fail("watchlist.group", nil, "%d groups: at most %d", len(gs), MaxGroups)
		return
	}
	names, owner := map[string]bool{}, map[string]string{}
	for gi, g := range gs {
		key := fmt.Sprintf("watchlist.group[%d]", gi)
		switch {
		case strings.TrimSpace(g.Name) == "":
			v.fail(key, nil, "name: expected a name for the group")
		case names[g.Name]:
			v.fail(key, nil, "name %q is used by two groups", clip(g.Name))
		}
		names[g.Name] = true
		if len(g.Symbols) == 0 {
			v.fail(key, nil, "group %q: symbols: expected at least one symbol of [watchlist] symbols", clip(g.Name))
		}
		for _, s := range g.Symbols {
			switch {
			case !slices.Contains(v.c.Watchlist.Symbols, s):
				v.fail(key, nil, "group %q: symbol %q is not in [watchlist] symbols", clip(g.Name), clip(s))
			case owner[s] != "":
				v.fail(key, nil, "group %q: symbol %q is already in group %q", clip(g.Name), s, clip(owner[s]))
			default:
				owner[s] = g.Name
			}
		}
		if len(g.Strategies) == 0 {
			v.fail(key, nil, "group %q: strategies: expected at least one, like [{ kind = \"sma\", fast = 10, slow = 20 }]", clip(g.Name))
		}
		kinds := map[string]bool{}
		for si, ss := range g.Strategies {
			p, err := ss.Spec()
			if err == nil {
				_, err = p.New()
			}
			if err != nil {
				v.fail(key, nil, "group %q: strategies[%d]: %v", clip(g.Name), si, err)
				continue
			}
			if n := max(p.Fast, p.Slow, p.Signal, p.Period); n > maxGroupPeriod {
				v.fail(key, nil, "group %q: strategies[%d]: a period of %d bars: at most %d", clip(g.Name), si, n, maxGroupPeriod)
			}
			if kinds[ss.Kind] {
				v.fail(key, nil, "group %q: strategies[%d]: kind %q is listed twice (each kind is one column and one `strategy` value)", clip(g.Name), si, ss.Kind)
			}
			kinds[ss.Kind] = true
		}
	}
}

// groupList decodes [[watchlist.group]] whole; unknown keys in it are errors too.
func (d *decoder) groupList(dotted string, p toml.Primitive) {
	var groups []Group
	if err := d.md.PrimitiveDecode(p, &groups); err != nil {
		_, line := d.peek(p)
		d.fail(dotted, line, "expected [[watchlist.group]] tables: "+err.Error())
		return
	}
	for _, u := range d.md.Undecoded() {
		if len(u) > 2 && u[0] == "watchlist" && u[1] == "group" {
			d.fail(dotted, 0, fmt.Sprintf("unknown key %q in [[watchlist.group]]", u[len(u)-1]))
		}
	}
	for i := range groups {
		groups[i].Symbols = slices.Clone(groups[i].Symbols)
		for j, s := range groups[i].Symbols {
			groups[i].Symbols[j] = strings.ToUpper(strings.TrimSpace(s))
		}
	}
	d.c.Watchlist.Groups = groups
	d.c.origins = maps.Clone(d.c.origins)
	if d.c.origins == nil {
		d.c.origins = map[string]Error{}
	}
	d.c.origins[dotted] = Error{File: d.file}
}
