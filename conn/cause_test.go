package conn

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestCauseOf(t *testing.T) {
	ctx := context.Background()
	dialErr := func(stage Stage, err error) error {
		return &DialError{Addr: "127.0.0.1:9", Stage: stage, Err: classify(ctx, err)}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	op := func(name string, err error) error { return &net.OpError{Op: name, Net: "tcp", Err: err} }
	tests := []struct {
		name string
		err  error
		want Cause
	}{
		{"no error", nil, CauseNone},
		{"refused", dialErr(StageTCP, op("dial", os.NewSyscallError("connect", syscall.ECONNREFUSED))), CauseDialRefused},
		{"refused, unwrapped", op("dial", syscall.ECONNREFUSED), CauseDialRefused},
		{"tcp connect deadline", dialErr(StageTCP, op("dial", os.ErrDeadlineExceeded)), CauseDialTimeout},
		{"tcp connect context deadline", dialErr(StageTCP, context.DeadlineExceeded), CauseDialTimeout},
		{"no such host", dialErr(StageTCP, op("dial", &net.DNSError{Err: "no such host", Name: "gw", IsNotFound: true})), CauseNoSuchHost},
		{"resolver down", dialErr(StageTCP, op("dial", &net.DNSError{Err: "server misbehaving", Name: "gw", IsTemporary: true})), CauseDial},
		{"hello unanswered", dialErr(StageVersion, op("read", os.ErrDeadlineExceeded)), CauseHandshakeTimeout},
		{"readiness unanswered", dialErr(StageReady, context.DeadlineExceeded), CauseHandshakeTimeout},
		{"redirect", dialErr(StageVersion, fmt.Errorf("%w to 10.0.0.1:4002", ErrRedirect)), CauseHandshake},
		{"no common version", dialErr(StageVersion, fmt.Errorf("%w: server chose 99", ErrUnsupportedVersion)), CauseHandshake},
		{"bad server hello", dialErr(StageVersion, fmt.Errorf("%w: short hello", ErrProtocol)), CauseProtocol},
		{"326", dialErr(StageReady, fmt.Errorf("%w: id 7 taken", ErrClientIDInUse)), CauseClientIDInUse},
		{"502", dialErr(StageReady, fmt.Errorf("%w: 502 couldn't connect", ErrRejected)), CauseRejected},
		{"EOF in the handshake", dialErr(StageVersion, io.EOF), CauseEOF},
		{"reset in the handshake", dialErr(StageVersion, op("read", os.NewSyscallError("read", syscall.ECONNRESET))), CauseReset},
		{"dial cancelled", &DialError{Stage: StageVersion, Err: classify(cancelled, op("read", os.ErrDeadlineExceeded))}, CauseQuit},
		{"gateway closed", ErrGatewayClosed, CauseEOF},
		{"bare EOF", io.ErrUnexpectedEOF, CauseEOF},
		{"reset", fmt.Errorf("read: %w", op("read", os.NewSyscallError("read", syscall.ECONNRESET))), CauseReset},
		{"write timeout", fmt.Errorf("write: %w", op("write", os.ErrDeadlineExceeded)), CauseIO},
		{"broken pipe", fmt.Errorf("write: %w", op("write", os.NewSyscallError("write", syscall.EPIPE))), CauseIO},
		{"oversized frame", fmt.Errorf("%w: frame too large", ErrProtocol), CauseProtocol},
		{"keepalive", fmt.Errorf("%w: 2 pings in a row", ErrKeepalive), CauseKeepalive},
		{"1300", fmt.Errorf("%w: socket port reset", ErrSocketPortReset), Cause1300},
		{"closed by us", ErrClosed, CauseQuit},
	}
	for _, tt := range tests {
		if got := CauseOf(tt.err); got != tt.want {
			t.Errorf("%s: CauseOf(%v) = %s, want %s", tt.name, tt.err, got, tt.want)
		}
	}
}

// TestCauseOfRealRefusal classifies what Dial returns for a port nobody listens on.
func TestCauseOfRealRefusal(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = Dial(context.Background(), Options{Addr: addr, ConnectTimeout: time.Second})
	if got := CauseOf(err); got != CauseDialRefused {
		t.Errorf("dial to a closed port: %s (%v), want %s", got, err, CauseDialRefused)
	}
}

func TestCauseNames(t *testing.T) {
	seen := map[string]Cause{}
	for c := CauseNone; c < numCauses; c++ {
		tok := c.String()
		if tok == "" || tok == "unknown" || (c != CauseNone && c.Phrase() == "") {
			t.Errorf("cause %d: token %q, phrase %q", c, tok, c.Phrase())
		}
		if other, dup := seen[tok]; dup {
			t.Errorf("causes %d and %d share the token %q", other, c, tok)
		}
		seen[tok] = c
	}
	if got, _ := CauseEOF.MarshalText(); string(got) != "eof" {
		t.Errorf("CauseEOF as text: %q", got)
	}
	if numCauses.String() != "unknown" {
		t.Errorf("an out-of-range cause reads %q", numCauses.String())
	}
}

func TestStates(t *testing.T) {
	got := States()
	if len(got) != int(Closed)+1 || got[0] != Disconnected || got[len(got)-1] != Closed {
		t.Errorf("States() = %v", got)
	}
}
