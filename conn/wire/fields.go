package wire

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrMissingField means a message ended before a field it must have.
var ErrMissingField = errors.New("wire: missing field")

// ErrNonFinite means a price or size read NaN or infinite: no real quote
// is, and one would poison every average computed from it.
var ErrNonFinite = errors.New("wire: not a finite number")

// FieldError says which field of a payload could not be read, and why.
type FieldError struct {
	Index int    // 0-based field index within the payload
	Value string // the field's text, cut to 32 bytes
	Want  string // what was expected: "integer", "number", "boolean"
	Err   error  // a sentinel for callers that decide on the kind (ErrNonFinite); may be nil
}

func (e *FieldError) Unwrap() error { return e.Err }

func (e *FieldError) Error() string {
	return fmt.Sprintf("wire: field %d: %q is not a valid %s", e.Index, e.Value, e.Want)
}

// Scanner walks the NUL-terminated fields of one payload in place. The first
// problem sticks: later reads return zero values and Err reports it.
type Scanner struct {
	rest []byte
	idx  int
	err  error
}

// NewScanner returns a scanner over payload.
func NewScanner(payload []byte) Scanner { return Scanner{rest: payload} }

// Err is the first error met, or nil.
func (s *Scanner) Err() error { return s.err }

// Index is the number of fields consumed so far.
func (s *Scanner) Index() int { return s.idx }

// More reports whether any field is left.
func (s *Scanner) More() bool { return len(s.rest) > 0 }

// Bytes returns the next field without copying; it aliases the payload.
func (s *Scanner) Bytes() []byte {
	if s.err != nil {
		return nil
	}
	if len(s.rest) == 0 {
		s.err = fmt.Errorf("%w %d", ErrMissingField, s.idx)
		return nil
	}
	var f []byte
	if i := bytes.IndexByte(s.rest, 0); i >= 0 {
		f, s.rest = s.rest[:i], s.rest[i+1:]
	} else {
		// A last field without its NUL: accepted, as the hello's payload has none.
		f, s.rest = s.rest, nil
	}
	s.idx++
	return f
}

// Skip consumes n fields.
func (s *Scanner) Skip(n int) {
	for range n {
		s.Bytes()
	}
}

// String returns the next field as a string.
func (s *Scanner) String() string { return string(s.Bytes()) }

// Int returns the next field as an integer; an empty field is 0.
func (s *Scanner) Int() int64 {
	f := s.Bytes()
	if s.err != nil || len(f) == 0 {
		return 0
	}
	if v, ok := parseDigits(f); ok {
		return v
	}
	v, err := strconv.ParseInt(string(f), 10, 64)
	if err != nil {
		s.fail(f, "integer")
	}
	return v
}

// Int32 returns the next field as an int that must fit 32 bits.
func (s *Scanner) Int32() int {
	v := s.Int()
	if v > math.MaxInt32 || v < math.MinInt32 {
		s.fail(strconv.AppendInt(nil, v, 10), "32-bit integer") // the field just read
		return 0
	}
	return int(v)
}

// Float returns the next field as a float64; an empty field is 0.
func (s *Scanner) Float() float64 {
	f := s.Bytes()
	if s.err != nil || len(f) == 0 {
		return 0
	}
	if v, ok := parseDigits(f); ok && len(f) < 16 {
		return float64(v)
	}
	v, err := strconv.ParseFloat(string(f), 64)
	if err != nil {
		switch string(f) {
		case "Infinite", "Infinity":
			return math.Inf(1)
		case "-Infinite", "-Infinity":
			return math.Inf(-1)
		}
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return v // ±Inf or 0 on overflow, as other readers do
		}
		s.fail(f, "number")
	}
	return v
}

