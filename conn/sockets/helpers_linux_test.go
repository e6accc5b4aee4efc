package sockets

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func startTimeOf(t *testing.T, pid int) uint64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := parseStat(b)
	if err != nil {
		t.Fatal(err)
	}
	return st.start
}

func lookSS(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("ss")
	if err != nil {
		t.Skip("ss (iproute2) is not installed")
	}
	return path
}

// ssCounts counts `ss -tan` rows on port by state.
func ssCounts(t *testing.T, ss string, port int) Counts {
	t.Helper()
	p := strconv.Itoa(port)
	out, err := exec.Command(ss, "-tan", "( sport = :"+p+" or dport = :"+p+" )").Output()
	if err != nil {
		t.Fatalf("ss: %v", err)
	}
	var c Counts
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) == 0 {
			continue // header
		}
		s, ok := ParseState(f[0])
		if !ok {
			t.Fatalf("ss state %q unknown", f[0])
		}
		c.add(s)
	}
	return c
}
