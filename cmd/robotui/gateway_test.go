package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/robotui/robotui/conn/wire"
	"go.uber.org/goleak"
)

func TestGatewayFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr (stdout for code 0)
	}{
		{"help", []string{"-h"}, 0, "Usage: robotui gateway"},
		{"long help", []string{"--help"}, 0, "--control"},
		{"unknown flag", []string{"--bogus"}, 2, "bogus"},
		{"stray argument", []string{"now"}, 2, `"now"`},
		{"non-loopback control", []string{"--control", "0.0.0.0:4003"}, 2, "loopback"},
		{"remote control", []string{"--control", "192.168.1.5:4003"}, 2, "loopback"},
		{"control not host:port", []string{"--control", "4003"}, 2, "--control"},
		{"version too low", []string{"--server-version", "99"}, 2, "100..200"},
		{"version too high", []string{"--server-version", "201"}, 2, "100..200"},
		{"zero speed", []string{"--speed", "0"}, 2, "--speed"},
		{"bad speed", []string{"--speed", "fast"}, 2, "speed"},
		{"no clients", []string{"--max-clients", "0"}, 2, "--max-clients"},
		{"bad log format", []string{"--log-format", "xml"}, 2, "--log-format"},
		{"bad listen address", []string{"--listen", "127.0.0.1:notaport"}, 2, "notaport"},
		{"bad start", []string{"--start", "monday 10am"}, 2, "--start"},
		{"bad login zone", []string{"--listen", "127.0.0.1:0", "--login-zone", "Mars/Olympus"}, 2, "login zone"},
		{"bad date style", []string{"--listen", "127.0.0.1:0", "--date-style", "fancy"}, 2, "date style"},
		{"start, zone and style", []string{"--listen", "127.0.0.1:0", "--start", "2026-01-05T10:00:00-05:00",
			"--login-zone", "Europe/London=Greenwich Mean Time", "--date-style", "spaced"}, 0, "robotui gateway: API on 127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb strings.Builder
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // a run that got past the flags would stop at once
			code := serveGateway(ctx, tt.args, &out, &errb)
			where := errb.String()
			if tt.code == 0 {
				where = out.String()
			}
			if code != tt.code || !strings.Contains(where, tt.want) {
				t.Errorf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, tt.code, tt.want, out.String(), errb.String())
			}
		})
	}
}

var addrRE = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// readAddrs reads the start line and returns the API and control addresses.
func readAddrs(t *testing.T, r io.Reader) (api, control string) {
	t.Helper()
	line, err := bufio.NewReader(r).ReadString('\n')
	addrs := addrRE.FindAllString(line, -1)
	if err != nil || len(addrs) != 2 || !strings.Contains(line, "API on "+addrs[0]) || !strings.Contains(line, "control on http://"+addrs[1]) {
		t.Fatalf("start line %q (%v): want the API then the control address", line, err)
	}
	return addrs[0], addrs[1]
}

// helloOK completes a handshake on a fresh connection and returns it.
func helloOK(t *testing.T, api string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", api, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	conn.Write(wire.Hello{Min: 100, Max: 200}.Append(nil))
	p, err := wire.NewReader(conn).ReadFrame()
	if err != nil {
		t.Fatalf("hello: %v", err)
	}
	if sh, err := wire.ParseServerHello(p); err != nil || sh.Version != 190 {
		t.Fatalf("server hello %+v %v, want version 190", sh, err)
	}
	return conn
}

func expectClosed(t *testing.T, conn net.Conn) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := io.Copy(io.Discard, conn); err != nil {
		t.Errorf("after stop: %d bytes then %v, want EOF", n, err)
	}
}

func TestGatewayServesUntilCancelled(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	code := make(chan int, 1)
	go func() {
		defer pw.Close()
		code <- serveGateway(ctx, []string{"--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--server-version", "190", "--log-format", "json"}, pw, io.Discard)
	}()
	api, control := readAddrs(t, pr)
	go io.Copy(io.Discard, pr)
	conn := helloOK(t, api)

	resp, err := http.Get("http://" + control + "/state")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Version int               `json:"server_version_max"`
		Clients []json.RawMessage `json:"clients"`
		Symbols []string          `json:"symbols"`
	}
	json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	if st.Version != 190 || len(st.Clients) != 1 || len(st.Symbols) < 100 {
		t.Errorf("GET /state: %+v", st)
	}
	cancel()
	if c := <-code; c != 0 {
		t.Errorf("exit %d after a clean stop, want 0", c)
	}
	expectClosed(t, conn)
}

// TestGatewayStopsOnSignals runs the built binary (see TestMain in
// cli_test.go) and stops it with each signal it handles.
func TestGatewayStopsOnSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, robotuiBin, "gateway", "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--server-version", "190")
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var errb strings.Builder
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			api, _ := readAddrs(t, out)
			conn := helloOK(t, api)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			expectClosed(t, conn)
			if err := cmd.Wait(); err != nil || ctx.Err() != nil {
				t.Fatalf("after %v: %v (exit %d); stderr:\n%s", sig, err, cmd.ProcessState.ExitCode(), errb.String())
			}
			if !strings.Contains(errb.String(), "ibsim closed") {
				t.Errorf("no clean close in the log:\n%s", errb.String())
			}
		})
	}
}
