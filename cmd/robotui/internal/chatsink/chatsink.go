// Package chatsink sends alerts to chat services and email through
// nicholas-fedor/shoutrrr: one maintained library that knows Slack, Discord,
// Telegram, ntfy and SMTP, instead of five hand-written clients. Each sink's
// secret is its shoutrrr URL (slack://..., discord://..., telegram://...,
// ntfy://..., smtp://...), read from the environment or a file.
package chatsink

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nicholas-fedor/shoutrrr"
	"github.com/nicholas-fedor/shoutrrr/pkg/types"
	"github.com/robotui/robotui/engine/alert"
)

// Schemes maps a sink kind to the shoutrrr URL scheme its secret must have.
var Schemes = map[string]string{"slack": "slack", "discord": "discord", "telegram": "telegram", "ntfy": "ntfy", "email": "smtp"}

// Sink is one chat or email destination.
type Sink struct {
	Label  string
	Kind   string
	Secret alert.Secret
}

// Name is the sink's label.
func (s *Sink) Name() string { return s.Label }

// Check reads the secret and checks its scheme, without sending.
func (s *Sink) Check() error {
	u, err := s.Secret.Value()
	if err != nil {
		return err
	}
	want := Schemes[s.Kind]
	if scheme, _, _ := strings.Cut(u, "://"); scheme != want {
		return fmt.Errorf("%s sink: the secret must be a %s:// URL", s.Kind, want)
	}
	return nil
}

// Send delivers the alert's text. shoutrrr takes no context: the attempt runs
// in its own goroutine and is abandoned (not waited for) when ctx ends.
func (s *Sink) Send(ctx context.Context, n alert.Notification) error {
	if err := s.Check(); err != nil {
		return err
	}
	u, _ := s.Secret.Value()
	done := make(chan error, 1)
	go func() {
		sender, err := shoutrrr.CreateSender(u)
		if err != nil {
			done <- err
			return
		}
		done <- errors.Join(sender.Send(alert.Text(n), &types.Params{})...)
	}()
	select {
	case err := <-done:
		return redact(err, u)
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", s.Kind, ctx.Err())
	}
}

// redact keeps the URL (which holds the token) out of an error's text.
func redact(err error, secret string) error {
	if err == nil {
		return nil
	}
	msg := strings.ReplaceAll(err.Error(), secret, "[secret]")
	if i := strings.Index(secret, "://"); i > 0 {
		// Tokens sit in the user info, the path or the query (token@channel, /T/B/C, ?token=):
		// every piece long enough to be one is taken out wherever a library quotes it.
		for _, p := range strings.FieldsFunc(secret[i+3:], func(r rune) bool { return strings.ContainsRune("/?@&=:", r) }) {
			if len(p) >= 6 {
				msg = strings.ReplaceAll(msg, p, "[secret]")
			}
		}
	}
	return errors.New(msg)
}