// Price returns the next field as a finite float64 (a price, a size, a
// volume); NaN or ±Inf is an error wrapping ErrNonFinite.
func (s *Scanner) Price() float64 {
	v := s.Float()
	if s.err == nil && !finite(v) {
		s.fail(strconv.AppendFloat(nil, v, 'g', -1, 64), "finite number")
		s.err.(*FieldError).Err = ErrNonFinite
		return 0
	}
	return v
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Bool returns the next field as a boolean: "1"/"true" are true, "0"/""/"false" false.
func (s *Scanner) Bool() bool {
	f := s.Bytes()
	if s.err != nil {
		return false
	}
	switch string(f) {
	case "1", "true", "True":
		return true
	case "0", "", "false", "False":
		return false
	}
	s.fail(f, "boolean")
	return false
}

func (s *Scanner) fail(f []byte, want string) {
	if s.err != nil {
		return
	}
	if len(f) > 32 {
		f = f[:32]
	}
	s.err = &FieldError{Index: s.idx - 1, Value: string(f), Want: want}
}

// parseDigits is the allocation-free fast path for plain decimal integers.
func parseDigits(b []byte) (int64, bool) {
	neg := false
	if b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// Field appenders: each writes one value and its terminating NUL.

// AppendString appends s as a field. A NUL inside s would split the field, so it is dropped.
func AppendString(dst []byte, s string) []byte {
	if strings.IndexByte(s, 0) >= 0 {
		for i := 0; i < len(s); i++ {
			if s[i] != 0 {
				dst = append(dst, s[i])
			}
		}
		return append(dst, 0)
	}
	dst = append(dst, s...)
	return append(dst, 0)
}

// AppendInt appends an integer field.
func AppendInt(dst []byte, v int64) []byte {
	return append(strconv.AppendInt(dst, v, 10), 0)
}

// AppendFloat appends a float field in the shortest exact form ("0", "12.5").
func AppendFloat(dst []byte, v float64) []byte {
	switch {
	case math.IsInf(v, 1):
		dst = append(dst, "Infinity"...)
	case math.IsInf(v, -1):
		dst = append(dst, "-Infinity"...)
	case math.IsNaN(v):
		// no NaN on the wire: unset
	case v == UnsetDouble:
		dst = append(dst, "1.7976931348623157E308"...)
	default:
		dst = strconv.AppendFloat(dst, v, 'f', -1, 64)
	}
	return append(dst, 0)
}

// AppendBool appends "1" or "0".
func AppendBool(dst []byte, v bool) []byte {
	if v {
		return append(dst, '1', 0)
	}
	return append(dst, '0', 0)
}

// appendDecimal writes a size or volume: whole numbers before fractional
// sizes existed, decimal text from FRACTIONAL_SIZE_SUPPORT on.
func appendDecimal(dst []byte, v float64, version int) []byte {
	if version < VersionFractionalSize {
		return AppendInt(dst, int64(math.Round(v)))
	}
	return AppendFloat(dst, v)
}

// escapeASCII7 writes non-ASCII runes as \uXXXX, as gateways do from
// ENCODE_MSG_ASCII7 on.
func escapeASCII7(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b []byte
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b = append(b, byte(r))
		case r > 0xFFFF:
			r1, r2 := utf16Surrogates(r)
			b = fmt.Appendf(b, `\u%04x\u%04x`, r1, r2)
		default:
			b = fmt.Appendf(b, `\u%04x`, r)
		}
	}
	return string(b)
}

func utf16Surrogates(r rune) (rune, rune) {
	r -= 0x10000
	return 0xD800 + (r>>10)&0x3FF, 0xDC00 + r&0x3FF
}

// unescapeASCII7 reverses escapeASCII7; malformed escapes are kept as text.
func unescapeASCII7(s string) string {
	if !strings.Contains(s, `\u`) {
		return s
	}
	var b []byte
	for i := 0; i < len(s); {
		if r, ok := hexEscape(s, i); ok {
			i += 6
			if r >= 0xD800 && r < 0xDC00 {
				if r2, ok := hexEscape(s, i); ok && r2 >= 0xDC00 && r2 < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
					i += 6
				}
			}
			b = utf8.AppendRune(b, r)
			continue
		}
		b = append(b, s[i])
		i++
	}
	return string(b)
}

func hexEscape(s string, i int) (rune, bool) {
	if i+6 > len(s) || s[i] != '\\' || s[i+1] != 'u' {
		return 0, false
	}
	v, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}
