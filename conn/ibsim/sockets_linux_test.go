package ibsim

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// gatewaySideCloseWait counts CLOSE_WAIT sockets in the kernel table whose
// local port is the gateway's and remote port the client's. Kernel state is
// polled briefly: it has no event to wait on.
func gatewaySideCloseWait(t *testing.T, gatewayPort, clientPort int) int {
	t.Helper()
	want := fmt.Sprintf(":%04X", gatewayPort)
	peer := fmt.Sprintf(":%04X", clientPort)
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		f, err := os.Open("/proc/net/tcp")
		if err != nil {
			t.Skipf("no socket table: %v", err)
		}
		n := 0
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) > 3 && strings.HasSuffix(fields[1], want) && strings.HasSuffix(fields[2], peer) && fields[3] == "08" {
				n++
			}
		}
		f.Close()
		if n > 0 {
			return n
		}
	}
	return 0
}
