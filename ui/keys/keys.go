// Package keys is the console's key map: one table of the actions a trader
// can take, with their default keys, where they act, and how the help and
// the footer show them. The key map, the config's defaults and its
// validation ([Check]), the help screen and the footer are all read from it:
// a new key is one row of [Defs].
//
// It must never decide whether an action is possible right now; the console
// enables and disables bindings from the engine's state.
package keys

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// Action names one thing a key can do; the names are the config's keys.
type Action string

// The actions.
const (
	Reconnect   Action = "reconnect"
	KillZombies Action = "kill_zombies"
	Faults      Action = "faults"
	GatewayMenu Action = "gateway_menu"
	Up          Action = "up"
	Down        Action = "down"
	Top         Action = "top"
	Bottom      Action = "bottom"
	PageUp      Action = "page_up"
	PageDown    Action = "page_down"
	NextPanel   Action = "next_panel"
	Sort        Action = "sort"
	Filter      Action = "filter"
	Refresh     Action = "refresh"
	Open        Action = "open"
	History     Action = "history"
	Executions  Action = "executions"
	OpenOrders  Action = "open_orders"
	NextAccount Action = "next_account"
	PosSort     Action = "sort_positions"
	Confirm     Action = "confirm"
	Cancel      Action = "cancel"
	Help        Action = "help"
	Quit        Action = "quit"
)

// Scope is where a key acts: a set of the console's contexts. A key may
// serve one action per context, so two actions may share a key only when
// their scopes do not overlap; Global overlaps every scope.
type Scope uint8

// The contexts, and their usual unions.
const (
	Table  Scope = 1 << iota // the main screen, the watchlist table focused
	Log                      // the main screen, the event log focused
	Dialog                   // a dialog is open (help, kill confirmation, fault menu)

	Main   = Table | Log          // the main screen, whichever panel has the focus
	Global = Table | Log | Dialog // everywhere
)

// Def is one row of the key table.
type Def struct {
	Action Action
	Keys   []string // default keys, spelt as Canonical returns them
	Desc   string   // what the help says the action does
	Scope  Scope    // where the keys act
	Group  string   // the full help's section
	Footer int      // place in the footer, 1 first; 0: not in the footer
	Pinned bool     // the footer never drops it for lack of room
	// Coming is where the action is bound but not built yet: the key is
	// reserved so later work does not collide; help marks it "(coming)".
	Coming Scope
}

// Help sections.
const (
	groupMove    = "Move"
	groupSession = "Session"
	groupProgram = "Dialogs and program"
	groupViews   = "Views"
)

// Defs is the key table, in the order the full help lists it (the views
// last).
var Defs = [...]Def{
	// Up and down move in the focused panel and scroll or move in dialogs.
	{Action: Up, Keys: []string{"up", "k"}, Desc: "up", Scope: Global, Group: groupMove},
	{Action: Down, Keys: []string{"down", "j"}, Desc: "down", Scope: Global, Group: groupMove},
	{Action: Top, Keys: []string{"g"}, Desc: "top", Scope: Main, Group: groupMove},
	{Action: Bottom, Keys: []string{"G"}, Desc: "bottom", Scope: Main, Group: groupMove},
	{Action: PageUp, Keys: []string{"pgup"}, Desc: "page up", Scope: Main, Group: groupMove},
	{Action: PageDown, Keys: []string{"pgdown"}, Desc: "page down", Scope: Main, Group: groupMove},
	{Action: Sort, Keys: []string{"s"}, Desc: "sort", Scope: Main, Group: groupMove, Footer: 4},
	// The log's filter is built; the table's is not yet.
	{Action: Filter, Keys: []string{"/"}, Desc: "filter the log", Scope: Main, Group: groupMove, Coming: Table},
	{Action: Refresh, Keys: []string{"R"}, Desc: "refresh", Scope: Main, Group: groupMove, Footer: 5},
	{Action: NextPanel, Keys: []string{"tab"}, Desc: "panel", Scope: Main, Group: groupMove, Footer: 6},

	{Action: Reconnect, Keys: []string{"r"}, Desc: "reconnect", Scope: Main, Group: groupSession, Footer: 1},
	{Action: KillZombies, Keys: []string{"z"}, Desc: "kill zombies", Scope: Main, Group: groupSession, Footer: 2},
	// f opens the fault menu and closes it again.
	{Action: Faults, Keys: []string{"f"}, Desc: "faults", Scope: Global, Group: groupSession, Footer: 3},
	{Action: GatewayMenu, Keys: []string{"I"}, Desc: "gateway (IBC) menu", Scope: Main | Dialog, Group: groupSession},

	{Action: Confirm, Keys: []string{"y"}, Desc: "confirm", Scope: Dialog, Group: groupProgram},
	{Action: Cancel, Keys: []string{"n", "esc"}, Desc: "cancel", Scope: Dialog, Group: groupProgram},
	// ? opens the help and closes it again.
	{Action: Help, Keys: []string{"?"}, Desc: "help", Scope: Global, Group: groupProgram, Footer: 7, Pinned: true},
	{Action: Quit, Keys: []string{"q", "ctrl+c"}, Desc: "quit", Scope: Global, Group: groupProgram, Footer: 8, Pinned: true},

	// Open: the selected symbol's detail in the table, the full line in the
	// log, the highlighted entry of the fault menu.
	{Action: Open, Keys: []string{"enter"}, Desc: "open the selected line", Scope: Global, Group: groupViews},
	{Action: History, Keys: []string{"H"}, Desc: "history", Scope: Main, Group: groupViews},
	{Action: Executions, Keys: []string{"e"}, Desc: "executions", Scope: Main, Group: groupViews},
	{Action: OpenOrders, Keys: []string{"o"}, Desc: "open orders", Scope: Main, Group: groupViews},
	{Action: NextAccount, Keys: []string{"a"}, Desc: "next account", Scope: Main, Group: groupViews},
	{Action: PosSort, Keys: []string{"p"}, Desc: "sort positions", Scope: Main, Group: groupViews},
}

