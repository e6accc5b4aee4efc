package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/robotui/robotui/engine/calendar"
)

// QuietHours is a daily span of the host's wall clock in which a sink is
// sent no firing messages (resolved ones of alerts it was told about still go).
type QuietHours struct {
	From, To int // minutes after midnight; To < From passes midnight
	Loc      *time.Location
}

// ParseQuietHours reads "22:00-07:00"; "" is nil (never quiet).
func ParseQuietHours(s string) (*QuietHours, error) {
	if s == "" {
		return nil, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return nil, fmt.Errorf("quiet_hours %q: expected HH:MM-HH:MM", s)
	}
	from, err := calendar.ParseClock(strings.TrimSpace(a))
	if err != nil {
		return nil, fmt.Errorf("quiet_hours %w", err)
	}
	to, err := calendar.ParseClock(strings.TrimSpace(b))
	if err != nil {
		return nil, fmt.Errorf("quiet_hours %w", err)
	}
	return &QuietHours{From: from, To: to, Loc: time.Local}, nil
}

// In says whether t is inside the quiet hours.
func (q *QuietHours) In(t time.Time) bool {
	if q == nil || q.From == q.To {
		return false
	}
	if q.Loc != nil {
		t = t.In(q.Loc)
	}
	m := t.Hour()*60 + t.Minute()
	if q.From < q.To {
		return m >= q.From && m < q.To
	}
	return m >= q.From || m < q.To
}

// Secret is where a sink's secret comes from: an environment variable or a
// file (its first line). It is never logged.
type Secret struct {
	Env    string
	File   string
	Getenv func(string) string // default os.Getenv
}

// Value reads the secret; ErrNoSecret when neither source has one.
func (s Secret) Value() (string, error) {
	getenv := s.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if s.Env != "" {
		if v := strings.TrimSpace(getenv(s.Env)); v != "" {
			return v, nil
		}
	}
	if s.File != "" {
		b, err := os.ReadFile(s.File)
		if err == nil {
			if v, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n"); v != "" {
				return strings.TrimSpace(v), nil
			}
		}
	}
	where := []string{}
	if s.Env != "" {
		where = append(where, "$"+s.Env)
	}
	if s.File != "" {
		where = append(where, s.File)
	}
	if len(where) == 0 {
		return "", fmt.Errorf("%w: set url_env or url_file", ErrNoSecret)
	}
	return "", fmt.Errorf("%w: nothing in %s", ErrNoSecret, strings.Join(where, " or "))
}

// redact removes secret from err's text, and a URL error's URL altogether
// (net/http writes the URL into every transport error).
func redact(err error, secret string) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	msg := err.Error()
	if secret != "" {
		msg = strings.ReplaceAll(msg, secret, "[secret]")
	}
	return errors.New(msg)
}

// Webhook POSTs the notification as JSON (the body of DESIGN.md).
type Webhook struct {
	Label  string
	URL    string // may stand in the config file
	Secret Secret // or come from here
	Client *http.Client
}

// Name is the sink's label.
func (w *Webhook) Name() string { return w.Label }

func (w *Webhook) url() (string, error) {
	if w.URL != "" {
		return w.URL, nil
	}
	return w.Secret.Value()
}

// Send posts n; a non-2xx answer is an error.
func (w *Webhook) Send(ctx context.Context, n Notification) error {
	u, err := w.url()
	if err != nil {
		return err
	}
	body, err := json.Marshal(n)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return redact(err, u)
	}
	req.Header.Set("Content-Type", "application/json")
	c := w.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return redact(err, u)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// Exec runs a command with the alert in its environment (ROBOTUI_ALERT,
// ROBOTUI_ALERT_STATE, _SEVERITY, _SUMMARY, _DETAILS, _SINCE, _HOST, _ACCOUNT)
// and its JSON on stdin.
type Exec struct {
	Label   string
	Command []string
}

// Name is the sink's label.
func (x *Exec) Name() string { return x.Label }

// Send runs the command once; a non-zero exit is an error.
func (x *Exec) Send(ctx context.Context, n Notification) error {
	if len(x.Command) == 0 {
		return errors.New("exec sink without a command")
	}
	body, _ := json.Marshal(n)
	cmd := exec.CommandContext(ctx, x.Command[0], x.Command[1:]...)
	cmd.Stdin = bytes.NewReader(body)
	cmd.Env = append(os.Environ(),
		"ROBOTUI_ALERT="+n.Alert, "ROBOTUI_ALERT_STATE="+string(n.State), "ROBOTUI_ALERT_SEVERITY="+string(n.Severity),
		"ROBOTUI_ALERT_SUMMARY="+n.Summary, "ROBOTUI_ALERT_DETAILS="+n.Details,
		"ROBOTUI_ALERT_SINCE="+n.Since.Format(time.RFC3339), "ROBOTUI_ALERT_HOST="+n.Host, "ROBOTUI_ALERT_ACCOUNT="+n.Account)
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		tail := strings.TrimSpace(string(out))
		if len(tail) > 200 {
			tail = tail[len(tail)-200:]
		}
		return fmt.Errorf("exec %s: %v %s", x.Command[0], err, tail)
	}
	return nil
}

// Text is the one-line message chat sinks send.
func Text(n Notification) string {
	mark := "🔴"
	if n.State == Resolved {
		mark = "✅"
	}
	s := fmt.Sprintf("%s [%s] %s: %s", mark, strings.ToUpper(string(n.State)), n.Alert, n.Summary)
	if n.Details != "" {
		s += "\n" + n.Details
	}
	if n.Host != "" {
		s += "\nhost " + n.Host
	}
	return s
}
