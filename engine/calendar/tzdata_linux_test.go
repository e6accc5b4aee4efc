package calendar

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

const tzChildEnv = "ROBOTUI_CALENDAR_TZ_CHILD"

// TestEmbeddedTZData re-runs this test in a child process with its own user
// and mount namespaces, where every zone database the time package could read
// is hidden under an empty directory and ZONEINFO points at an empty one too:
// the New York session times must still be right. (ZONEINFO alone hides
// nothing: the time package falls back to /usr/share/zoneinfo.)
func TestEmbeddedTZData(t *testing.T) {
	if os.Getenv(tzChildEnv) != "" {
		tzChild()
		return
	}
	empty := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestEmbeddedTZData$", "-test.count=1")
	cmd.Env = append(os.Environ(), tzChildEnv+"="+empty, "ZONEINFO="+empty, "TZ=")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Skipf("cannot start a child in new user+mount namespaces: %v", err)
	}
	switch text := string(out); {
	case strings.Contains(text, "tzchild: skip:"):
		t.Skipf("child could not hide the zone database: %s", text)
	case err != nil || !strings.Contains(text, "tzchild: ok"):
		t.Fatalf("child failed (%v):\n%s", err, text)
	}
}

// tzChild runs inside the namespaces; it prints one verdict line and exits.
func tzChild() {
	verdict := func(format string, args ...any) {
		fmt.Printf("tzchild: "+format+"\n", args...)
		os.Exit(0)
	}
	empty := os.Getenv(tzChildEnv)
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		verdict("skip: make mounts private: %v", err)
	}
	hide := []string{"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo"}
	//lint:ignore SA1019 the time package falls back to this same GOROOT's zoneinfo.zip
	if goroot := runtime.GOROOT(); goroot != "" {
		hide = append(hide, filepath.Join(goroot, "lib", "time"))
	}
	for _, dir := range hide {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		if err := syscall.Mount(empty, dir, "", syscall.MS_BIND, ""); err != nil {
			verdict("skip: hide %s: %v", dir, err)
		}
	}
	if _, err := os.Stat("/usr/share/zoneinfo/America/New_York"); err == nil {
		verdict("FAIL: host zone database still visible")
	}
	cal := NYSE()
	for _, tt := range []struct {
		day  time.Time
		open string
	}{
		{time.Date(2024, time.January, 2, 0, 0, 0, 0, time.UTC), "14:30"},
		{time.Date(2024, time.July, 1, 0, 0, 0, 0, time.UTC), "13:30"},
	} {
		open, _, ok := cal.Session(tt.day)
		if got := open.UTC().Format("15:04"); !ok || got != tt.open {
			verdict("FAIL: %s opens %s UTC (ok=%v), want %s", tt.day.Format(time.DateOnly), got, ok, tt.open)
		}
	}
	verdict("ok")
}
