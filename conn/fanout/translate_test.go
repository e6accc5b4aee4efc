package fanout

import (
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/robotui/robotui/conn/wire"
)

func fields(fs ...string) []byte {
	var p []byte
	for _, f := range fs {
		p = wire.AppendString(p, f)
	}
	return p
}

func testClient(t *testing.T, version int) *client {
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	s := &Server{}
	s.cfg.defaults()
	c := newClient(s, a)
	c.version = version
	return c
}

func frameOut(t *testing.T, c *client) string {
	t.Helper()
	select {
	case f := <-c.out:
		p, _, err := wire.SplitFrame(f)
		if err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(string(p), "\x00", "|")
	default:
		t.Fatal("nothing sent")
		return ""
	}
}

// The trading half goes by position: the request id rewritten, the fields a
// newer version appended cut for an older client, a request completed for
// the session's version, and what cannot be translated refused.
func TestGenericTranslation(t *testing.T) {
	// REQ_EXECUTIONS from a 193 client to a 200 session gains lastNDays and no dates.
	req := fields("7", "3", "5", "0", "", "", "", "", "", "")
	got := strings.ReplaceAll(string(appendRequest(nil, req, wire.OutReqExecutions, 2, 1001, 193, 200)), "\x00", "|")
	if want := "7|3|1001|0|||||||2147483647|0|"; got != want {
		t.Errorf("REQ_EXECUTIONS for 200: %q, want %q", got, want)
	}
	// EXECUTION_DATA at 200 (33 fields) to a 193 client: submitter cut, the id its own.
	exec := make([]string, 33)
	for i := range exec {
		exec[i] = "f" + strconv.Itoa(i)
	}
	exec[0], exec[1], exec[32] = "11", "1001", "SUBMITTER"
	c := testClient(t, 193)
	sendGeneric(c, wire.InExecutionData, fields(exec...), 200, 5)
	out := frameOut(t, c)
	if !strings.HasPrefix(out, "11|5|f2|") || strings.Contains(out, "SUBMITTER") || strings.Count(out, "|") != 32 {
		t.Errorf("EXECUTION_DATA for 193: %q", out)
	}
	// PNL has no gate between 193 and 200: as it is, under the client's id.
	sendGeneric(c, wire.InPnL, fields("94", "1001", "1.5", "2.5", "3.5"), 200, 8)
	if out := frameOut(t, c); out != "94|8|1.5|2.5|3.5|" {
		t.Errorf("PNL: %q", out)
	}
	// OPEN_ORDER changes at nearly every version: never across versions.
	sendGeneric(c, wire.InOpenOrder, fields("5", "1", "2"), 200, 0)
	select {
	case f := <-c.out:
		t.Errorf("OPEN_ORDER across versions was sent: %q", f)
	default:
	}
	if repliesSafe(wire.OutReqAllOpenOrders, 193, 200) || !repliesSafe(wire.OutReqAllOpenOrders, 200, 200) ||
		!repliesSafe(wire.OutReqPnL, 176, 200) || repliesSafe(wire.OutReqContractData, 193, 200) {
		t.Error("repliesSafe")
	}
	if !requestSafe(wire.OutReqContractData, 176, 200) || requestSafe(wire.OutReqContractData, 175, 200) {
		t.Error("requestSafe")
	}
}

func TestGuessLibrary(t *testing.T) {
	for h, want := range map[wire.Hello]string{
		{Min: 157, Max: 178}:                      "ib_async",
		{Min: 100, Max: 193}:                      "@stoqey/ib",
		{Min: 100, Max: 187, Options: "+PACEAPI"}: "ibapi 10.30 +PACEAPI",
		{Min: 120, Max: 150}:                      "v120..150",
	} {
		if got := GuessLibrary(h); got != want {
			t.Errorf("%+v: %q, want %q", h, got, want)
		}
	}
}

func TestCheckAddr(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:4102": true, "localhost:4102": true, "[::1]:4102": true,
		"0.0.0.0:4102": false, "192.168.1.5:4102": false, "4102": false} {
		if err := CheckAddr(addr, false); (err == nil) != ok {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if err := CheckAddr("0.0.0.0:4102", true); err != nil {
		t.Errorf("allow_remote: %v", err)
	}
}
