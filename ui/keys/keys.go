// Package keys is the console's key map: the actions a trader can take, their
// default keys, validation of rebindings from the config, and the help text.
//
// It must never decide whether an action is possible right now; the console
// enables and disables bindings from the engine's state.
package keys

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
)

// Action names one thing a key can do; the names are the config's keys.
type Action string

// The actions, in the order the full help lists them.
const (
	Up          Action = "up"
	Down        Action = "down"
	NextPanel   Action = "next_panel"
	Sort        Action = "sort"
	Refresh     Action = "refresh"
	Reconnect   Action = "reconnect"
	KillZombies Action = "kill_zombies"
	Faults      Action = "faults"
	Confirm     Action = "confirm"
	Cancel      Action = "cancel"
	Help        Action = "help"
	Quit        Action = "quit"
)

// Actions lists every action.
var Actions = []Action{Up, Down, NextPanel, Sort, Refresh, Reconnect, KillZombies, Faults, Confirm, Cancel, Help, Quit}

// Errors a caller can tell apart.
var (
	ErrUnknownAction = errors.New("unknown action")
	ErrInvalidKey    = errors.New("invalid key name")
	ErrNoKeys        = errors.New("no keys given")
	ErrDuplicateKey  = errors.New("key bound to more than one action")
)

var defaults = map[Action]struct {
	keys []string
	desc string
}{
	Up:          {[]string{"up", "k"}, "up"},
	Down:        {[]string{"down", "j"}, "down"},
	NextPanel:   {[]string{"tab"}, "panel"},
	Sort:        {[]string{"s"}, "sort"},
	Refresh:     {[]string{"R"}, "refresh"},
	Reconnect:   {[]string{"r"}, "reconnect"},
	KillZombies: {[]string{"z"}, "kill zombies"},
	Faults:      {[]string{"f"}, "faults"},
	Confirm:     {[]string{"y"}, "confirm"},
	Cancel:      {[]string{"n", "esc"}, "cancel"},
	Help:        {[]string{"?"}, "help"},
	Quit:        {[]string{"q", "ctrl+c"}, "quit"},
}

// KeyMap holds one binding per action. It satisfies help.KeyMap.
type KeyMap struct {
	Up, Down, NextPanel, Sort, Refresh, Reconnect, KillZombies, Faults, Confirm, Cancel, Help, Quit key.Binding
}

var _ help.KeyMap = KeyMap{}

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
// "space"). Every key must belong to one action only.
func New(overrides map[string][]string) (KeyMap, error) {
	chosen := make(map[Action][]string, len(Actions))
	for _, a := range Actions {
		chosen[a] = defaults[a].keys
	}
	names := make([]string, 0, len(overrides))
	for name := range overrides {
		names = append(names, name)
	}
	sort.Strings(names) // report the same error every time
	for _, name := range names {
		a := Action(name)
		if _, ok := defaults[a]; !ok {
			return KeyMap{}, fmt.Errorf("keys: %q: %w (known: %s)", name, ErrUnknownAction, actionList())
		}
		ks, err := normalise(overrides[name])
		if err != nil {
			return KeyMap{}, fmt.Errorf("keys: %s: %w", name, err)
		}
		chosen[a] = ks
	}
	owner := make(map[string]Action)
	for _, a := range Actions {
		for _, k := range chosen[a] {
			if other, ok := owner[k]; ok {
				return KeyMap{}, fmt.Errorf("keys: %q for both %s and %s: %w", Display(k), other, a, ErrDuplicateKey)
			}
			owner[k] = a
		}
	}
	var m KeyMap
	for _, a := range Actions {
		*m.binding(a) = key.NewBinding(key.WithKeys(chosen[a]...), key.WithHelp(label(chosen[a]), defaults[a].desc))
	}
	return m, nil
}

// Binding returns the binding of an action (nil for an unknown one).
func (m *KeyMap) Binding(a Action) *key.Binding { return m.binding(a) }

func (m *KeyMap) binding(a Action) *key.Binding {
	switch a {
	case Up:
		return &m.Up
	case Down:
		return &m.Down
	case NextPanel:
		return &m.NextPanel
	case Sort:
		return &m.Sort
	case Refresh:
		return &m.Refresh
	case Reconnect:
		return &m.Reconnect
	case KillZombies:
		return &m.KillZombies
	case Faults:
		return &m.Faults
	case Confirm:
		return &m.Confirm
	case Cancel:
		return &m.Cancel
	case Help:
		return &m.Help
	case Quit:
		return &m.Quit
	}
	return nil
}

// Is reports whether the key press belongs to b, enabled or not: the console
// answers a disabled key with the reason instead of ignoring it.
func Is(msg fmt.Stringer, b key.Binding) bool {
	return slices.Contains(b.Keys(), msg.String())
}

// ShortActions are the footer's keys, in order.
var ShortActions = []Action{Reconnect, KillZombies, Faults, Sort, Refresh, NextPanel, Help, Quit}

// Group is a titled column of the full help.
type Group struct {
	Title   string
	Actions []Action
}

// FullGroups are the full help's columns.
var FullGroups = []Group{
	{"Move", []Action{Up, Down, NextPanel, Sort, Refresh}},
	{"Session", []Action{Reconnect, KillZombies, Faults}},
	{"Dialogs and program", []Action{Confirm, Cancel, Help, Quit}},
}

// ShortHelp is the footer's list.
func (m KeyMap) ShortHelp() []key.Binding {
	out := make([]key.Binding, len(ShortActions))
	for i, a := range ShortActions {
		out[i] = *m.binding(a)
	}
	return out
}

// FullHelp is the help screen's columns.
func (m KeyMap) FullHelp() [][]key.Binding {
	out := make([][]key.Binding, len(FullGroups))
	for i, g := range FullGroups {
		for _, a := range g.Actions {
			out[i] = append(out[i], *m.binding(a))
		}
	}
	return out
}

func normalise(names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, ErrNoKeys
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		k, err := Canonical(n)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// label is the help's spelling of a key list: "↑/k".
func label(keys []string) string {
	shown := make([]string, len(keys))
	for i, k := range keys {
		shown[i] = Display(k)
	}
	return strings.Join(shown, "/")
}

func actionList() string {
	names := make([]string, len(Actions))
	for i, a := range Actions {
		names[i] = string(a)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
