package keys

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func TestDefaults(t *testing.T) {
	m := Default()
	for _, a := range Actions {
		b := m.Binding(a)
		if b == nil || len(b.Keys()) == 0 || b.Help().Desc == "" {
			t.Errorf("%s has no default binding", a)
		}
	}
	want := map[Action]string{Reconnect: "r", KillZombies: "z", Faults: "f", Help: "?", Quit: "q/ctrl+c", Up: "↑/k", Down: "↓/j",
		NextPanel: "tab", Confirm: "y", Cancel: "n/esc", Sort: "s", Refresh: "R", Open: "enter", Top: "g", Bottom: "G",
		GatewayMenu: "I", History: "H", NextAccount: "a", Executions: "e", OpenOrders: "o", Filter: "/",
		PageUp: "pgup", PageDown: "pgdown", PosSort: "p"}
	if len(want) != len(Actions) {
		t.Errorf("%d actions, the test knows %d", len(Actions), len(want))
	}
	for a, label := range want {
		if got := m.Binding(a).Help().Key; got != label {
			t.Errorf("%s label = %q, want %q", a, got, label)
		}
	}
	if m.Binding("nope") != nil {
		t.Errorf("an unknown action has a binding")
	}
	if p := Check(nil); len(p) != 0 {
		t.Errorf("the defaults have problems: %v", p)
	}
	for _, d := range Defs {
		if d.Scope == 0 || d.Coming&^d.Scope != 0 || d.Group == "" {
			t.Errorf("%s: scope %b, coming %b, group %q", d.Action, d.Scope, d.Coming, d.Group)
		}
		for _, k := range d.Keys {
			if c, err := Canonical(k); err != nil || c != k {
				t.Errorf("%s: default %q is not canonical (%q, %v)", d.Action, k, c, err)
			}
		}
	}
}

func TestOverrides(t *testing.T) {
	tests := []struct {
		name    string
		in      map[string][]string
		action  Action
		keys    string
		wantErr error
	}{
		{"rebind", map[string][]string{"reconnect": {"ctrl+r"}}, Reconnect, "ctrl+r", nil},
		{"several keys", map[string][]string{"quit": {"Q", "ctrl+q"}}, Quit, "Q,ctrl+q", nil},
		{"space by name", map[string][]string{"confirm": {"space"}}, Confirm, " ", nil},
		{"names are case-insensitive", map[string][]string{"confirm": {"Home"}}, Confirm, "home", nil},
		{"letters keep their case", map[string][]string{"sort": {"S"}}, Sort, "S", nil},
		{"alt", map[string][]string{"sort": {"alt+s"}}, Sort, "alt+s", nil},
		{"function key", map[string][]string{"refresh": {"f5"}}, Refresh, "f5", nil},
		{"a freed key can move", map[string][]string{"reconnect": {"x"}, "sort": {"r"}}, Sort, "r", nil},
		{"a dialog key may serve the main screen", map[string][]string{"sort": {"y"}}, Sort, "y", nil},
		{"a main screen key may serve dialogs", map[string][]string{"confirm": {"r"}}, Confirm, "r", nil},
		{"unknown action", map[string][]string{"explode": {"x"}}, "", "", ErrUnknownAction},
		{"empty list", map[string][]string{"reconnect": {}}, "", "", ErrNoKeys},
		{"not a key", map[string][]string{"reconnect": {"hyper+r"}}, "", "", ErrInvalidKey},
		{"two characters", map[string][]string{"reconnect": {"rr"}}, "", "", ErrInvalidKey},
		{"empty name", map[string][]string{"reconnect": {""}}, "", "", ErrInvalidKey},
		{"control character", map[string][]string{"reconnect": {"\x01"}}, "", "", ErrInvalidKey},
		{"repeats", map[string][]string{"sort": {"x", "x"}}, "", "", ErrDuplicateKey},
		{"taken by a default", map[string][]string{"reconnect": {"z"}}, "", "", ErrDuplicateKey},
		{"taken by another override", map[string][]string{"reconnect": {"x"}, "sort": {"x"}}, "", "", ErrDuplicateKey},
		{"a global key clashes with a dialog key", map[string][]string{"faults": {"y"}}, "", "", ErrDuplicateKey},
		{"a main screen key clashes with a global one", map[string][]string{"sort": {"q"}}, "", "", ErrDuplicateKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(m.Binding(tt.action).Keys(), ","); got != tt.keys {
				t.Errorf("keys = %q, want %q", got, tt.keys)
			}
		})
	}
}

