package config

import (
	"strconv"
	"strings"
)

// keyLines maps every dotted key of a TOML document (table headers, keys, and the implicit
// tables of dotted keys) to the 1-based line where it first appears.
//
// BurntSushi/toml v1.6 records key positions but keeps them private: MetaData has no per-key
// position, and only syntax errors carry a line. So this small scanner finds them itself. It
// runs on source the library has already accepted; on anything it does not understand it stops,
// which costs line numbers in messages, never correctness.
func keyLines(src string) map[string]int {
	// The parser accepts a leading byte-order mark; it holds no newline, so lines stay right.
	s := lineScanner{src: strings.TrimPrefix(src, "\uFEFF"), line: 1, lines: map[string]int{}}
	s.document()
	return s.lines
}

type lineScanner struct {
	src     string
	pos     int
	line    int // line of src[counted]
	counted int
	lines   map[string]int
}

// maxNesting bounds recursion into arrays and inline tables.
const maxNesting = 64

func (s *lineScanner) eof() bool  { return s.pos >= len(s.src) }
func (s *lineScanner) peek() byte { return s.src[s.pos] }

func (s *lineScanner) currentLine() int {
	s.line += strings.Count(s.src[s.counted:s.pos], "\n")
	s.counted = s.pos
	return s.line
}

// record notes the line of key and of each of its parent tables not seen before.
func (s *lineScanner) record(key []string) {
	line := s.currentLine()
	for i := 1; i <= len(key); i++ {
		k := strings.Join(key[:i], ".")
		if _, seen := s.lines[k]; !seen {
			s.lines[k] = line
		}
	}
}

func (s *lineScanner) document() {
	var table []string
	for !s.eof() {
		start := s.pos
		s.skipBlank()
		if s.eof() {
			return
		}
		if s.peek() == '[' {
			s.pos++
			if !s.eof() && s.peek() == '[' {
				s.pos++
			}
			key, ok := s.key()
			if !ok {
				return
			}
			table = key
			s.record(key)
			s.skipLine()
		} else {
			key, ok := s.key()
			if !ok {
				return
			}
			full := join(table, key)
			s.record(full)
			if !s.assignment(full, 0) {
				return
			}
		}
		if s.pos == start {
			return
		}
	}
}

// assignment scans `= value` after a key; key is nil inside arrays, where nothing is recorded.
func (s *lineScanner) assignment(key []string, depth int) bool {
	s.skipSpace()
	if s.eof() || s.peek() != '=' {
		return false
	}
	s.pos++
	s.skipSpace()
	return s.value(key, depth)
}

func (s *lineScanner) value(key []string, depth int) bool {
	if s.eof() || depth > maxNesting {
		return false
	}
	switch s.peek() {
	case '"', '\'':
		_, ok := s.str()
		return ok
	case '[':
		return s.array(depth + 1)
	case '{':
		return s.inlineTable(key, depth+1)
	}
	start := s.pos
	for !s.eof() && !strings.ContainsRune(",]}#\r\n", rune(s.peek())) {
		s.pos++
	}
	return s.pos > start
}

func (s *lineScanner) array(depth int) bool {
	s.pos++ // '['
	for {
		s.skipBlank()
		if s.eof() {
			return false
		}
		if s.peek() == ']' {
			s.pos++
			return true
		}
		if !s.value(nil, depth) {
			return false
		}
		s.skipBlank()
		if !s.eof() && s.peek() == ',' {
			s.pos++
		}
	}
}

func (s *lineScanner) inlineTable(key []string, depth int) bool {
	s.pos++ // '{'
	for {
		s.skipBlank()
		if s.eof() {
			return false
		}
		if s.peek() == '}' {
			s.pos++
			return true
		}
		k, ok := s.key()
		if !ok {
			return false
		}
		var full []string
		if key != nil {
			full = join(key, k)
			s.record(full)
		}
		if !s.assignment(full, depth) {
			return false
		}
		s.skipBlank()
		if !s.eof() && s.peek() == ',' {
			s.pos++
		}
	}
}

// key scans a possibly dotted, possibly quoted key.
func (s *lineScanner) key() ([]string, bool) {
	var parts []string
	for {
		s.skipSpace()
		part, ok := s.keyPart()
		if !ok {
			return nil, false
		}
		parts = append(parts, part)
		s.skipSpace()
		if s.eof() || s.peek() != '.' {
			return parts, true
		}
		s.pos++
	}
}

func (s *lineScanner) keyPart() (string, bool) {
	if s.eof() {
		return "", false
	}
	switch s.peek() {
	case '"':
		body, ok := s.str()
		if !ok {
			return "", false
		}
		if u, err := strconv.Unquote(`"` + body + `"`); err == nil {
			return u, true
		}
		return body, true
	case '\'':
		return s.str()
	}
	start := s.pos
	for !s.eof() && isBareKeyByte(s.peek()) {
		s.pos++
	}
	return s.src[start:s.pos], s.pos > start
}

func isBareKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// str scans a basic, literal or multi-line string starting at its opening quote and returns
// its body, escapes untouched.
func (s *lineScanner) str() (string, bool) {
	q := s.peek()
	triple := strings.Repeat(string(q), 3)
	if strings.HasPrefix(s.src[s.pos:], triple) {
		s.pos += 3
		start := s.pos
		for !s.eof() {
			if q == '"' && s.peek() == '\\' {
				s.pos = min(s.pos+2, len(s.src))
				continue
			}
			if strings.HasPrefix(s.src[s.pos:], triple) {
				end := s.pos
				s.pos += 3
				// Up to two more quotes belong to the body: """a""""" is `a""`.
				for i := 0; i < 2 && !s.eof() && s.peek() == q; i++ {
					s.pos++
				}
				return s.src[start:end], true
			}
			s.pos++
		}
		return "", false
	}
	s.pos++
	start := s.pos
	for !s.eof() {
		switch c := s.peek(); {
		case c == '\\' && q == '"':
			s.pos = min(s.pos+2, len(s.src))
		case c == q:
			s.pos++
			return s.src[start : s.pos-1], true
		case c == '\n':
			return "", false
		default:
			s.pos++
		}
	}
	return "", false
}

// skipSpace skips spaces and tabs.
func (s *lineScanner) skipSpace() {
	for !s.eof() && (s.peek() == ' ' || s.peek() == '\t') {
		s.pos++
	}
}

// skipBlank skips whitespace, newlines and comments.
func (s *lineScanner) skipBlank() {
	for !s.eof() {
		switch s.peek() {
		case ' ', '\t', '\r', '\n':
			s.pos++
		case '#':
			s.skipLine()
		default:
			return
		}
	}
}

// skipLine moves to the next newline (or the end).
func (s *lineScanner) skipLine() {
	if i := strings.IndexByte(s.src[s.pos:], '\n'); i >= 0 {
		s.pos += i
	} else {
		s.pos = len(s.src)
	}
}

func join(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}
