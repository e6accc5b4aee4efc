package journal

import (
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that every journal's goroutines end, and removes the
// benchmark's and the fuzz target's shared files.
func TestMain(m *testing.M) {
	code := m.Run()
	if fuzzDB.db != nil {
		fuzzDB.db.Close()
	}
	for _, p := range []string{monthDB.path, fuzzDB.path} {
		if p != "" {
			os.RemoveAll(filepath.Dir(p))
		}
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}
