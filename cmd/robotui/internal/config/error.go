package config

import (
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

// tooManyErrors is the last error of a step that found more than maxErrors.
func tooManyErrors(file string) *Error {
	return &Error{File: file, Msg: fmt.Sprintf("more than %d errors; fix these first", maxErrors)}
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
	var b strings.Builder
	switch {
	case e.File != "":
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	case e.Env != "":
		b.WriteString(e.Env + ": ")
	case e.Flag != "":
		b.WriteString(e.Flag + ": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the sentinel or cause.
func (e *Error) Unwrap() error { return e.Err }
