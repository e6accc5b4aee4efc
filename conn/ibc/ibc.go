// Package ibc is a client of IBC's command server (IbcAlpha/IBC: one text
// command a line; `OK ...`, `ERROR ...` or `INFO ...` lines back).
package ibc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Command is one of the commands robotui sends.
type Command string

// The commands of the gateway menu and `robotui ibc`.
const (
	Restart          Command = "RESTART"
	ReconnectData    Command = "RECONNECTDATA"
	ReconnectAccount Command = "RECONNECTACCOUNT"
	Stop             Command = "STOP"
)

// Commands in menu order, each with what it does, in the trader's words.
var Commands = []struct {
	Command Command
	Does    string
}{
	{Restart, "soft-restart the gateway (IBC RESTART): every API client is dropped, the gateway restarts re-using its session, no second factor; gateway-side zombies go with the old process"},
	{ReconnectData, "refresh all market-data farm connections (IBC RECONNECTDATA, Ctrl-Alt-F); the API socket stays"},
	{ReconnectAccount, "reconnect the gateway to IB's login server (IBC RECONNECTACCOUNT, Ctrl-Alt-R); the API socket stays"},
	{Stop, "shut the gateway down (IBC STOP): the API socket closes and nothing restarts it unless a supervisor does"},
}

// Parse accepts a command name in any case.
func Parse(s string) (Command, bool) {
	c := Command(strings.ToUpper(strings.TrimSpace(s)))
	for _, k := range Commands {
		if k.Command == c {
			return c, true
		}
	}
	return "", false
}

// Reply is the command server's answer.
type Reply struct {
	OK   bool
	Text string // the whole line, "OK RESTART in progress"
}

// ErrNoServer is a command server that cannot be reached.
var ErrNoServer = errors.New("ibc: no command server")

// Send connects to addr, sends cmd, reads the first OK or ERROR line, and
// says EXIT. ctx bounds it all.
func Send(ctx context.Context, addr string, cmd Command) (Reply, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return Reply{}, fmt.Errorf("%w at %s: %v", ErrNoServer, addr, err)
	}
	defer c.Close()
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(10 * time.Second)
	}
	c.SetDeadline(deadline)
	if _, err := fmt.Fprintf(c, "%s\n", cmd); err != nil {
		return Reply{}, fmt.Errorf("ibc: send %s: %w", cmd, err)
	}
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "OK"):
			fmt.Fprintf(c, "EXIT\n") // best effort: STOP has closed the socket already
			return Reply{OK: true, Text: line}, nil
		case strings.HasPrefix(line, "ERROR"):
			fmt.Fprintf(c, "EXIT\n")
			return Reply{Text: line}, nil
		}
		if err != nil {
			return Reply{}, fmt.Errorf("ibc: no reply to %s: %w", cmd, err)
		}
	}
}