func TestCheckFindsEveryProblem(t *testing.T) {
	got := Check(map[string][]string{"explode": {"x"}, "sort": {"r", "ctrl-s", "x", "x"}, "help": {}})
	want := []struct {
		action Action
		key    string
		other  Action
		err    error
		msg    string
	}{
		{"explode", "", "", ErrUnknownAction, `"explode": unknown action (known: bottom, cancel,`},
		{Sort, "ctrl-s", "", ErrInvalidKey, `"ctrl-s": invalid key name`},
		{Sort, "x", "", ErrDuplicateKey, `key "x" is listed twice`},
		{Reconnect, "r", Sort, ErrDuplicateKey, `key "r" is already bound to sort`},
		{Help, "", "", ErrNoKeys, "expected at least one key"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Action != w.action || g.Key != w.key || g.Other != w.other || !errors.Is(g, w.err) || !strings.Contains(g.Error(), w.msg) {
			t.Errorf("problem %d = %+v (%v), want %+v", i, g, g, w)
		}
	}
}

func TestCanonicalMatchesBubbleTea(t *testing.T) {
	// What the config says must equal what tea.KeyMsg.String() reports.
	tests := map[string]tea.KeyMsg{
		"enter":     {Type: tea.KeyEnter},
		"esc":       {Type: tea.KeyEsc},
		"tab":       {Type: tea.KeyTab},
		"shift+tab": {Type: tea.KeyShiftTab},
		"up":        {Type: tea.KeyUp},
		"ctrl+r":    {Type: tea.KeyCtrlR},
		"f5":        {Type: tea.KeyF5},
		"space":     {Type: tea.KeySpace, Runes: []rune{' '}},
		"R":         {Type: tea.KeyRunes, Runes: []rune{'R'}},
		"alt+x":     {Type: tea.KeyRunes, Runes: []rune{'x'}, Alt: true},
		"é":         {Type: tea.KeyRunes, Runes: []rune{'é'}},
	}
	for name, msg := range tests {
		got, err := Canonical(name)
		if err != nil {
			t.Errorf("%q: %v", name, err)
			continue
		}
		if got != msg.String() {
			t.Errorf("%q canonical %q, Bubble Tea says %q", name, got, msg.String())
		}
	}
}

func TestResolve(t *testing.T) {
	m, err := New(map[string][]string{"sort": {"y"}})
	if err != nil {
		t.Fatal(err)
	}
	m.Binding(Reconnect).SetEnabled(false)
	runes := func(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }
	tests := []struct {
		msg   tea.KeyMsg
		scope Scope
		want  Action
	}{
		{runes("r"), Table, Reconnect}, // disabled, still resolved
		{runes("r"), Log, Reconnect},
		{runes("r"), Dialog, ""},
		{runes("y"), Table, Sort},
		{runes("y"), Dialog, Confirm},
		{runes("q"), Dialog, Quit},
		{tea.KeyMsg{Type: tea.KeyEnter}, Log, Open},
		{runes("x"), Table, ""},
	}
	for _, tt := range tests {
		got, ok := m.Resolve(tt.msg, tt.scope)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s in scope %b = %q, %v; want %q", tt.msg, tt.scope, got, ok, tt.want)
		}
	}
	if !m.Is(runes("y"), Confirm) || m.Is(runes("y"), Reconnect) {
		t.Errorf("Is does not match an action's keys whatever the scope")
	}
}

func TestHelpLists(t *testing.T) {
	want := []Action{Reconnect, KillZombies, Faults, Sort, Refresh, NextPanel, Help, Quit}
	if strings.Join(names(ShortActions), " ") != strings.Join(names(want), " ") {
		t.Errorf("footer %v, want %v", ShortActions, want)
	}
	seen := map[Action]int{}
	for _, g := range FullGroups {
		for _, a := range g.Actions {
			seen[a]++
		}
	}
	for _, a := range Actions {
		if seen[a] != 1 {
			t.Errorf("full help lists %s %d times", a, seen[a])
		}
	}
	if len(FullGroups) != 4 || FullGroups[0].Title != "Move" {
		t.Errorf("full help sections %+v", FullGroups)
	}
}

func names(as []Action) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a)
	}
	return out
}
