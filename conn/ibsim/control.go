package ibsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

const maxControlBody = 64 << 10

// Handler is the HTTP control endpoint: GET /state, POST /faults with one
// Fault as JSON, DELETE /faults. Bad input answers 400 with {"error": "..."};
// requests from a non-loopback address answer 403.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveControl) }

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	if !loopbackRemote(r.RemoteAddr) {
		writeError(w, http.StatusForbidden, fmt.Sprintf("control endpoint is loopback only; %s refused", r.RemoteAddr))
		return
	}
	// A web page in a local browser is on loopback too: refuse a foreign Host
	// (DNS rebinding) and a foreign Origin (a cross-site request); curl and
	// scripts send neither.
	if !loopbackName(hostOnly(r.Host)) {
		writeError(w, http.StatusForbidden, fmt.Sprintf("Host %q is not a loopback name", r.Host))
		return
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || !loopbackName(u.Hostname()) {
			writeError(w, http.StatusForbidden, fmt.Sprintf("requests from origin %q are refused", o))
			return
		}
	}
	switch r.URL.Path {
	case "/state":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			notAllowed(w, "GET")
			return
		}
		writeJSON(w, http.StatusOK, s.State())
	case "/faults":
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, http.StatusOK, faultsReply{OK: true, Faults: s.State().Faults})
		case http.MethodPost:
			s.postFault(w, r)
		case http.MethodDelete:
			s.ClearFaults()
			writeJSON(w, http.StatusOK, faultsReply{OK: true, Faults: s.State().Faults})
		default:
			notAllowed(w, "GET, POST, DELETE")
		}
	default:
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such endpoint %q; use GET /state, POST /faults, DELETE /faults", r.URL.Path))
	}
}

type faultsReply struct {
	OK     bool    `json:"ok"`
	Faults []Fault `json:"faults"`
}

func (s *Server) postFault(w http.ResponseWriter, r *http.Request) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxControlBody))
	dec.DisallowUnknownFields()
	var f Fault
	if err := dec.Decode(&f); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("body must be one fault object: %v", err))
		return
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		writeError(w, http.StatusBadRequest, "body must hold exactly one fault object")
		return
	}
	switch err := s.Inject(f); {
	case errors.Is(err, ErrBadFault):
		writeError(w, http.StatusBadRequest, err.Error())
	case err != nil:
		writeError(w, http.StatusServiceUnavailable, err.Error())
	default:
		writeJSON(w, http.StatusOK, faultsReply{OK: true, Faults: s.State().Faults})
	}
}

func loopbackRemote(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func notAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeError(w, http.StatusMethodNotAllowed, "method not allowed; allowed: "+allow)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// hostOnly strips a port from a Host header value.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

// loopbackName reports "localhost" and loopback IP literals.
func loopbackName(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
