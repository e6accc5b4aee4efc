package sockettest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Environment of a child process.
const (
	envRole       = "ROBOTUI_SOCKETTEST_ROLE" // "clients" or "server"
	envAddr       = "ROBOTUI_SOCKETTEST_ADDR"
	envCount      = "ROBOTUI_SOCKETTEST_COUNT"
	envMode       = "ROBOTUI_SOCKETTEST_MODE"
	envIgnoreTERM = "ROBOTUI_SOCKETTEST_IGNORE_TERM"
	envShare      = "ROBOTUI_SOCKETTEST_SHARE"
)

// ChildTestName is the test a child runs when the package has no TestMain
// calling MaybeRunChild: define it as
//
//	func TestSocketTestChild(t *testing.T) { sockettest.MaybeRunChild(); t.Skip("helper process") }
const ChildTestName = "TestSocketTestChild"

// MaybeRunChild does a child's job and exits when this process was started
// by StartClients or StartServer; otherwise it returns at once. Call it first
// in TestMain, or from a test named ChildTestName.
func MaybeRunChild() {
	role := os.Getenv(envRole)
	if role == "" {
		return
	}
	if os.Getenv(envIgnoreTERM) == "1" {
		signal.Ignore(syscall.SIGTERM)
	}
	if err := runChild(role); err != nil {
		fmt.Fprintf(os.Stderr, "sockettest child: %v\n", err)
		os.Exit(3)
	}
	os.Exit(0)
}

func runChild(role string) error {
	var keep any
	switch role {
	case "clients":
		n, err := strconv.Atoi(os.Getenv(envCount))
		if err != nil {
			return fmt.Errorf("count: %w", err)
		}
		conns := make([]net.Conn, 0, n)
		for range n {
			c, err := net.DialTimeout("tcp", os.Getenv(envAddr), 5*time.Second)
			if err != nil {
				return err
			}
			conns = append(conns, c)
		}
		keep = conns
		if os.Getenv(envShare) != "1" {
			fmt.Println("ready")
			break
		}
		sharer, err := startSharer(conns)
		if err != nil {
			return err
		}
		fmt.Println("ready", sharer.Process.Pid)
	case "sharer": // holds the descriptors it inherited until the test closes stdin
	case "server":
		mode, err := strconv.Atoi(os.Getenv(envMode))
		if err != nil {
			return fmt.Errorf("mode: %w", err)
		}
		s, err := Serve(Mode(mode))
		if err != nil {
			return err
		}
		keep = s
		fmt.Println("ready", s.Addr())
	default:
		return fmt.Errorf("unknown role %q", role)
	}
	_, err := io.Copy(io.Discard, os.Stdin) // until the parent closes stdin or dies
	runtime.KeepAlive(keep)                 // the sockets stay open until then, never closed by us
	return err
}

// startSharer starts a process that inherits conns' descriptors, as a
// forked worker does. It shares this process's stdin, the test's pipe, so it
// lives until the test closes that, not until this process ends: a test that
// kills this process first still finds the sharer running.
func startSharer(conns []net.Conn) (*exec.Cmd, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^"+ChildTestName+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), envRole+"=sharer", envShare+"=0")
	cmd.Stdin, cmd.Stderr = os.Stdin, os.Stderr
	for _, c := range conns {
		f, err := c.(*net.TCPConn).File()
		if err != nil {
			return nil, err
		}
		defer f.Close()
		cmd.ExtraFiles = append(cmd.ExtraFiles, f)
	}
	return cmd, cmd.Start()
}

// Child is a re-executed test binary holding sockets.
type Child struct {
	PID    int
	Addr   string // the server's address (StartServer)
	Sharer int    // pid of the process sharing the client sockets (Share)
	cmd    *exec.Cmd
	stdin  *os.File      // the child's stdin, and its sharer's; closed only by stop
	done   chan struct{} // closed once the child has exited and been reaped
}

// Option changes how a child behaves.
type Option func(*exec.Cmd)

// Env adds "KEY=value" pairs to the child's environment.
func Env(kv ...string) Option {
	return func(c *exec.Cmd) { c.Env = append(c.Env, kv...) }
}

// Share makes a clients child start a second process that inherits its
// sockets (Child.Sharer), so that each socket has two holders. The sharer
// lives until the test ends, whether or not the child has exited.
func Share() Option {
	return func(c *exec.Cmd) { c.Env = append(c.Env, envShare+"=1") }
}

// IgnoreTERM makes the child ignore SIGTERM, so only SIGKILL ends it.
func IgnoreTERM() Option {
	return func(c *exec.Cmd) { c.Env = append(c.Env, envIgnoreTERM+"=1") }
}

// StartClients starts a child that opens n connections to addr and never closes them.
func StartClients(t testing.TB, addr string, n int, opts ...Option) *Child {
	t.Helper()
	return start(t, []string{envRole + "=clients", envAddr + "=" + addr, envCount + "=" + strconv.Itoa(n)}, opts)
}

// StartServer starts a child running a server in the given mode.
func StartServer(t testing.TB, mode Mode, opts ...Option) *Child {
	t.Helper()
	return start(t, []string{envRole + "=server", envMode + "=" + strconv.Itoa(int(mode))}, opts)
}

func start(t testing.TB, env []string, opts []Option) *Child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+ChildTestName+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	if os.Getenv("GORACE") == "" {
		cmd.Env = append(cmd.Env, "GORACE=atexit_sleep_ms=0") // a race-enabled child otherwise lingers 1s at exit
	}
	cmd.Stderr = os.Stderr
	for _, o := range opts {
		o(cmd)
	}
	// Not cmd.StdinPipe: Wait would close that when the child exits, and a
	// sharer reading the same pipe would end with it.
	stdinR, stdin, err := os.Pipe()
	if err != nil {
		t.Fatalf("sockettest: %v", err)
	}
	defer stdinR.Close()
	cmd.Stdin = stdinR
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("sockettest: %v", err)
	}
	if err := cmd.Start(); err != nil {
		stdin.Close()
		t.Fatalf("sockettest: start child: %v", err)
	}
	c := &Child{PID: cmd.Process.Pid, cmd: cmd, stdin: stdin, done: make(chan struct{})}
	addr, err := readReady(stdout.(*os.File))
	go func() {
		cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(c.stop)
	if err != nil {
		t.Fatalf("sockettest: child %d: %v", c.PID, err)
	}
	if c.Addr = addr; slices.Contains(cmd.Env, envShare+"=1") {
		if c.Sharer, err = strconv.Atoi(addr); err != nil {
			t.Fatalf("sockettest: child %d: sharer pid %q", c.PID, addr)
		}
		c.Addr = ""
	}
	return c
}

// readReady waits for the child's "ready [addr]" line.
func readReady(out *os.File) (string, error) {
	if err := out.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("%w: %v", errNoReady, err)
	}
	fields := strings.Fields(line)
	if len(fields) == 0 || fields[0] != "ready" {
		return "", fmt.Errorf("%w: got %q", errNoReady, line)
	}
	if len(fields) > 1 {
		return fields[1], nil
	}
	return "", nil
}

// Exited returns a channel closed once the child has exited.
func (c *Child) Exited() <-chan struct{} { return c.done }

// stop ends the child: stdin closed (it exits), SIGKILL if it lingers.
func (c *Child) stop() {
	c.stdin.Close()
	select {
	case <-c.done:
		return
	case <-time.After(5 * time.Second):
	}
	c.cmd.Process.Kill()
	<-c.done
}
