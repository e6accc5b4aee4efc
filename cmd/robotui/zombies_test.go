package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/sockets/sockettest"
)

// TestSocketTestChild is the body of the child processes sockettest starts.

type zombiesRun struct {
	code           int
	stdout, stderr string
}

func zombies(stdin string, args ...string) zombiesRun {
	var out, errb bytes.Buffer
	code := runZombies(args, strings.NewReader(stdin), &out, &errb)
	return zombiesRun{code, out.String(), errb.String()}
}

// zombiesReport is the JSON contract of `robotui zombies --json`.
type zombiesReport struct {
	Port     *int `json:"port"`
	Listener *struct {
		PID     int    `json:"pid"`
		Command string `json:"command"`
	} `json:"listener"`
	Counts  map[string]int `json:"counts"`
	Zombies []struct {
		PID     int    `json:"pid"`
		Command string `json:"command"`
		User    string `json:"user"`
		Side    string `json:"side"`
		Local   string `json:"local"`
		Remote  string `json:"remote"`
		State   string `json:"state"`
	} `json:"zombies"`
	Results *[]struct {
		PID     int    `json:"pid"`
		Command string `json:"command"`
		Result  string `json:"result"`
		Reason  string `json:"reason"`
	} `json:"results"`
}

func decodeZombies(t *testing.T, r zombiesRun) zombiesReport {
	t.Helper()
	var rep zombiesReport
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("stdout is not the JSON contract: %v\n%s\nstderr: %s", err, r.stdout, r.stderr)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("more than one JSON value on stdout:\n%s", r.stdout)
	}
	if rep.Port == nil || rep.Counts == nil || rep.Zombies == nil {
		t.Fatalf("port, counts or zombies missing:\n%s", r.stdout)
	}
	return rep
}

// waitZombies runs `zombies --json` until want zombies are listed (kernel state: polled).
func waitZombies(t *testing.T, port, want int) zombiesReport {
	t.Helper()
	var rep zombiesReport
	sockettest.Eventually(t, 10*time.Second, strconv.Itoa(want)+" zombies", func() bool {
		rep = decodeZombies(t, zombies("", "--json", "--port", strconv.Itoa(port)))
		return len(rep.Zombies) == want
	})
	return rep
}

func alive(c *sockettest.Child) bool {
	select {
	case <-c.Exited():
		return false
	default:
		return true
	}
}

func testComm() string {
	name := filepath.Base(os.Args[0])
	return name[:min(len(name), 15)]
}

