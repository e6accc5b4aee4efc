package engine

import (
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/robotui/robotui/engine/calendar"
)

func TestMain(m *testing.M) {
	if addr := os.Getenv(zombieHelperEnv); addr != "" {
		runZombieHelper(addr)
		return
	}
	goleak.VerifyTestMain(m)
}

func mustNY(t testing.TB) *time.Location {
	t.Helper()
	return calendar.NYSE().Location()
}
