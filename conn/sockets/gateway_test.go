package sockets

import (
	"net/netip"
	"testing"
)

func row(local, remote string, st State) rawSocket {
	return rawSocket{local: netip.MustParseAddrPort(local), remote: netip.MustParseAddrPort(remote), state: st}
}

func TestGatewayFilter(t *testing.T) {
	const port = 4002
	listenLo := row("127.0.0.1:4002", "0.0.0.0:0", Listen)
	listenAny := row("0.0.0.0:4002", "0.0.0.0:0", Listen)
	ourClient := row("127.0.0.1:51000", "127.0.0.1:4002", Established)
	gwSide := row("127.0.0.1:4002", "127.0.0.1:51000", Established)
	otherServerZombie := row("127.0.0.1:52000", "127.0.0.2:4002", CloseWait) // another server on 127.0.0.2
	lanClientZombie := row("192.0.2.7:53000", "192.0.2.7:4002", CloseWait)   // to this machine's LAN address
	remoteZombie := row("10.0.0.5:54000", "198.51.100.9:4002", CloseWait)    // to a gateway elsewhere
	unrelated := row("127.0.0.1:4003", "127.0.0.1:60000", Established)

	tests := []struct {
		name  string
		addrs []string
		local []string // this machine's interface addresses
		rows  []rawSocket
		want  []rawSocket
	}{
		{
			name:  "a listener on 127.0.0.1 owns only connections to 127.0.0.1",
			addrs: []string{"127.0.0.1"},
			rows:  []rawSocket{listenLo, ourClient, gwSide, otherServerZombie, unrelated},
			want:  []rawSocket{listenLo, ourClient, gwSide},
		},
		{
			name:  "a listener on every address owns connections to any local address",
			addrs: []string{"127.0.0.1"},
			local: []string{"192.0.2.7"},
			rows:  []rawSocket{listenAny, ourClient, otherServerZombie, lanClientZombie, remoteZombie},
			want:  []rawSocket{listenAny, ourClient, otherServerZombie, lanClientZombie},
		},
		{
			name:  "with the gateway down, the configured address decides",
			addrs: []string{"127.0.0.1"},
			rows:  []rawSocket{ourClient, otherServerZombie},
			want:  []rawSocket{ourClient},
		},
		{
			name:  "a remote gateway: only client sockets to its address; a local server on the port is not it",
			addrs: []string{"198.51.100.9"},
			rows:  []rawSocket{listenAny, gwSide, ourClient, remoteZombie, otherServerZombie},
			want:  []rawSocket{remoteZombie},
		},
		{
			name:  "an unresolvable gateway matches nothing",
			addrs: []string{},
			rows:  []rawSocket{listenLo, ourClient, remoteZombie},
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &gatewayAddrs{}
			for _, a := range tt.addrs {
				g.addrs = append(g.addrs, netip.MustParseAddr(a))
			}
			for _, a := range tt.local {
				g.local = append(g.local, netip.MustParseAddr(a))
			}
			got := g.filter(append([]rawSocket(nil), tt.rows...), port)
			if len(got) != len(tt.want) {
				t.Fatalf("kept %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("row %d: %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestKeepRowsMovesHolders(t *testing.T) {
	rows := []rawSocket{row("127.0.0.1:1", "127.0.0.1:4002", CloseWait), row("127.0.0.1:2", "127.0.0.2:4002", CloseWait), row("127.0.0.1:3", "127.0.0.1:4002", CloseWait)}
	holders := map[int][]int{1: {11}, 2: {12}}
	kept, moved := keepRows(rows, holders, func(r rawSocket) bool { return r.remote.Addr() == netip.MustParseAddr("127.0.0.1") })
	if len(kept) != 2 || kept[1].local.Port() != 3 {
		t.Fatalf("kept %v", kept)
	}
	if len(moved) != 1 || moved[1][0] != 12 {
		t.Errorf("holders %v, want {1: [12]}", moved)
	}
}
