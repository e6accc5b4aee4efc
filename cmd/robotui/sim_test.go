package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/robotui/robotui/conn/ibsim"
)

// The fault menu knows what is in effect, says that a handshake stall hits
// the next connection, and says "faults cleared" for the clear entry.
func TestSimFaultMenuActive(t *testing.T) {
	sim, err := ibsim.Start(ibsim.Config{Addr: "127.0.0.1:0", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	f := simFaults{sim: sim}
	names := f.FaultNames()
	pick := func(prefix string) string {
		i := slices.IndexFunc(names, func(n string) bool { return strings.HasPrefix(n, prefix) })
		if i < 0 {
			t.Fatalf("no %q entry in %v", prefix, names)
		}
		return names[i]
	}
	if hs := pick("handshake stall"); !strings.Contains(hs, "next connection") {
		t.Errorf("%q does not say it affects the next connection", hs)
	}
	if got := f.ActiveFaults(); len(got) != 0 {
		t.Fatalf("active before any fault: %v", got)
	}
	for _, name := range []string{pick("hold on"), pick("latency")} {
		done, err := f.InjectFault(name)
		if err != nil || done != "fault injected: "+name {
			t.Fatalf("%s: %q, %v", name, done, err)
		}
	}
	if got, want := f.ActiveFaults(), []string{pick("hold on"), pick("latency")}; !slices.Equal(got, want) {
		t.Errorf("active %v, want %v", got, want)
	}
	done, err := f.InjectFault(pick("clear"))
	if err != nil || done != "faults cleared" {
		t.Errorf("clear: %q, %v", done, err)
	}
	if got := f.ActiveFaults(); len(got) != 0 {
		t.Errorf("active after clearing: %v", got)
	}
}
