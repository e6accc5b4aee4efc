package config

import (
	"errors"
	"strings"
	"testing"
)

// want describes one expected *Error; msg is a substring of Msg.
type want struct {
	line int
	env  string
	flag string
	key  string
	msg  string
}

// checkErrors asserts that err holds exactly the wanted errors, in order, all from file
// (when they have a line) and none from anywhere else.
func checkErrors(t *testing.T, file string, err error, wants []want) {
	t.Helper()
	got := Errors(err)
	if len(got) != len(wants) {
		t.Fatalf("got %d errors, want %d:\n%v", len(got), len(wants), err)
	}
	for i, w := range wants {
		g := got[i]
		wantFile := ""
		if w.env == "" && w.flag == "" && w.line > 0 {
			wantFile = file
		}
		if g.File != wantFile || g.Line != w.line || g.Env != w.env || g.Flag != w.flag || g.Key != w.key || !strings.Contains(g.Msg, w.msg) {
			t.Errorf("error %d = {File:%q Line:%d Env:%q Flag:%q Key:%q Msg:%q}\nwant   {File:%q Line:%d Env:%q Flag:%q Key:%q Msg~%q}",
				i, g.File, g.Line, g.Env, g.Flag, g.Key, g.Msg, wantFile, w.line, w.env, w.flag, w.key, w.msg)
		}
	}
}

// Errors flattens err (as returned by this package, possibly joined) into its *Error values,
// in order. Errors of other types are skipped.
func Errors(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		var ce *Error
		switch x := err.(type) {
		case nil:
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				walk(e)
			}
		default:
			if errors.As(err, &ce) {
				out = append(out, ce)
			}
		}
	}
	walk(err)
	return out
}
