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
	want := map[Action]string{Reconnect: "r", KillZombies: "z", Faults: "f", Help: "?", Quit: "q/ctrl+c", Up: "↑/k", Down: "↓/j", NextPanel: "tab", Confirm: "y", Cancel: "n/esc", Sort: "s", Refresh: "R"}
	for a, label := range want {
		if got := m.Binding(a).Help().Key; got != label {
			t.Errorf("%s label = %q, want %q", a, got, label)
		}
	}
	if m.Binding("nope") != nil {
		t.Errorf("an unknown action has a binding")
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
		{"names are case-insensitive", map[string][]string{"confirm": {"Enter"}}, Confirm, "enter", nil},
		{"letters keep their case", map[string][]string{"sort": {"S"}}, Sort, "S", nil},
		{"alt", map[string][]string{"sort": {"alt+s"}}, Sort, "alt+s", nil},
		{"function key", map[string][]string{"refresh": {"f5"}}, Refresh, "f5", nil},
		{"repeats fold", map[string][]string{"sort": {"x", "x"}}, Sort, "x", nil},
		{"a freed key can move", map[string][]string{"reconnect": {"x"}, "sort": {"r"}}, Sort, "r", nil},
		{"unknown action", map[string][]string{"explode": {"x"}}, "", "", ErrUnknownAction},
		{"empty list", map[string][]string{"reconnect": {}}, "", "", ErrNoKeys},
		{"not a key", map[string][]string{"reconnect": {"hyper+r"}}, "", "", ErrInvalidKey},
		{"two characters", map[string][]string{"reconnect": {"rr"}}, "", "", ErrInvalidKey},
		{"empty name", map[string][]string{"reconnect": {""}}, "", "", ErrInvalidKey},
		{"control character", map[string][]string{"reconnect": {"\x01"}}, "", "", ErrInvalidKey},
		{"taken by a default", map[string][]string{"reconnect": {"z"}}, "", "", ErrDuplicateKey},
		{"taken by another override", map[string][]string{"reconnect": {"x"}, "sort": {"x"}}, "", "", ErrDuplicateKey},
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

func TestIsIgnoresEnabled(t *testing.T) {
	m := Default()
	m.Reconnect.SetEnabled(false)
	r := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'r'}}
	if !Is(r, m.Reconnect) {
		t.Errorf("Is missed a disabled binding's key")
	}
	if Is(r, m.KillZombies) {
		t.Errorf("Is matched the wrong binding")
	}
}

func TestHelpLists(t *testing.T) {
	m := Default()
	if got := len(m.ShortHelp()); got != len(ShortActions) {
		t.Errorf("short help has %d bindings", got)
	}
	seen := map[string]bool{}
	for _, col := range m.FullHelp() {
		for _, b := range col {
			seen[b.Help().Desc] = true
		}
	}
	if len(seen) != len(Actions) {
		t.Errorf("full help lists %d actions, want all %d", len(seen), len(Actions))
	}
}
