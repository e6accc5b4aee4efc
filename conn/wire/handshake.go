package wire

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// APIPrefix is the 4 raw bytes a client sends before its first frame.
const APIPrefix = "API\x00"

// ErrBadHello is a malformed opening message, from either side.
var ErrBadHello = errors.New("wire: bad hello")

// Hello is the client's opening message: the version range it speaks and
// optional connect options such as "+PACEAPI".
type Hello struct {
	Min, Max int
	Options  string
}

// Append appends the raw prefix and the framed "v<min>..<max>[ options]".
func (h Hello) Append(dst []byte) []byte {
	dst = append(dst, APIPrefix...)
	var p []byte
	if h.Min == h.Max {
		p = fmt.Appendf(nil, "v%d", h.Min)
	} else {
		p = fmt.Appendf(nil, "v%d..%d", h.Min, h.Max)
	}
	if h.Options != "" {
		p = append(append(p, ' '), h.Options...)
	}
	dst, _ = AppendFrame(dst, p) // never empty, never large
	return dst
}

// ParseHello reads the framed part of a client's hello (after APIPrefix).
func ParseHello(payload []byte) (Hello, error) {
	s := string(bytes.TrimRight(payload, "\x00"))
	if !strings.HasPrefix(s, "v") {
		return Hello{}, fmt.Errorf("%w: %q does not start with 'v'", ErrBadHello, clip(s))
	}
	s = s[1:]
	var h Hello
	if i := strings.IndexByte(s, ' '); i >= 0 {
		s, h.Options = s[:i], strings.TrimSpace(s[i+1:])
	}
	lo, hi, ranged := strings.Cut(s, "..")
	var err error
	if h.Min, err = parseVersion(lo); err != nil {
		return Hello{}, err
	}
	h.Max = h.Min
	if ranged {
		if h.Max, err = parseVersion(hi); err != nil {
			return Hello{}, err
		}
	}
	if h.Min > h.Max {
		return Hello{}, fmt.Errorf("%w: range v%d..%d is empty", ErrBadHello, h.Min, h.Max)
	}
	return h, nil
}

func parseVersion(s string) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 || v > 100000 {
		return 0, fmt.Errorf("%w: version %q", ErrBadHello, clip(s))
	}
	return v, nil
}

func clip(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}

// ServerHello is the server's answer to a hello: the negotiated version and
// its connection time, or (Version == -1) a redirect to another address.
type ServerHello struct {
	Version  int
	Time     string // e.g. "20230228 17:24:14 EST"
	Redirect string // host[:port], set only when Version == -1
}

// Append appends the framed answer.
func (s ServerHello) Append(dst []byte) []byte {
	var p []byte
	p = AppendInt(p, int64(s.Version))
	if s.Version == -1 {
		p = AppendString(p, s.Redirect)
	} else {
		p = AppendString(p, s.Time)
	}
	dst, _ = AppendFrame(dst, p)
	return dst
}

// ParseServerHello reads the server's first frame.
func ParseServerHello(payload []byte) (ServerHello, error) {
	sc := NewScanner(payload)
	v := sc.Int32()
	second := sc.String()
	if err := sc.Err(); err != nil {
		return ServerHello{}, fmt.Errorf("%w: %w", ErrBadHello, err)
	}
	if v == -1 {
		if second == "" {
			return ServerHello{}, fmt.Errorf("%w: redirect without an address", ErrBadHello)
		}
		return ServerHello{Version: -1, Redirect: second}, nil
	}
	if v <= 0 {
		return ServerHello{}, fmt.Errorf("%w: server version %d", ErrBadHello, v)
	}
	return ServerHello{Version: v, Time: second}, nil
}
