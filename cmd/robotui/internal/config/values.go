package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

var durationType = reflect.TypeFor[time.Duration]()

// expected says what a field of v's type must hold, for error messages.
func expected(v reflect.Value) string {
	switch {
	case v.Type() == durationType:
		return `expected a duration like "2s"`
	case v.Kind() == reflect.String:
		return "expected a string"
	case v.Kind() == reflect.Bool:
		return "expected true or false"
	case v.Kind() == reflect.Int || v.Kind() == reflect.Int64:
		return "expected an integer"
	case v.Kind() == reflect.Float64:
		return "expected a number"
	case v.Kind() == reflect.Slice:
		return `expected a list of strings like ["a", "b"]`
	}
	return "unsupported setting type " + v.Type().String()
}

// setFromTOML stores a decoded TOML value into v, or says why it cannot.
func setFromTOML(v reflect.Value, raw any) error {
	if list, ok := raw.([]any); ok && v.Kind() == reflect.Slice {
		out := make([]string, len(list))
		for i, item := range list {
			if out[i], ok = item.(string); !ok {
				return fmt.Errorf("%s, got %s at position %d", expected(v), describe(item), i+1)
			}
		}
		v.Set(reflect.ValueOf(out))
		return nil
	}
	isInt := v.Type() != durationType && (v.Kind() == reflect.Int || v.Kind() == reflect.Int64)
	ok := false
	switch raw.(type) {
	case string:
		ok = v.Kind() == reflect.String || v.Type() == durationType
	case bool:
		ok = v.Kind() == reflect.Bool
	case int64:
		ok = isInt || v.Kind() == reflect.Float64
	case float64:
		ok = v.Kind() == reflect.Float64
	}
	if !ok {
		return fmt.Errorf("%s, got %s", expected(v), describe(raw))
	}
	return setFromString(v, fmt.Sprint(raw)) // as text, so the file and the environment parse alike
}

// setFromString stores a value given as text (environment variable or flag) into v. Lists are
// comma-separated; blanks around items and empty items are dropped.
func setFromString(v reflect.Value, s string) error {
	bad := func() error { return fmt.Errorf("%s, got %s", expected(v), describe(s)) }
	switch {
	case v.Type() == durationType:
		d, err := time.ParseDuration(s)
		if err != nil {
			return bad()
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return bad()
		}
		v.SetBool(b)
	case v.Kind() == reflect.Int || v.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		// ParseInt takes "+5"; a port or an id written so is a typo, not a number.
		if err != nil || v.OverflowInt(n) || strings.HasPrefix(s, "+") {
			return bad()
		}
		v.SetInt(n)
	case v.Kind() == reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return bad()
		}
		v.SetFloat(f)
	case v.Kind() == reflect.Slice:
		out := []string{}
		for item := range strings.SplitSeq(s, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
		v.Set(reflect.ValueOf(out))
	default:
		return fmt.Errorf("%s", expected(v))
	}
	return nil
}

// describe renders a decoded TOML value for "got ..." in error messages.
func describe(raw any) string {
	switch x := raw.(type) {
	case string:
		return strconv.Quote(clip(x))
	case int64:
		return fmt.Sprintf("integer %d", x)
	case float64:
		return "float " + strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return fmt.Sprintf("boolean %t", x)
	case []any:
		return "a list"
	case map[string]any, []map[string]any:
		return "a table"
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("a date/time (%v)", raw)
}

// clip shortens s for an error message.
func clip(s string) string {
	const limit = 60
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
