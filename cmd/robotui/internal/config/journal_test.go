package config

import "testing"

func TestByteSize(t *testing.T) {
	for in, want := range map[string]int64{"200MB": 200 << 20, "1gb": 1 << 30, "512 KB": 512 << 10, "10": 10, "3B": 3} {
		if got, err := ByteSize(in); err != nil || got != want {
			t.Errorf("ByteSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "MB", "-1MB", "1.5GB", "9223372036854775807GB", "ten"} {
		if _, err := ByteSize(bad); err == nil {
			t.Errorf("ByteSize(%q) accepted", bad)
		}
	}
}

func TestJournalValidation(t *testing.T) {
	c := Defaults()
	c.Journal.MaxSize = "100KB"
	c.Journal.Retention = 1
	errs := Errors(c.Validate(false))
	keys := map[string]bool{}
	for _, e := range errs {
		keys[e.Key] = true
	}
	if !keys["journal.max_size"] || !keys["journal.retention"] {
		t.Errorf("errors = %v", errs)
	}
	if err := Defaults().Validate(false); err != nil {
		t.Errorf("defaults: %v", err)
	}
}
