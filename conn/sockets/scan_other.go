//go:build !linux

package sockets

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"sync"
	"time"

	gnet "github.com/shirou/gopsutil/v4/net"
	"github.com/shirou/gopsutil/v4/process"
)

// scanTimeout bounds one scan when the caller gives no deadline (lsof can hang on macOS).
const scanTimeout = 10 * time.Second

// Scanner reads the TCP table through gopsutil (lsof on macOS,
// GetExtendedTcpTable on Windows). On macOS only sockets some process holds
// are listed, so TIME_WAIT is not counted there. Safe for concurrent use.
type Scanner struct {
	mu      sync.Mutex
	self    int
	rows    []rawSocket
	owners  []*Process
	procs   map[int]Process // by pid; valid while the start time matches
	gateway *gatewayAddrs   // nil: every socket on the port
}

// NewScanner returns a Scanner.
func NewScanner() *Scanner { return &Scanner{self: os.Getpid(), procs: map[int]Process{}} }

// ScanContext is Scan with a context; without a deadline one of 10s applies.
func (s *Scanner) ScanContext(ctx context.Context, port int, withOwners bool) (Table, error) {
	p, err := checkPort(port)
	if err != nil {
		return Table{}, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, scanTimeout)
		defer cancel()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stats, err := gnet.ConnectionsWithContext(ctx, "tcp")
	if err != nil {
		return Table{}, fmt.Errorf("sockets: read socket table: %w", err)
	}
	var holders map[int][]int
	s.rows, holders = tableRows(stats, p, s.rows[:0])
	if s.gateway != nil {
		s.rows, holders = keepRows(s.rows, holders, s.gateway.keeper(s.rows, p))
	}
	seen := map[int]*Process{}
	s.owners = s.owners[:0]
	var sharers map[int][]*Process
	for i, r := range s.rows {
		var owner *Process
		if r.pid > 0 && ownerWanted(r, p, withOwners) {
			owner = s.process(ctx, r.pid, seen)
			for _, pid := range holders[i] {
				if sp := s.process(ctx, pid, seen); sp != nil {
					if sharers == nil {
						sharers = map[int][]*Process{}
					}
					sharers[i] = append(sharers[i], sp)
				}
			}
		}
		s.owners = append(s.owners, owner)
	}
	for pid := range s.procs {
		if _, ok := seen[pid]; !ok {
			delete(s.procs, pid)
		}
	}
	return assemble(p, s.rows, s.owners, sharers, false, withOwners, s.self, time.Now()), nil
}

// tableRows keeps the rows on port, once per socket (lsof lists a socket
// once per process holding it), and returns the further holders' pids by row.
func tableRows(stats []gnet.ConnectionStat, port uint16, dst []rawSocket) ([]rawSocket, map[int][]int) {
	type key struct {
		local, remote netip.AddrPort
		state         State
	}
	index := map[key]int{}
	holders := map[int][]int{}
	for _, st := range stats {
		local, ok1 := addrPort(st.Laddr)
		remote, ok2 := addrPort(st.Raddr)
		if !ok1 || !ok2 || (local.Port() != port && remote.Port() != port) {
			continue
		}
		state, _ := ParseState(st.Status)
		k := key{local, remote, state}
		if i, ok := index[k]; ok {
			if pid := int(st.Pid); pid > 0 && pid != dst[i].pid && !slices.Contains(holders[i], pid) {
				holders[i] = append(holders[i], pid)
			}
			continue
		}
		index[k] = len(dst)
		r := rawSocket{local: local, remote: remote, state: state, uid: UnknownUID, pid: int(st.Pid)}
		if len(st.Uids) > 0 && st.Uids[0] >= 0 {
			r.uid = uint32(st.Uids[0])
		}
		dst = append(dst, r)
	}
	return dst, holders
}

func addrPort(a gnet.Addr) (netip.AddrPort, bool) {
	if a.Port > 65535 {
		return netip.AddrPort{}, false
	}
	addr, err := netip.ParseAddr(a.IP)
	if err != nil {
		addr = netip.IPv4Unspecified() // "*" or empty: any address
	}
	return netip.AddrPortFrom(addr.Unmap(), uint16(a.Port)), true
}

func (s *Scanner) process(ctx context.Context, pid int, seen map[int]*Process) *Process {
	if p, ok := seen[pid]; ok {
		return p
	}
	seen[pid] = nil
	gp, err := process.NewProcessWithContext(ctx, int32(pid))
	if err != nil {
		return nil
	}
	created, err := gp.CreateTimeWithContext(ctx)
	if err != nil || created <= 0 {
		return nil
	}
	if cached, ok := s.procs[pid]; ok && cached.StartTime == uint64(created) {
		seen[pid] = &cached
		return &cached
	}
	p := Process{PID: pid, StartTime: uint64(created), UID: UnknownUID}
	p.Command, _ = gp.NameWithContext(ctx)
	p.Cmdline, _ = gp.CmdlineWithContext(ctx)
	if len(p.Cmdline) > maxCmdline {
		p.Cmdline = p.Cmdline[:maxCmdline]
	}
	if uids, err := gp.UidsWithContext(ctx); err == nil && len(uids) > 0 {
		p.UID = uids[0]
	}
	p.User, _ = gp.UsernameWithContext(ctx)
	s.procs[pid] = p
	seen[pid] = &p
	return &p
}
