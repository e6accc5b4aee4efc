package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/robotui/robotui/conn/ibc"
)

// gatewayFake is the fake backend with an IBC command server behind it.
type gatewayFake struct {
	*fakeBackend
	sent []ibc.Command
}

func (g *gatewayFake) IBCConfigured() bool { return true }

func (g *gatewayFake) GatewayCommand(_ context.Context, cmd ibc.Command) (ibc.Reply, error) {
	g.sent = append(g.sent, cmd)
	return ibc.Reply{OK: true, Text: "OK RESTART in progress"}, nil
}

func TestGatewayMenuRestartAsksForY(t *testing.T) {
	f := newFake(t)
	g := &gatewayFake{fakeBackend: f}
	m := ready(t, f, 120, 40, buildSnapshot(10))
	m.b = g // the same fake, now with a command server
	m = m.changed()
	m, _ = press(t, f, m, "I")
	if m.mode != modeGateway || !strings.Contains(m.View(), "RESTART") || !strings.Contains(m.View(), "RECONNECTDATA") {
		t.Fatalf("I: mode %v\n%s", m.mode, m.View())
	}
	m, _ = press(t, f, m, "enter")
	if m.mode != modeGatewayConfirm || !strings.Contains(m.View(), "RESTART?") || !strings.Contains(m.View(), "no second factor") {
		t.Fatalf("enter: mode %v\n%s", m.mode, m.View())
	}
	m, _ = press(t, f, m, "n")
	if m.mode != modeGateway || len(g.sent) != 0 {
		t.Fatalf("n: mode %v, sent %v", m.mode, g.sent)
	}
	m, _ = press(t, f, m, "enter")
	m, cmd := press(t, f, m, "y")
	if cmd == nil {
		t.Fatal("y sent nothing")
	}
	m, _ = step(t, f, m, cmd())
	if len(g.sent) != 1 || g.sent[0] != ibc.Restart || !strings.Contains(m.status, "OK RESTART in progress") {
		t.Fatalf("sent %v, status %q", g.sent, m.status)
	}
}

func TestGatewayMenuNeedsTheCommandServer(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(10))
	m, _ = press(t, f, m, "I")
	if m.mode != modeNormal || !strings.Contains(m.status, "command_port") {
		t.Fatalf("I without IBC: mode %v, status %q", m.mode, m.status)
	}
}
