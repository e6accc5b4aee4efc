package sockets

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// A socket can be in the table a moment before its descriptor is installed,
// so an inode a walk missed is retried, less and less often.
const (
	hiddenRetry    = 2 * time.Second
	hiddenRetryMax = time.Minute
)

// hiddenInode is an inode no walk has found.
type hiddenInode struct {
	misses int
	retry  time.Time // no walk for it before then
}

// fdLocation is where a socket inode was last found: /proc/<pid>/fd/<fd>.
type fdLocation struct {
	pid int
	fd  string
	gen uint64 // last scan whose table held the inode
}

// ownerFinder maps socket inodes to processes by reading /proc/[pid]/fd. It
// remembers where each inode was found, so a steady table costs one readlink
// per socket, and which inodes a full walk could not find (another user's
// processes), so they do not cause a walk on every scan.
type ownerFinder struct {
	root   string
	self   int
	now    func() time.Time
	walks  int              // full walks so far (tests)
	gen    uint64           // scans so far
	need   map[uint64]int   // this scan: inode → owner pid, 0 while unknown
	shared map[uint64][]int // this scan, complete walks: inode → other holders
	where  map[uint64]fdLocation
	byPid  map[int][]uint64 // remembered needed inodes by process (scratch)
	hidden map[uint64]hiddenInode
	procs  map[int]Process  // by pid; valid while the start time matches
	seen   map[int]*Process // this scan's processes, nil when unreadable
	users  map[uint32]string
	link   []byte
	buf    []byte
}

func newOwnerFinder(root string, self int) *ownerFinder {
	return &ownerFinder{
		root: root, self: self, now: time.Now,
		need: map[uint64]int{}, shared: map[uint64][]int{}, where: map[uint64]fdLocation{}, byPid: map[int][]uint64{}, hidden: map[uint64]hiddenInode{},
		procs: map[int]Process{}, seen: map[int]*Process{}, users: map[uint32]string{},
		link: make([]byte, 64), buf: make([]byte, 0, 4096),
	}
}

// owners appends to dst, for each row, its owner or nil, and returns the
// other processes holding a row's socket by row index. Those are known only
// from a complete walk, done for detailed scans with client-side zombies: a
// socket shared by several processes closes only when all of them are gone.
func (f *ownerFinder) owners(ctx context.Context, rows []rawSocket, port uint16, withOwners bool, dst []*Process) ([]*Process, map[int][]*Process) {
	clear(f.need)
	clear(f.shared)
	f.gen++
	complete := false
	for _, r := range rows {
		if r.inode == 0 {
			continue
		}
		if ownerWanted(r, port, withOwners) {
			f.need[r.inode] = 0
		}
		if loc, ok := f.where[r.inode]; ok {
			loc.gen = f.gen
			f.where[r.inode] = loc
		}
		complete = complete || (withOwners && r.state == CloseWait && sideOf(r.local, port) == ClientSide)
	}
	if complete {
		f.walk(ctx, true)
	} else if f.checkRemembered() {
		f.walk(ctx, false)
	}
	f.forgetStale()
	clear(f.seen)
	var sharers map[int][]*Process
	for i, r := range rows {
		var p *Process
		if pid := f.need[r.inode]; pid > 0 && r.inode != 0 {
			p = f.process(pid)
		}
		dst = append(dst, p)
		for _, pid := range f.shared[r.inode] {
			if sp := f.process(pid); sp != nil {
				if sharers == nil {
					sharers = map[int][]*Process{}
				}
				sharers[i] = append(sharers[i], sp)
			}
		}
	}
	for pid := range f.procs {
		if _, ok := f.seen[pid]; !ok {
			delete(f.procs, pid)
		}
	}
	return dst, sharers
}

// checkRemembered resolves the needed inodes still at their remembered
// descriptor (one directory open per process) and reports whether any other
// is due for a walk.
func (f *ownerFinder) checkRemembered() bool {
	due, now := false, f.now()
	for pid, inodes := range f.byPid {
		f.byPid[pid] = inodes[:0]
	}
	for inode := range f.need {
		if loc, ok := f.where[inode]; ok {
			f.byPid[loc.pid] = append(f.byPid[loc.pid], inode)
		} else if h, ok := f.hidden[inode]; !ok || !now.Before(h.retry) {
			due = true
		}
	}
	for pid, inodes := range f.byPid {
		if len(inodes) == 0 {
			delete(f.byPid, pid)
			continue
		}
		dirfd := -1
		d, err := os.Open(filepath.Join(f.root, strconv.Itoa(pid), "fd"))
		if err == nil {
			dirfd = int(d.Fd())
		}
		for _, inode := range inodes {
			if dirfd >= 0 && f.linkInode(f.where[inode].fd, dirfd) == inode {
				f.need[inode] = pid
				continue
			}
			delete(f.where, inode)
			due = true
		}
		if d != nil {
			d.Close()
		}
	}
	return due
}

