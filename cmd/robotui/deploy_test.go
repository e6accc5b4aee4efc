package main

import (
	"encoding/xml"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The deploy kit's files have no linter on Debian that CI can run without
// a daemon (promtool and systemd-analyze run in make deploy-check): these
// checks hold each file to what it promises.

func readDeploy(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../deploy/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDockerfile(t *testing.T) {
	d := readDeploy(t, "Dockerfile")
	if n := len(regexp.MustCompile(`(?m)^FROM `).FindAllString(d, -1)); n < 2 {
		t.Errorf("%d FROM lines, want a multi-stage build", n)
	}
	for _, want := range []string{"CGO_ENABLED=0", "USER 65532:65532", `HEALTHCHECK`, `"/robotui", "health"`, `"--no-tui"`} {
		if !strings.Contains(d, want) {
			t.Errorf("Dockerfile lacks %s", want)
		}
	}
	if strings.Contains(d, "USER root") || strings.Contains(d, "USER 0") {
		t.Error("Dockerfile runs as root")
	}
}

func TestComposeKeepsRobotuiOffTheHost(t *testing.T) {
	c := readDeploy(t, "compose.yaml")
	for _, want := range []string{"ghcr.io/gnzsnz/ib-gateway", "TWS_USERID", "TWS_PASSWORD", "TRADING_MODE", `"127.0.0.1:4002:4004"`,
		`network_mode: "service:ib-gateway"`, "ROBOTUI_METRICS_ADDR", "ROBOTUI_API_TOKEN_FILE"} {
		if !strings.Contains(c, want) {
			t.Errorf("compose.yaml lacks %s", want)
		}
	}
	// The robotui service publishes no port: metrics and the API stay on the compose network.
	svc := c[strings.Index(c, "\n  robotui:"):]
	svc = svc[:strings.Index(svc, "\n  prometheus:")]
	if strings.Contains(svc, "ports:") {
		t.Errorf("the robotui service publishes ports:\n%s", svc)
	}
	// Every published port is on the host's loopback.
	for _, m := range regexp.MustCompile(`(?m)^\s+- "([^"]+)"$`).FindAllStringSubmatch(c, -1) {
		if strings.Count(m[1], ":") == 2 && !strings.HasPrefix(m[1], "127.0.0.1:") {
			t.Errorf("published beyond loopback: %s", m[1])
		}
	}
}

func TestLaunchdPlistIsWellFormed(t *testing.T) {
	p := readDeploy(t, "launchd/com.robotui.robotui.plist")
	dec := xml.NewDecoder(strings.NewReader(p))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("plist: %v", err)
		}
	}
	for _, want := range []string{"<string>com.robotui.robotui</string>", "<string>--no-tui</string>", "<key>ThrottleInterval</key>"} {
		if !strings.Contains(p, want) {
			t.Errorf("plist lacks %s", want)
		}
	}
}

func TestSystemdUnitIsSandboxed(t *testing.T) {
	u := readDeploy(t, "systemd/robotui.service")
	for _, want := range []string{"DynamicUser=yes", "ProtectSystem=strict", "ProtectHome=yes", "NoNewPrivileges=yes",
		"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK", "CapabilityBoundingSet=", "--no-tui"} {
		if !strings.Contains(u, want) {
			t.Errorf("robotui.service lacks %s", want)
		}
	}
}
