package config

import (
	"os"
	"reflect"
	"testing"

	"github.com/robotui/robotui/ui/keys"
)

// examplePath is config.toml.example at the module root, relative to this package.
const examplePath = "../../../../config.toml.example"

func TestExampleIsExactlyTheDefaults(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseBytes(examplePath, data)
	if err != nil {
		t.Fatalf("the example does not parse:\n%v", err)
	}
	for _, f := range fields {
		if o := c.origins[f.key]; o.File != examplePath || o.Line == 0 {
			t.Errorf("the example does not set %s", f.key)
		}
	}
	if err := c.Validate(false); err != nil {
		t.Errorf("the example does not validate:\n%v", err)
	}
	// The example's [keys] is ui/keys' table, read by the real loader.
	for _, d := range keys.Defs {
		if got := c.Keys[string(d.Action)]; !reflect.DeepEqual(got, d.Keys) {
			t.Errorf("the example binds %s to %q, the key table to %q", d.Action, got, d.Keys)
		}
	}
	if len(c.Keys) != len(keys.Defs) {
		t.Errorf("the example binds %d actions, the key table has %d", len(c.Keys), len(keys.Defs))
	}
	c.origins = nil
	if want := Defaults(); !reflect.DeepEqual(c, want) {
		t.Errorf("the example differs from Defaults()\nexample  %+v\ndefaults %+v", c, want)
	}
}
