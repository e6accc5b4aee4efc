package config

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinels for the errors a caller may want to react to, e.g. to suggest --live. An *Error
// carrying one matches it with errors.Is.
var (
	// ErrNeedsLive: live mode or a live port without the caller's explicit opt-in (--live).
	ErrNeedsLive = errors.New("needs --live")
	// ErrModeMismatch: a paper mode on a live port, or a live mode on a paper port.
	ErrModeMismatch = errors.New("mode does not match port")
)

// maxErrors caps the errors reported by one step; past it, one last error says there are more.
const maxErrors = 50

// errList collects one step's errors, up to maxErrors.
type errList []error

// add appends e, or past maxErrors one note (placed in file) that there are more.
func (l *errList) add(file string, e *Error) {
	switch {
	case len(*l) > maxErrors:
	case len(*l) == maxErrors:
		*l = append(*l, &Error{File: file, Msg: fmt.Sprintf("more than %d errors; fix these first", maxErrors)})
	default:
		*l = append(*l, e)
	}
}

// Error is one problem with one setting. Exactly one of File, Env and Flag says where the bad
// value came from; all are empty when the value is a built-in default.
type Error struct {
	File string // config file the value came from
	Line int    // 1-based line in File; 0 when unknown
	Env  string // environment variable the value came from, e.g. "ROBOTUI_GATEWAY_PORT"
	Flag string // command-line flag the value came from, e.g. "--port"
	Key  string // dotted key, e.g. "keepalive.interval"; "" for a problem with the whole file
	Msg  string // what is wrong and what is expected
	Err  error  // sentinel or cause for errors.Is/As; may be nil
}

// Error formats as `FILE:LINE: KEY: MSG`, `VAR: KEY: MSG` or `FLAG: KEY: MSG`.
func (e *Error) Error() string {
	at := cmp.Or(e.File, e.Env, e.Flag)
	if e.File != "" && e.Line > 0 {
		at += ":" + strconv.Itoa(e.Line)
	}
	var b strings.Builder
	for _, part := range []string{at, e.Key} {
		if part != "" {
			b.WriteString(part + ": ")
		}
	}
	return b.String() + e.Msg
}

// Unwrap returns the sentinel or cause.
func (e *Error) Unwrap() error { return e.Err }
