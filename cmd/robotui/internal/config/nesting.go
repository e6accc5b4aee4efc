package config

import "fmt"

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
	s := lineScanner{src: src, line: 1}
	depth, dots := 0, 0
	afterPart := false // the last token could be the left side of a dotted key
	tooDeep := func(what string) error {
		return &Error{File: name, Line: s.currentLine(), Msg: fmt.Sprintf(
			"%s nested more than %d levels deep; robotui's settings are at most section.key = [list]", what, maxDepth)}
	}
	for !s.eof() {
		c := s.peek()
		switch {
		case c == '"' || c == '\'':
			if _, ok := s.str(); !ok {
				return nil
			}
			afterPart = true
			continue
		case c == '#':
			s.skipLine()
			continue
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
		case isBareKeyByte(c):
			afterPart = true
		default:
			dots, afterPart = 0, false
		}
		s.pos++
	}
	return nil
}
