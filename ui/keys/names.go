package keys

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
)

// teaNames is every special key name Bubble Tea reports ("enter", "ctrl+r",
// "f5", ...), read from its own key types so the two can never disagree.
var teaNames = func() map[string]bool {
	names := make(map[string]bool)
	for t := tea.KeyType(-128); t < 128; t++ {
		if s := t.String(); s != "" && s != "runes" && s != " " {
			names[s] = true
		}
	}
	return names
}()

// Canonical turns a config key name into the string tea.KeyMsg.String()
// gives for that key, or says why the name is no key. The config validator
// uses it too, so that a file it accepts is one the console accepts.
func Canonical(name string) (string, error) {
	n := strings.TrimSpace(name)
	alt := ""
	if rest, ok := strings.CutPrefix(n, "alt+"); ok && rest != "" {
		alt, n = "alt+", rest
	}
	switch {
	case n == "space" || n == " " || name == " ":
		return alt + " ", nil
	case teaNames[strings.ToLower(n)]:
		return alt + strings.ToLower(n), nil
	case utf8.RuneCountInString(n) == 1:
		r, _ := utf8.DecodeRuneInString(n)
		if r != utf8.RuneError && unicode.IsPrint(r) {
			return alt + n, nil
		}
	}
	return "", fmt.Errorf("%q: %w (use a single character, \"space\", or a name such as enter, esc, tab, up, ctrl+r, f5)", name, ErrInvalidKey)
}

// displayed are the keys help shows otherwise than by name: arrows as arrows, space as "space".
var displayed = map[string]string{"up": "↑", "down": "↓", "left": "←", "right": "→", " ": "space"}

// Display is how a key is shown in help.
func Display(k string) string {
	if s, ok := displayed[k]; ok {
		return s
	}
	return k
}
