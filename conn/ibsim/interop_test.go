package ibsim

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestInteropStoqeyIB runs an independent TWS API client, the npm package
// @stoqey/ib (interop/check.js), against the simulator. It needs node and
// `npm install` in interop/, so it runs only with ROBOTUI_INTEROP=1.
func TestInteropStoqeyIB(t *testing.T) {
	if os.Getenv("ROBOTUI_INTEROP") != "1" {
		t.Skip("set ROBOTUI_INTEROP=1 (after npm install in conn/ibsim/interop) to run")
	}
	dir, _ := filepath.Abs("interop")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@stoqey", "ib")); err != nil {
		t.Skipf("no node_modules in %s: run npm install there", dir)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	// @stoqey/ib asks for v100..193: the simulator's max, or 193.
	for _, tt := range []struct{ simMax, want int }{{178, 178}, {200, 193}} {
		t.Run("sim max "+strconv.Itoa(tt.simMax), func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: tt.simMax})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, "check.js", "127.0.0.1", strconv.Itoa(s.Port()))
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "interop: ok: server version "+strconv.Itoa(tt.want)+",") {
				t.Fatalf("node check.js: %v\n%s", err, out)
			}
			t.Logf("%s", out)
			st := waitFor(t, s, "the node client gone", func(st State) bool { return st.Count(stateClosed) == 1 })
			if c := st.Clients[0]; c.ClientID != 77 || c.Version != tt.want || c.Requests < 2 {
				t.Errorf("the node client as the simulator saw it: %+v", c)
			}
		})
	}
}
