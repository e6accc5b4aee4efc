package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAlertSinksParseAndCheck(t *testing.T) {
	doc := `[alerts]
down_after = "45s"
[[alerts.sink]]
kind = "webhook"
url = "http://127.0.0.1:9000/hook"
rules = ["session_down"]
quiet_hours = "22:00-07:00"
[[alerts.sink]]
kind = "slack"
url_env = "ROBOTUI_TEST_SLACK"
[ibc]
command_port = 7462
`
	c, err := ParseBytes("t.toml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(false); err != nil {
		t.Fatal(err)
	}
	if len(c.Alerts.Sinks) != 2 || c.Alerts.Sinks[0].Rules[0] != "session_down" || c.Alerts.Sinks[1].URLEnv != "ROBOTUI_TEST_SLACK" {
		t.Fatalf("sinks %+v", c.Alerts.Sinks)
	}
	if c.Alerts.DownAfter.Seconds() != 45 || c.IBCAddr() != "127.0.0.1:7462" {
		t.Errorf("down_after %s, ibc %q", c.Alerts.DownAfter, c.IBCAddr())
	}
	// config check names the sink without a secret, and never prints one.
	path := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(path, []byte(doc), 0o600)
	var out, errb bytes.Buffer
	if code := Check(path, nil, false, &out, &errb); code != 2 || !strings.Contains(errb.String(), "alerts.sink[1] (slack)") || !strings.Contains(errb.String(), "$ROBOTUI_TEST_SLACK") {
		t.Errorf("check without the secret: %d %q", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := Check(path, []string{"ROBOTUI_TEST_SLACK=slack://xoxb-secret@chan"}, false, &out, &errb); code != 0 || strings.Contains(out.String()+errb.String(), "xoxb") {
		t.Errorf("check with the secret: %d %q %q", code, out.String(), errb.String())
	}
}

func TestAlertSinkMistakes(t *testing.T) {
	for doc, want := range map[string]string{
		"[[alerts.sink]]\nkind = \"pager\"\n":                          "kind: expected one of",
		"[[alerts.sink]]\nkind = \"slack\"\nurl = \"slack://tok@c\"\n": "use url_env or url_file",
		"[[alerts.sink]]\nkind = \"webhook\"\nurll = \"x\"\n":          "unknown key \"urll\"",
		"[[alerts.sink]]\nkind = \"exec\"\n":                           "exec sink needs command",
		"[ibc]\ncommand_port = 4002\n":                                 "cannot share the API port",
		"[gateway]\nrestart_time = \"25:00\"\n":                        "HH:MM",
		"[gateway]\nreset_region = \"mars\"\n":                         "na, eu or asia",
	} {
		c, err := ParseBytes("t.toml", []byte(doc))
		if err == nil {
			err = c.Validate(false)
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", doc, err, want)
		}
	}
}
