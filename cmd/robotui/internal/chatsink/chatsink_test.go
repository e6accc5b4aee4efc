package chatsink

import (
	"errors"
	"strings"
	"testing"

	"github.com/robotui/robotui/engine/alert"
)

func TestCheckSchemeAndSecret(t *testing.T) {
	env := map[string]string{"OK": "slack://xoxb-1/2/3", "WRONG": "https://hooks.slack.com/services/T/B/C"}
	get := func(k string) string { return env[k] }
	s := &Sink{Label: "slack[0]", Kind: "slack", Secret: alert.Secret{Env: "OK", Getenv: get}}
	if err := s.Check(); err != nil {
		t.Errorf("good secret: %v", err)
	}
	s.Secret.Env = "WRONG"
	if err := s.Check(); err == nil || strings.Contains(err.Error(), "hooks.slack.com") {
		t.Errorf("wrong scheme: %v", err)
	}
	s.Secret.Env = "MISSING"
	if err := s.Check(); !errors.Is(err, alert.ErrNoSecret) {
		t.Errorf("missing secret: %v", err)
	}
}

func TestRedactKeepsTokensOut(t *testing.T) {
	secret := "telegram://123456:ABCDEF@telegram?chats=42"
	err := redact(errors.New(`sending message via service at "`+secret+`": 401 for bot 123456:ABCDEF@telegram`), secret)
	if strings.Contains(err.Error(), "ABCDEF") {
		t.Errorf("redacted: %v", err)
	}
}
