package sockets

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeProc builds a procfs in a temporary directory: a socket table and
// processes whose descriptors are symlinks to "socket:[inode]".
type fakeProcfs struct {
	t    *testing.T
	root string
}

func newFakeProcfs(t *testing.T, tcp string) fakeProcfs {
	f := fakeProcfs{t: t, root: t.TempDir()}
	f.write("net/tcp", tcpHeader+tcp)
	return f
}

func (f fakeProcfs) write(name, content string) {
	f.t.Helper()
	path := filepath.Join(f.root, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f fakeProcfs) process(pid int, comm string, uid int, start uint64, cmdline string) {
	f.write(fmt.Sprintf("%d/stat", pid), fmt.Sprintf("%d (%s) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %d 0 0", pid, comm, start))
	f.write(fmt.Sprintf("%d/status", pid), fmt.Sprintf("Name:\t%s\nUid:\t%d\t%d\t%d\t%d\n", comm, uid, uid, uid, uid))
	f.write(fmt.Sprintf("%d/cmdline", pid), strings.ReplaceAll(cmdline, " ", "\x00")+"\x00")
	if err := os.MkdirAll(filepath.Join(f.root, fmt.Sprint(pid), "fd"), 0o755); err != nil {
		f.t.Fatal(err)
	}
}

func (f fakeProcfs) fd(pid, fd int, inode uint64) {
	f.t.Helper()
	if err := os.Symlink(fmt.Sprintf("socket:[%d]", inode), filepath.Join(f.root, fmt.Sprint(pid), "fd", fmt.Sprint(fd))); err != nil {
		f.t.Fatal(err)
	}
}

func (f fakeProcfs) closeFD(pid, fd int) {
	f.t.Helper()
	if err := os.Remove(filepath.Join(f.root, fmt.Sprint(pid), "fd", fmt.Sprint(fd))); err != nil {
		f.t.Fatal(err)
	}
}

func ownerPIDs(tb Table) map[uint64]int {
	m := map[uint64]int{}
	for _, c := range tb.Conns {
		if c.Owner != nil {
			m[c.Inode] = c.Owner.PID
		} else {
			m[c.Inode] = 0
		}
	}
	return m
}

func TestOwnerFinderCachesAndFollowsSockets(t *testing.T) {
	littleEndian(t)
	fs := newFakeProcfs(t,
		procLine(0, "127.0.0.1:4002", "0.0.0.0:0", Listen, 1000, 1004)+
			procLine(1, "127.0.0.1:50001", "127.0.0.1:4002", CloseWait, 1000, 1001)+
			procLine(2, "127.0.0.1:50002", "127.0.0.1:4002", CloseWait, 1000, 1002)+
			procLine(3, "127.0.0.1:50003", "127.0.0.1:4002", CloseWait, 1000, 1003)+
			procLine(4, "127.0.0.1:4002", "127.0.0.1:50009", Established, 1000, 1005)+
			procLine(5, "127.0.0.1:6000", "127.0.0.1:7000", CloseWait, 1000, 9999))
	fs.process(100, "java", 1000, 11, "java -jar ibgateway.jar")
	fs.fd(100, 3, 1004)
	fs.fd(100, 4, 1005)
	fs.process(200, "python3", 1000, 22, "python3 bot.py")
	fs.fd(200, 5, 1001)
	fs.fd(200, 6, 1002)
	fs.process(300, "robotui", 1000, 33, "robotui")
	clock := time.Unix(1000, 0)
	s := newScanner(fs.root, 300, true)
	s.finder.now = func() time.Time { return clock }

	tb := scan(t, s, 4002, true)
	if got := fmt.Sprint(ownerPIDs(tb)); got != "map[1001:200 1002:200 1003:0 1004:100 1005:100]" {
		t.Fatalf("owners %s", got)
	}
	if tb.Listener == nil || tb.Listener.Command != "java" || tb.Listener.Cmdline != "java -jar ibgateway.jar" || tb.Listener.StartTime != 11 || tb.Listener.UID != 1000 {
		t.Errorf("listener %+v", tb.Listener)
	}
	if s.finder.walks != 1 {
		t.Fatalf("%d walks, want 1", s.finder.walks)
	}

	scan(t, s, 4002, false)
	tb = scan(t, s, 4002, false)
	if s.finder.walks != 1 {
		t.Errorf("%d walks after steady counts-only scans, want still 1 (remembered and hidden inodes)", s.finder.walks)
	}
	if got := fmt.Sprint(ownerPIDs(Table{Conns: tb.Zombies})); got != "map[1001:200 1002:200 1003:0]" {
		t.Errorf("zombie owners from memory %s", got)
	}

	fs.closeFD(200, 6) // 1002 moves to pid 300 (ours), 1003 shows up there too
	fs.fd(300, 4, 1002)
	fs.fd(300, 5, 1003)
	tb = scan(t, s, 4002, false)
	if got := fmt.Sprint(ownerPIDs(Table{Conns: tb.Zombies})); got != "map[1001:200 1002:300 1003:300]" || s.finder.walks != 2 {
		t.Errorf("after the move: zombie owners %s after %d walks, want a second walk", got, s.finder.walks)
	}
	for _, z := range tb.Zombies {
		if z.Inode == 1002 && !z.Own {
			t.Error("socket of pid 300 (self) not marked Own")
		}
	}

	fs.process(400, "python3", 1000, 55, "python3 worker.py") // a forked worker shares 1001
	fs.fd(400, 9, 1001)
	tb = scan(t, s, 4002, true)
	if s.finder.walks != 3 {
		t.Errorf("%d walks, want a complete walk for the detailed scan", s.finder.walks)
	}
	for _, z := range tb.Zombies {
		var holders []int
		for _, p := range append([]*Process{z.Owner}, z.Sharers...) {
			holders = append(holders, p.PID)
		}
		slices.Sort(holders)
		want := []int{300}
		if z.Inode == 1001 {
			want = []int{200, 400}
		}
		if !slices.Equal(holders, want) {
			t.Errorf("zombie %d: held by %v, want %v", z.Inode, holders, want)
		}
	}
	if tb = scan(t, s, 4002, false); tb.Zombies[0].Sharers != nil {
		t.Errorf("counts-only scan reports sharers %v", tb.Zombies[0].Sharers)
	}
	fs.closeFD(400, 9) // the worker exits

	fs.write("net/tcp", tcpHeader+procLine(1, "127.0.0.1:50001", "127.0.0.1:4002", CloseWait, 1000, 1001)+
		procLine(2, "127.0.0.1:50007", "127.0.0.1:4002", CloseWait, 1000, 1007))
	scan(t, s, 4002, false)
	fs.fd(200, 7, 1007) // the descriptor appears after the walk that missed it
	tb = scan(t, s, 4002, false)
	if got := fmt.Sprint(ownerPIDs(Table{Conns: tb.Zombies})); got != "map[1001:200 1007:0]" || s.finder.walks != 4 {
		t.Errorf("before the retry time: zombie owners %s after %d walks, want 1007 unknown after 4", got, s.finder.walks)
	}
	clock = clock.Add(hiddenRetry)
	tb = scan(t, s, 4002, false)
	if got := fmt.Sprint(ownerPIDs(Table{Conns: tb.Zombies})); got != "map[1001:200 1007:200]" {
		t.Errorf("after the retry time: zombie owners %s", got)
	}

	fs.process(200, "node", 1000, 44, "node x.js") // pid 200 reused by another process
	tb = scan(t, s, 4002, false)
	if z := tb.Zombies[0]; z.Inode != 1001 || z.Owner == nil || z.Owner.Command != "node" || z.Owner.StartTime != 44 {
		t.Errorf("after pid reuse: %+v owner %+v, want node started at 44", z, z.Owner)
	}
}

func TestOwnerFinderSkipsUnreadableProcesses(t *testing.T) {
	littleEndian(t)
	fs := newFakeProcfs(t, procLine(1, "127.0.0.1:50001", "127.0.0.1:4002", CloseWait, 1000, 1001))
	fs.process(200, "python3", 1000, 22, "python3")
	fs.fd(200, 5, 1001)
	fs.write("200/stat", "garbage")
	fs.write("notapid/fd/1", "x")
	tb := scan(t, newScanner(fs.root, 1, true), 4002, true)
	if len(tb.Zombies) != 1 || tb.Zombies[0].Owner != nil {
		t.Fatalf("zombies %+v, want one with no owner (stat unreadable)", tb.Zombies)
	}
	if tb.Zombies[0].UID != 1000 {
		t.Errorf("socket uid %d, want 1000 from the table", tb.Zombies[0].UID)
	}
}

func TestScanRejectsMalformedTable(t *testing.T) {
	fs := newFakeProcfs(t, "   0: nonsense\n")
	_, err := newScanner(fs.root, 1, true).ScanContext(context.Background(), 4002, false)
	if err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("err %v, want malformed table", err)
	}
}
