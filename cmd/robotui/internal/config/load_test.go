package config

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		env  []string
		want string
	}{
		{[]string{"XDG_CONFIG_HOME=/x", "HOME=/h"}, "/x/robotui/config.toml"},
		{[]string{"HOME=/h"}, "/h/.config/robotui/config.toml"},
		{[]string{"XDG_CONFIG_HOME=", "HOME=/h"}, "/h/.config/robotui/config.toml"},
		{[]string{"XDG_CONFIG_HOME=relative", "HOME=/h"}, "/h/.config/robotui/config.toml"},
		{[]string{"HOME=/old", "HOME=/new"}, "/new/.config/robotui/config.toml"},
		{[]string{"USERPROFILE=/u"}, filepath.Join("/u", ".config", "robotui", "config.toml")},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := DefaultPath(tt.env); got != tt.want {
			t.Errorf("DefaultPath(%q) = %q, want %q", tt.env, got, tt.want)
		}
	}
}

func TestParseFindsTheFile(t *testing.T) {
	dir := t.TempDir()
	xdg := filepath.Join(dir, "xdg")
	home := filepath.Join(dir, "home")
	writeFile(t, filepath.Join(xdg, "robotui", "config.toml"), "[gateway]\nport = 1111\n")
	writeFile(t, filepath.Join(home, ".config", "robotui", "config.toml"), "[gateway]\nport = 2222\n")
	explicit := filepath.Join(dir, "explicit.toml")
	writeFile(t, explicit, "[gateway]\nport = 3333\n")
	empty := t.TempDir()

	tests := []struct {
		name     string
		path     string
		env      []string
		wantPort int
		wantSrc  Source
	}{
		{"explicit wins", explicit, []string{"XDG_CONFIG_HOME=" + xdg}, 3333, Source{Path: explicit, Explicit: true}},
		{"xdg", "", []string{"XDG_CONFIG_HOME=" + xdg, "HOME=" + home}, 1111,
			Source{Path: filepath.Join(xdg, "robotui", "config.toml"), Searched: filepath.Join(xdg, "robotui", "config.toml")}},
		{"home when xdg unset", "", []string{"HOME=" + home}, 2222,
			Source{Path: filepath.Join(home, ".config", "robotui", "config.toml"), Searched: filepath.Join(home, ".config", "robotui", "config.toml")}},
		{"no home fallback when xdg is set", "", []string{"XDG_CONFIG_HOME=" + empty, "HOME=" + home}, 4002,
			Source{Searched: filepath.Join(empty, "robotui", "config.toml")}},
		{"nothing found", "", []string{"HOME=" + empty}, 4002,
			Source{Searched: filepath.Join(empty, ".config", "robotui", "config.toml")}},
		{"nowhere to look", "", nil, 4002, Source{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, src, err := Parse(tt.path, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if c.Gateway.Port != tt.wantPort || src != tt.wantSrc {
				t.Errorf("port %d from %+v, want %d from %+v", c.Gateway.Port, src, tt.wantPort, tt.wantSrc)
			}
		})
	}
}

func TestParseNoFileGivesDefaults(t *testing.T) {
	c, src, err := Parse("", []string{"HOME=" + t.TempDir()})
	if err != nil || src.Path != "" {
		t.Fatalf("Parse: %v, %+v", err, src)
	}
	if !reflect.DeepEqual(c, Defaults()) {
		t.Errorf("got %+v, want defaults", c)
	}
	if !strings.HasPrefix(src.String(), "built-in defaults (no file at ") {
		t.Errorf("Source.String() = %q", src)
	}
}

func TestParseUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.toml")
	writeFile(t, big, "# "+strings.Repeat("x", maxFileSize)+"\n")
	missing := filepath.Join(dir, "missing.toml")

	tests := []struct {
		name, path, msg string
		is              error
	}{
		{"explicit missing file", missing, "cannot read config file: no such file or directory", fs.ErrNotExist},
		{"a directory", dir, "cannot read config file: is a directory", nil},
		{"too large", big, "config file is larger than 262144 bytes", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse(tt.path, nil)
			errs := Errors(err)
			if len(errs) != 1 || errs[0].File != tt.path || errs[0].Msg != tt.msg {
				t.Fatalf("got %v; want one error for %s: %s", err, tt.path, tt.msg)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
		})
	}
}

func TestLoadCollectsFileEnvAndValidationErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	writeFile(t, path, "[gateway]\nport = \"abc\"\n[strategy]\nfast = 50\n")
	_, src, err := Load(path, []string{"ROBOTUI_LOG_LEVEL=loud", "ROBOTUI_SIM_SPEED=x"}, false)
	if src.Path != path {
		t.Errorf("source %+v", src)
	}
	checkErrors(t, path, err, []want{
		{line: 2, key: "gateway.port", msg: "expected an integer"},
		{env: "ROBOTUI_SIM_SPEED", key: "sim.speed", msg: "expected a number"},
		{line: 4, key: "strategy.fast", msg: "fast (50) must be less than slow (20)"},
		{env: "ROBOTUI_LOG_LEVEL", key: "log.level", msg: `got "loud"`},
	})
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	writeFile(t, good, "[gateway]\nport = 7497\n")
	bad := filepath.Join(dir, "bad.toml")
	writeFile(t, bad, "[keepalive]\ninterval = \"two\"\n[watchlist]\nsymbols = []\n")
	live := filepath.Join(dir, "live.toml")
	writeFile(t, live, "[gateway]\nmode = \"live\"\nport = 4001\n")

	tests := []struct {
		name       string
		path       string
		env        []string
		allowLive  bool
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"good file", good, nil, false, 0, "ok: " + good + "\n", ""},
		{"defaults", "", []string{"HOME=" + dir}, false, 0,
			"ok: built-in defaults (no file at " + filepath.Join(dir, ".config", "robotui", "config.toml") + ")\n", ""},
		{"bad file", bad, nil, false, 2, "",
			bad + `:2: keepalive.interval: expected a duration like "2s", got "two"` + "\n" +
				bad + ":4: watchlist.symbols: expected at least one symbol\n"},
		{"bad env", good, []string{"ROBOTUI_GATEWAY_PORT=x"}, false, 2, "",
			`ROBOTUI_GATEWAY_PORT: gateway.port: expected an integer, got "x"` + "\n"},
		{"live without --live", live, nil, false, 2, "", live + ":2: gateway.mode: live mode needs --live\n"},
		{"live with --live", live, nil, true, 0, "ok: " + live + "\n", ""},
		{"missing", filepath.Join(dir, "nope.toml"), nil, false, 2, "",
			filepath.Join(dir, "nope.toml") + ": cannot read config file: no such file or directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Check(tt.path, tt.env, tt.allowLive, &stdout, &stderr)
			if code != tt.wantCode || stdout.String() != tt.wantStdout || stderr.String() != tt.wantStderr {
				t.Errorf("Check = %d\nstdout %q\nstderr %q\nwant %d\nstdout %q\nstderr %q",
					code, stdout.String(), stderr.String(), tt.wantCode, tt.wantStdout, tt.wantStderr)
			}
		})
	}
}

func TestCheckExample(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Check(examplePath, nil, false, &stdout, &stderr); code != 0 {
		t.Errorf("Check(example) = %d: %s", code, stderr.String())
	}
}
