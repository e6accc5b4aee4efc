package sockets

import (
	"bytes"
	"fmt"
)

// statFields is what robotui needs from /proc/[pid]/stat.
type statFields struct {
	comm  string
	state byte   // R, S, D, Z (zombie), X (dead), ...
	start uint64 // field 22: start time in clock ticks after boot
}

// parseStat reads /proc/[pid]/stat. The command sits in parentheses and may
// itself contain spaces and parentheses, so fields are counted after the last ')'.
func parseStat(b []byte) (statFields, error) {
	open := bytes.IndexByte(b, '(')
	end := bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return statFields{}, fmt.Errorf("%w: stat: no command in parentheses", ErrMalformed)
	}
	var f [20][]byte // fields 3..22
	if n := splitFields(b[end+1:], f[:]); n < len(f) {
		return statFields{}, fmt.Errorf("%w: stat: %d fields after the command, want %d", ErrMalformed, n, len(f))
	}
	if len(f[0]) != 1 {
		return statFields{}, fmt.Errorf("%w: stat: state %q", ErrMalformed, f[0])
	}
	start, ok := parseDec(f[19], 20)
	if !ok {
		return statFields{}, fmt.Errorf("%w: stat: start time %q", ErrMalformed, f[19])
	}
	return statFields{comm: string(b[open+1 : end]), state: f[0][0], start: start}, nil
}

// parseStatusUID returns the real uid from /proc/[pid]/status ("Uid:\treal\teffective\tsaved\tfs").
func parseStatusUID(b []byte) (uint32, error) {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		rest, ok := bytes.CutPrefix(line, []byte("Uid:"))
		if !ok {
			continue
		}
		var f [1][]byte
		if splitFields(rest, f[:]) == 1 {
			if uid, ok := parseDec(f[0], 10); ok && uid < uint64(UnknownUID) {
				return uint32(uid), nil
			}
		}
		return 0, fmt.Errorf("%w: status: Uid line %q", ErrMalformed, line)
	}
	return 0, fmt.Errorf("%w: status: no Uid line", ErrMalformed)
}

// parseSocketLink returns the inode of a descriptor link "socket:[12345]".
func parseSocketLink(link []byte) (uint64, bool) {
	rest, ok := bytes.CutPrefix(link, []byte("socket:["))
	if !ok || len(rest) < 2 || rest[len(rest)-1] != ']' {
		return 0, false
	}
	return parseDec(rest[:len(rest)-1], 20)
}

// maxCmdline bounds the command line kept per process.
const maxCmdline = 1024

// cleanCmdline turns /proc/[pid]/cmdline (NUL-separated) into one printable line.
func cleanCmdline(b []byte) string {
	b = bytes.TrimRight(b, "\x00")
	if len(b) > maxCmdline {
		b = b[:maxCmdline]
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c == 0x7f {
			c = ' '
		}
		out[i] = c
	}
	return string(out)
}