// Actions lists every action, in table order.
var Actions = actionsOf(Defs[:])

// ShortActions are the footer's keys, in order.
var ShortActions = func() []Action {
	rows := slices.DeleteFunc(slices.Clone(Defs[:]), func(d Def) bool { return d.Footer == 0 })
	slices.SortStableFunc(rows, func(a, b Def) int { return cmp.Compare(a.Footer, b.Footer) })
	return actionsOf(rows)
}()

func actionsOf(rows []Def) []Action {
	out := make([]Action, len(rows))
	for i, d := range rows {
		out[i] = d.Action
	}
	return out
}

// Group is a titled section of the full help.
type Group struct {
	Title   string
	Actions []Action
}

// FullGroups are the full help's sections, in table order.
var FullGroups = func() []Group {
	var out []Group
	for _, d := range Defs {
		if len(out) == 0 || out[len(out)-1].Title != d.Group {
			out = append(out, Group{Title: d.Group})
		}
		out[len(out)-1].Actions = append(out[len(out)-1].Actions, d.Action)
	}
	return out
}()

// Lookup returns the table row of an action.
func Lookup(a Action) (Def, bool) {
	if i := index(a); i >= 0 {
		return Defs[i], true
	}
	return Def{}, false
}

func index(a Action) int {
	return slices.IndexFunc(Defs[:], func(d Def) bool { return d.Action == a })
}

// DefaultBindings returns each action's default keys, by action name: the
// config's [keys] defaults. Each call returns fresh slices.
func DefaultBindings() map[string][]string {
	out := make(map[string][]string, len(Defs))
	for _, d := range Defs {
		out[string(d.Action)] = slices.Clone(d.Keys)
	}
	return out
}

// Errors a caller can tell apart.
var (
	ErrUnknownAction = errors.New("unknown action")
	ErrInvalidKey    = errors.New("invalid key name")
	ErrNoKeys        = errors.New("no keys given")
	ErrDuplicateKey  = errors.New("key bound to more than one action")
)

// Problem is one thing wrong with a set of bindings. It wraps one of the
// sentinel errors above.
type Problem struct {
	Action Action // the action whose binding is wrong
	Key    string // the key concerned, canonical when it is a key; "" for ErrNoKeys
	// Other, for a clash, is the action that already has Key in a scope
	// overlapping Action's; "" otherwise.
	Other Action
	Err   error
	msg   string
}

func (p Problem) Error() string {
	if p.Other != "" {
		return fmt.Sprintf("key %q is already bound to %s", Display(p.Key), p.Other)
	}
	return p.msg
}

func (p Problem) Unwrap() error { return p.Err }

