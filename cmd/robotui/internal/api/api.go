// Package api serves robotui's local read-only HTTP API: the running
// console's snapshot, symbols, bars and event lines (Server-Sent Events),
// and one command, reconnect. Every answer comes from the engine's one
// session; nothing here ever opens a connection to the gateway.
// openapi.json in this directory documents every path (GET /v1/openapi.json serves it).
package api

import (
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/robotui/robotui/engine"
)

// OpenAPI is the API's description, openapi.json.
//
//go:embed openapi.json
var OpenAPI []byte

// Engine is what the API reads and the one command it gives.
type Engine interface {
	Latest() engine.Snapshot
	ClosedBars(symbol string) ([]engine.Bar, []engine.SignalRecord)
	Reconnect()
}

// Options configure the API.
type Options struct {
	Engine Engine
	Hub    *Hub
	// Token is the bearer token ("" when none is configured: POST answers
	// 403). Requests from beyond loopback must carry it.
	Token string
	// Heartbeat between SSE comments on an idle stream; default 15 s.
	Heartbeat time.Duration
}

// ReadToken reads a bearer token file, which must be readable by its owner
// only: a token others can read is no secret.
func ReadToken(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("api token: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("api token: %s is mode %04o; make it 0600 (chmod 600 %s)", path, fi.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("api token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", errors.New("api token: " + path + " is empty")
	}
	return tok, nil
}

type server struct{ opts Options }

// Handler serves the API's /v1/ paths.
func Handler(opts Options) http.Handler {
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = 15 * time.Second
	}
	s := &server{opts: opts}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/state", s.state)
	mux.HandleFunc("GET /v1/symbols", s.symbols)
	mux.HandleFunc("GET /v1/bars/{symbol}", s.bars)
	mux.HandleFunc("GET /v1/account", s.account)
	mux.HandleFunc("GET /v1/positions", s.positions)
	mux.HandleFunc("GET /v1/events", s.events)
	mux.HandleFunc("POST /v1/reconnect", s.reconnect)
	mux.HandleFunc("GET /v1/openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(OpenAPI)
	})
	return s.guard(mux)
}

// guard admits a request with the right bearer token from anywhere, and
// one without from loopback only, under a loopback Host and Origin (a web
// page in a local browser is on loopback too: DNS rebinding, cross-site).
func (s *server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch bearer := s.bearer(r); {
		case bearer == tokenOK:
		case bearer == tokenWrong:
			writeError(w, http.StatusUnauthorized, "wrong bearer token")
			return
		case !loopbackRemote(r.RemoteAddr):
			writeError(w, http.StatusUnauthorized, "requests from beyond loopback need the bearer token")
			return
		case !loopbackName(hostOnly(r.Host)):
			writeError(w, http.StatusForbidden, fmt.Sprintf("Host %q is not a loopback name", r.Host))
			return
		case r.Header.Get("Origin") != "" && !loopbackOrigin(r.Header.Get("Origin")):
			writeError(w, http.StatusForbidden, "cross-origin requests are refused")
			return
		}
		next.ServeHTTP(w, r)
	})
}

const (
	tokenNone = iota
	tokenOK
	tokenWrong
)

func (s *server) bearer(r *http.Request) int {
	h := r.Header.Get("Authorization")
	if h == "" {
		return tokenNone
	}
	got, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || s.opts.Token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.Token)) != 1 {
		return tokenWrong
	}
	return tokenOK
}

func (s *server) reconnect(w http.ResponseWriter, r *http.Request) {
	switch {
	case s.opts.Token == "":
		writeError(w, http.StatusForbidden, "no api.token_file is configured: commands are off")
		return
	case s.bearer(r) != tokenOK:
		writeError(w, http.StatusUnauthorized, "POST needs the bearer token (Authorization: Bearer ...)")
		return
	}
	s.opts.Engine.Reconnect()
	writeJSON(w, http.StatusAccepted, map[string]any{"ok": true, "action": "reconnect"})
}

func (s *server) state(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, StateOf(s.opts.Engine.Latest()))
}

func (s *server) symbols(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, SymbolsOf(s.opts.Engine.Latest()))
}

func (s *server) bars(w http.ResponseWriter, r *http.Request) {
	sym := strings.ToUpper(r.PathValue("symbol"))
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			writeError(w, http.StatusBadRequest, `since: expected an RFC 3339 instant like "2026-01-05T15:00:00Z"`)
			return
		}
		since = t
	}
	known := false
	for _, row := range s.opts.Engine.Latest().Symbols {
		known = known || row.Symbol == sym
	}
	if !known {
		writeError(w, http.StatusNotFound, fmt.Sprintf("%q is not on the watchlist", sym))
		return
	}
	bars, sigs := s.opts.Engine.ClosedBars(sym)
	writeJSON(w, http.StatusOK, BarsOf(sym, bars, sigs, since))
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, ErrorBody{Error: msg})
}

// ErrorBody is every error's body.
type ErrorBody struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func loopbackRemote(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

func loopbackName(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func loopbackOrigin(o string) bool {
	u, err := url.Parse(o)
	return err == nil && loopbackName(u.Hostname())
}
