package sockets

import (
	"errors"
	"testing"
)

func TestParseStat(t *testing.T) {
	tail := " 25035 25035 1855 0 -1 4194304 96 0 0 0 0 0 0 0 20 0 1 0 98702 3133440 361 18446744073709551615"
	tests := []struct {
		name, in string
		want     statFields
		bad      bool
	}{
		{"plain", "25040 (cat) R" + tail, statFields{"cat", 'R', 98702}, false},
		{"command with spaces and parens", "7 (a) b (c)) S" + tail, statFields{"a) b (c)", 'S', 98702}, false},
		{"zombie", "7 (x) Z" + tail, statFields{"x", 'Z', 98702}, false},
		{"no parentheses", "7 x R" + tail, statFields{}, true},
		{"truncated", "7 (x) R 1 2 3", statFields{}, true},
		{"start time not a number", "7 (x) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 x", statFields{}, true},
		{"state of two letters", "7 (x) RS" + tail, statFields{}, true},
		{"empty", "", statFields{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat([]byte(tt.in))
			if tt.bad {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("err = %v, want ErrMalformed", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestParseStatusUID(t *testing.T) {
	tests := []struct {
		in   string
		want uint32
		bad  bool
	}{
		{"Name:\tcat\nUmask:\t0022\nUid:\t1000\t1001\t1002\t1003\nGid:\t1\t1\t1\t1\n", 1000, false},
		{"Uid:\t0\t0\t0\t0", 0, false},
		{"Name:\tcat\n", 0, true},
		{"Uid:\t\n", 0, true},
		{"Uid:\tx\t0\t0\t0\n", 0, true},
		{"Uid:\t4294967295\t0\t0\t0\n", 0, true},
	}
	for _, tt := range tests {
		got, err := parseStatusUID([]byte(tt.in))
		if tt.bad != (err != nil) || got != tt.want {
			t.Errorf("parseStatusUID(%q) = %d, %v; want %d, bad=%v", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

func TestParseSocketLink(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"socket:[12345]", 12345, true},
		{"socket:[]", 0, false},
		{"socket:[12", 0, false},
		{"pipe:[12345]", 0, false},
		{"/dev/null", 0, false},
		{"socket:[1x]", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseSocketLink([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseSocketLink(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCleanCmdline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"java\x00-jar\x00ibgateway.jar\x00", "java -jar ibgateway.jar"},
		{"", ""},
		{"a\nb\x1b[31m\x00", "a b [31m"},
	}
	for _, tt := range tests {
		if got := cleanCmdline([]byte(tt.in)); got != tt.want {
			t.Errorf("cleanCmdline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	long := make([]byte, 5000)
	for i := range long {
		long[i] = 'x'
	}
	if got := cleanCmdline(long); len(got) != maxCmdline {
		t.Errorf("long command line kept %d bytes, want %d", len(got), maxCmdline)
	}
}
