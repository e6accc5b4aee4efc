// Package httpserve starts robotui's local HTTP servers (metrics, the
// simulator's control endpoint, and those to come) with the limits every one
// of them needs: a client that connects and idles, or a local user who opens
// thousands of connections, must cost a bounded number of file descriptors
// and bytes, so that the one socket to the gateway can always be made.
//
// The descriptor reserve is the gap between MaxConns per server and the
// process's limit, whose soft value Go already raises to the hard one at
// start (since Go 1.19, on Unix).
package httpserve

import (
	"cmp"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Limits bound one server. Zero values take the defaults.
type Limits struct {
	ReadHeaderTimeout time.Duration // default 5 s
	ReadTimeout       time.Duration // the whole request; default 10 s
	WriteTimeout      time.Duration // the whole response; default 30 s (a stream needs its own)
	IdleTimeout       time.Duration // a keep-alive connection with no request; default 30 s
	MaxHeaderBytes    int           // default 16 KiB
	// MaxConns bounds the connections open at once; more wait in the
	// kernel's accept queue, holding no descriptor of ours. Default 64.
	MaxConns int
}

// Defaults are the limits of every server robotui runs.
func Defaults() Limits {
	return Limits{
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    16 << 10,
		MaxConns:          64,
	}
}

func (l Limits) withDefaults() Limits {
	d := Defaults()
	l.ReadHeaderTimeout = cmp.Or(l.ReadHeaderTimeout, d.ReadHeaderTimeout)
	l.ReadTimeout = cmp.Or(l.ReadTimeout, d.ReadTimeout)
	l.WriteTimeout = cmp.Or(l.WriteTimeout, d.WriteTimeout)
	l.IdleTimeout = cmp.Or(l.IdleTimeout, d.IdleTimeout)
	l.MaxHeaderBytes = cmp.Or(l.MaxHeaderBytes, d.MaxHeaderBytes)
	l.MaxConns = cmp.Or(l.MaxConns, d.MaxConns)
	return l
}

// Server is a running server.
type Server struct {
	*http.Server
	Addr net.Addr // where it listens (the port chosen for ":0")
}

// Start listens on addr before returning, so that a bad address is an
// error now, and serves h within lim.
func Start(addr string, h http.Handler, lim Limits) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	lim = lim.withDefaults()
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: lim.ReadHeaderTimeout,
		ReadTimeout:       lim.ReadTimeout,
		WriteTimeout:      lim.WriteTimeout,
		IdleTimeout:       lim.IdleTimeout,
		MaxHeaderBytes:    lim.MaxHeaderBytes,
	}
	go srv.Serve(netutil.LimitListener(ln, lim.MaxConns))
	return &Server{Server: srv, Addr: ln.Addr()}, nil
}