// Check finds every problem with bindings (action name → key names, as the
// config gives them); an action left out keeps its default keys. Problems
// come in table order, unknown actions (sorted) first.
func Check(bindings map[string][]string) []Problem {
	_, problems := resolve(bindings)
	return problems
}

// resolve returns the canonical keys of every action, in table order.
func resolve(bindings map[string][]string) ([][]string, []Problem) {
	var problems []Problem
	for _, name := range slices.Sorted(maps.Keys(bindings)) {
		if index(Action(name)) < 0 {
			known := strings.Join(slices.Sorted(maps.Keys(DefaultBindings())), ", ")
			problems = append(problems, Problem{Action: Action(name), Err: ErrUnknownAction,
				msg: fmt.Sprintf("%q: %v (known: %s)", name, ErrUnknownAction, known)})
		}
	}
	chosen := make([][]string, len(Defs))
	owners := map[string][]int{} // key → the rows that have it so far
	for i, d := range Defs {
		names, set := bindings[string(d.Action)]
		if !set {
			names = d.Keys
		}
		if len(names) == 0 {
			problems = append(problems, Problem{Action: d.Action, Err: ErrNoKeys, msg: "expected at least one key"})
		}
		for _, name := range names {
			k, err := Canonical(name)
			switch {
			case name == "":
				problems = append(problems, Problem{Action: d.Action, Err: ErrInvalidKey, msg: "expected key names, got an empty string"})
				continue
			case err != nil:
				problems = append(problems, Problem{Action: d.Action, Key: name, Err: ErrInvalidKey, msg: err.Error()})
				continue
			case slices.Contains(chosen[i], k):
				problems = append(problems, Problem{Action: d.Action, Key: k, Err: ErrDuplicateKey,
					msg: fmt.Sprintf("key %q is listed twice", Display(k))})
				continue
			}
			for _, o := range owners[k] {
				if Defs[o].Scope&d.Scope != 0 {
					problems = append(problems, Problem{Action: d.Action, Key: k, Other: Defs[o].Action, Err: ErrDuplicateKey})
					break
				}
			}
			owners[k] = append(owners[k], i)
			chosen[i] = append(chosen[i], k)
		}
	}
	return chosen, problems
}

// KeyMap holds one binding per action.
type KeyMap struct {
	b [len(Defs)]key.Binding // by table row; an array, so copies of a Model never share enabled flags
}

// Default is the key map with no rebinding.
func Default() KeyMap {
	k, err := New(nil)
	if err != nil {
		panic(err) // the defaults are valid; the tests prove it
	}
	return k
}

// New builds the key map from the defaults with overrides (action name →
// key names, as Bubble Tea spells them: "r", "R", "ctrl+r", "enter", "f5",
// "space"). It fails with the first of [Check]'s problems.
func New(overrides map[string][]string) (KeyMap, error) {
	chosen, problems := resolve(overrides)
	if len(problems) > 0 {
		p := problems[0]
		return KeyMap{}, fmt.Errorf("keys: %s: %w", p.Action, p)
	}
	var m KeyMap
	for i, d := range Defs {
		m.b[i] = key.NewBinding(key.WithKeys(chosen[i]...), key.WithHelp(label(chosen[i]), d.Desc))
	}
	return m, nil
}

// Binding returns the binding of an action (nil for an unknown one).
func (m *KeyMap) Binding(a Action) *key.Binding {
	if i := index(a); i >= 0 {
		return &m.b[i]
	}
	return nil
}

// Resolve returns the action a key press means in scope s, enabled or not:
// the console answers a disabled key with the reason instead of ignoring it.
func (m *KeyMap) Resolve(msg fmt.Stringer, s Scope) (Action, bool) {
	k := msg.String()
	for i, d := range Defs {
		if d.Scope&s != 0 && slices.Contains(m.b[i].Keys(), k) {
			return d.Action, true
		}
	}
	return "", false
}

// Is reports whether the key press is one of a's keys, whatever the scope.
func (m *KeyMap) Is(msg fmt.Stringer, a Action) bool {
	b := m.Binding(a)
	return b != nil && slices.Contains(b.Keys(), msg.String())
}

// label is the help's spelling of a key list: "↑/k".
func label(keys []string) string {
	shown := make([]string, len(keys))
	for i, k := range keys {
		shown[i] = Display(k)
	}
	return strings.Join(shown, "/")
}
