package config

import (
	"fmt"
	"strings"
)

// maxDepth bounds bracket nesting and dotted-key length. robotui's deepest legitimate setting
// is `keys = { quit = ["q"] }` (two levels) or `keys.quit` (one dot), so anything past this is
// an error anyway, and refusing it before decoding matters: BurntSushi/toml v1.6 stores every
// prefix of every key path, so its time grows with the square of the depth or worse; a 20 kB
// file of nested inline tables takes it minutes.
const maxDepth = 3

// checkNesting finds the first place in src nested deeper than maxDepth, counting brackets and
// braces outside strings and comments, and dots between the parts of one dotted key. It does
// not otherwise judge the syntax: an unterminated string ends the scan, since the TOML parser
// will stop there too.
func checkNesting(name string, src string) error {
	depth, dots, line := 0, 0, 1
	afterPart := false // the last token could be the left side of a dotted key
	tooDeep := func(what string) error {
		return &Error{File: name, Line: line, Msg: fmt.Sprintf(
			"%s nested more than %d levels deep; robotui's settings are at most section.key = [list]", what, maxDepth)}
	}
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '"' || c == '\'':
			end := stringEnd(src, i)
			if end < 0 {
				return nil
			}
			line += strings.Count(src[i:end], "\n")
			i, afterPart = end-1, true
		case c == '#':
			if n := strings.IndexByte(src[i:], '\n'); n >= 0 {
				i += n - 1
			} else {
				return nil
			}
		case c == '[' || c == '{':
			if depth++; depth > maxDepth {
				return tooDeep("brackets")
			}
			dots, afterPart = 0, false
		case c == ']' || c == '}':
			depth = max(depth-1, 0)
			dots, afterPart = 0, false
		case c == '.':
			if afterPart {
				if dots++; dots > maxDepth {
					return tooDeep("dotted key")
				}
			}
			afterPart = false
		case c == ' ' || c == '\t':
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-':
			afterPart = true
		default:
			if c == '\n' {
				line++
			}
			dots, afterPart = 0, false
		}
	}
	return nil
}

// stringEnd returns the index just past the string that opens at src[i] (basic, literal, or
// either multi-line form), or -1 if it is not closed.
func stringEnd(src string, i int) int {
	q := src[i]
	delim := src[i : i+1]
	if triple := strings.Repeat(delim, 3); strings.HasPrefix(src[i:], triple) {
		delim = triple
	}
	for j := i + len(delim); j < len(src); j++ {
		switch {
		case q == '"' && src[j] == '\\':
			j++
		case len(delim) == 1 && src[j] == '\n':
			return -1
		case strings.HasPrefix(src[j:], delim):
			j += len(delim)
			for k := 0; len(delim) == 3 && k < 2 && j < len(src) && src[j] == q; k++ {
				j++ // """a""""" is `a""`
			}
			return j
		}
	}
	return -1
}