func TestZombiesFlags(t *testing.T) {
	tests := []struct {
		args       []string
		code       int
		stdout     string
		stderrPart string
	}{
		{[]string{"-h"}, 0, "Usage: robotui zombies", ""},
		{[]string{"--help"}, 0, "-grace duration", ""},
		{[]string{"--bogus"}, 2, "", "flag provided but not defined"},
		{[]string{"--port", "x"}, 2, "", "invalid value"},
		{[]string{"--port", "0"}, 2, "", "want 1..65535"},
		{[]string{"--port", "65536"}, 2, "", "want 1..65535"},
		{[]string{"--grace", "-1s"}, 2, "", "--grace"},
		{[]string{"--yes"}, 2, "", "--yes confirms --kill"},
		{[]string{"extra"}, 2, "", `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := zombies("", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderrPart) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", r.code, r.stdout, r.stderr, tt.code, tt.stdout, tt.stderrPart)
			}
		})
	}
}

func TestZombiesNoneFound(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)

	r := zombies("", "--json", "--port", port)
	rep := decodeZombies(t, r)
	if r.code != 0 || rep.Listener == nil || rep.Listener.PID != os.Getpid() || rep.Listener.Command != testComm() {
		t.Errorf("exit %d, listener %+v; want 0 and this process", r.code, rep.Listener)
	}
	if rep.Counts["LISTEN"] != 1 || rep.Counts["CLOSE_WAIT"] != 0 || len(rep.Zombies) != 0 || rep.Results != nil {
		t.Errorf("report %s", r.stdout)
	}

	r = zombies("", "--port", port)
	if r.code != 0 || !strings.Contains(r.stdout, "listening, pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(r.stdout, "zombies: 0") {
		t.Errorf("text: exit %d\n%s", r.code, r.stdout)
	}

	r = zombies("", "--kill", "--json", "--port", port)
	if rep := decodeZombies(t, r); r.code != 0 || rep.Results == nil || len(*rep.Results) != 0 {
		t.Errorf("kill with nothing to do: exit %d\n%s", r.code, r.stdout)
	}

	ln.Close()
	r = zombies("", "--json", "--port", port)
	if rep := decodeZombies(t, r); r.code != 0 || rep.Listener != nil || !strings.Contains(r.stdout, `"listener":null`) {
		t.Errorf("closed port: exit %d\n%s", r.code, r.stdout)
	}
}

func TestZombiesClientSideListedConfirmedAndKilled(t *testing.T) {
	srv := sockettest.NewServer(t, sockettest.Drop)
	a := sockettest.StartClients(t, srv.Addr(), 2)
	b := sockettest.StartClients(t, srv.Addr(), 1)
	port := strconv.Itoa(srv.Port())
	children := []int{a.PID, b.PID}
	slices.Sort(children)

	rep := waitZombies(t, srv.Port(), 3)
	for _, z := range rep.Zombies {
		if !slices.Contains(children, z.PID) || z.Side != "client" || z.State != "CLOSE_WAIT" || z.Command != testComm() || z.User == "" ||
			z.Remote != srv.Addr() || !strings.HasPrefix(z.Local, "127.0.0.1:") {
			t.Errorf("zombie %+v, want a client-side CLOSE_WAIT of a child %v", z, children)
		}
	}

	r := zombies("", "--port", port)
	if r.code != 1 || !strings.Contains(r.stdout, "zombies: 3") || !strings.Contains(r.stdout, "dry run") || !strings.Contains(r.stdout, "pid "+strconv.Itoa(a.PID)) {
		t.Errorf("dry run: exit %d\n%s", r.code, r.stdout)
	}

	r = zombies("", "--kill", "--port", port)
	if r.code != 2 || !strings.Contains(r.stderr, "not a terminal") || !strings.Contains(r.stderr, "--yes") {
		t.Errorf("kill without a terminal: exit %d, stderr %q; want 2 and a refusal", r.code, r.stderr)
	}

	isTerm := zombiesStdinIsTerminal
	t.Cleanup(func() { zombiesStdinIsTerminal = isTerm })
	zombiesStdinIsTerminal = func(io.Reader) bool { return true }
	r = zombies("n\n", "--kill", "--json", "--port", port)
	rep = decodeZombies(t, r)
	if r.code != 1 || !strings.Contains(r.stderr, "Signal 2 process(es)? [y/N]") || rep.Results == nil || len(*rep.Results) != 2 {
		t.Fatalf("declined: exit %d, stderr %q\n%s", r.code, r.stderr, r.stdout)
	}
	for _, res := range *rep.Results {
		if res.Result != "refused" || res.Reason != "not confirmed" || !slices.Contains(children, res.PID) {
			t.Errorf("declined result %+v", res)
		}
	}
	if !alive(a) || !alive(b) {
		t.Fatal("a child was signalled although the kill was declined")
	}

	r = zombies("y\n", "--kill", "--grace", "5s", "--port", port)
	if r.code != 1 || !strings.Contains(r.stdout, "killed") {
		t.Errorf("confirmed kill: exit %d\n%s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	for _, c := range []*sockettest.Child{a, b} {
		select {
		case <-c.Exited():
		case <-time.After(10 * time.Second):
			t.Fatalf("child %d still running after the kill", c.PID)
		}
	}
	sockettest.Eventually(t, 10*time.Second, "exit 0 once the zombies are gone", func() bool {
		return zombies("", "--port", port).code == 0
	})
}

func TestZombiesKillYesJSON(t *testing.T) {
	srv := sockettest.NewServer(t, sockettest.Drop)
	c := sockettest.StartClients(t, srv.Addr(), 1)
	waitZombies(t, srv.Port(), 1)
	r := zombies("", "--kill", "--yes", "--json", "--port", strconv.Itoa(srv.Port()))
	rep := decodeZombies(t, r)
	if r.code != 1 || rep.Results == nil || len(*rep.Results) != 1 {
		t.Fatalf("exit %d\n%s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if res := (*rep.Results)[0]; res.PID != c.PID || res.Result != "killed" || res.Command != testComm() || res.Reason == "" {
		t.Errorf("result %+v, want child %d killed", res, c.PID)
	}
	select {
	case <-c.Exited():
	case <-time.After(10 * time.Second):
		t.Fatal("child still running")
	}
}

func TestZombiesGatewaySideNeverSignalled(t *testing.T) {
	gw := sockettest.StartServer(t, sockettest.Hold)
	_, portText, err := net.SplitHostPort(gw.Addr)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(portText)
	for _, c := range sockettest.Dial(t, gw.Addr, 2) {
		c.Close()
	}
	waitZombies(t, port, 2)

	r := zombies("", "--kill", "--yes", "--json", "--port", portText)
	rep := decodeZombies(t, r)
	if r.code != 1 || rep.Listener == nil || rep.Listener.PID != gw.PID {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
	for _, z := range rep.Zombies {
		if z.Side != "gateway" || z.PID != gw.PID || z.Local != gw.Addr {
			t.Errorf("zombie %+v, want gateway side of %d", z, gw.PID)
		}
	}
	if rep.Results == nil || len(*rep.Results) != 1 || (*rep.Results)[0].Result != "refused" || (*rep.Results)[0].PID != gw.PID ||
		!strings.Contains((*rep.Results)[0].Reason, "restart the gateway") {
		t.Errorf("results %s, want one refusal with the advice", r.stdout)
	}
	if !alive(gw) {
		t.Fatal("the gateway child was signalled")
	}

	r = zombies("", "--port", portText)
	if r.code != 1 || !strings.Contains(r.stdout, "gateway") || !strings.Contains(r.stdout, "advice: ") || !strings.Contains(r.stdout, "restart IB Gateway") {
		t.Errorf("text: exit %d\n%s", r.code, r.stdout)
	}
}