// walk reads every process's descriptors, this process first, until every
// needed inode is found or, when complete, to the end, noting every holder.
func (f *ownerFinder) walk(ctx context.Context, complete bool) {
	f.walks++
	missing := 0
	for _, pid := range f.need {
		if pid == 0 {
			missing++
		}
	}
	dir, err := os.Open(f.root)
	if err != nil {
		return
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return
	}
	missing = f.walkPid(f.self, missing, complete)
	for _, name := range names {
		if (missing == 0 && !complete) || ctx.Err() != nil {
			break
		}
		pid, err := strconv.Atoi(name)
		if err != nil || pid == f.self {
			continue
		}
		missing = f.walkPid(pid, missing, complete)
	}
	if ctx.Err() != nil {
		return
	}
	now := f.now()
	for inode, pid := range f.need {
		if pid != 0 {
			continue
		}
		h := f.hidden[inode]
		h.misses++
		h.retry = now.Add(min(hiddenRetry<<(min(h.misses, 10)-1), hiddenRetryMax))
		f.hidden[inode] = h
	}
}

// walkPid looks for missing inodes among one process's descriptors and,
// when complete, notes it as a further holder of those already found.
func (f *ownerFinder) walkPid(pid, missing int, complete bool) int {
	d, err := os.Open(filepath.Join(f.root, strconv.Itoa(pid), "fd"))
	if err != nil {
		return missing // gone, or another user's
	}
	defer d.Close()
	fds, err := d.Readdirnames(-1)
	if err != nil {
		return missing
	}
	dirfd := int(d.Fd())
	for _, fd := range fds {
		inode := f.linkInode(fd, dirfd)
		owner, ok := f.need[inode]
		switch {
		case !ok:
		case owner == 0:
			f.need[inode] = pid
			f.where[inode] = fdLocation{pid: pid, fd: fd, gen: f.gen}
			delete(f.hidden, inode)
			if missing--; missing == 0 && !complete {
				return 0
			}
		case complete && owner != pid && !slices.Contains(f.shared[inode], pid):
			f.shared[inode] = append(f.shared[inode], pid)
		}
	}
	return missing
}

// linkInode returns the socket inode descriptor fd of directory dirfd
// (a /proc/[pid]/fd) points to, or 0.
func (f *ownerFinder) linkInode(fd string, dirfd int) uint64 {
	n, err := unix.Readlinkat(dirfd, fd, f.link)
	if err != nil || n >= len(f.link) {
		return 0
	}
	inode, _ := parseSocketLink(f.link[:n])
	return inode
}

// forgetStale drops remembered locations of inodes gone from the table and
// hidden marks of inodes no longer needed.
func (f *ownerFinder) forgetStale() {
	for inode, loc := range f.where {
		if loc.gen != f.gen {
			delete(f.where, inode)
		}
	}
	for inode := range f.hidden {
		if _, ok := f.need[inode]; !ok {
			delete(f.hidden, inode)
		}
	}
}

// process returns pid's details for this scan, nil when they cannot be read.
func (f *ownerFinder) process(pid int) *Process {
	if p, ok := f.seen[pid]; ok {
		return p
	}
	p := f.readProcess(pid)
	f.seen[pid] = p
	if p != nil {
		f.procs[pid] = *p
	}
	return p
}

func (f *ownerFinder) readProcess(pid int) *Process {
	dir := filepath.Join(f.root, strconv.Itoa(pid))
	var err error
	if f.buf, err = readAll(filepath.Join(dir, "stat"), f.buf); err != nil {
		return nil
	}
	st, err := parseStat(f.buf)
	if err != nil {
		return nil
	}
	if cached, ok := f.procs[pid]; ok && cached.StartTime == st.start {
		return &cached
	}
	p := Process{PID: pid, Command: st.comm, StartTime: st.start, UID: UnknownUID}
	if f.buf, err = readAll(filepath.Join(dir, "status"), f.buf); err == nil {
		if uid, err := parseStatusUID(f.buf); err == nil {
			p.UID = uid
			p.User = f.user(uid)
		}
	}
	if f.buf, err = readAll(filepath.Join(dir, "cmdline"), f.buf); err == nil {
		p.Cmdline = cleanCmdline(f.buf)
	}
	return &p
}

func (f *ownerFinder) user(uid uint32) string {
	name, ok := f.users[uid]
	if !ok {
		name = userName(uid)
		f.users[uid] = name
	}
	return name
}
