package ibsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/robotui/robotui/conn/wire"
)

func controlServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	s := startSim(t, Config{})
	h := httptest.NewServer(s.Handler())
	t.Cleanup(h.Close)
	return s, h
}

func do(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: content type %q", method, url, ct)
	}
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %v", method, url, err)
	}
	return resp.StatusCode, out
}

func TestControlState(t *testing.T) {
	s, h := controlServer(t)
	c := connect(t, s, 7)
	c.fence()
	code, body := do(t, "GET", h.URL+"/state", "")
	if code != 200 {
		t.Fatalf("GET /state: %d %v", code, body)
	}
	var st State
	raw, _ := json.Marshal(body)
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"server_version_max", "clients", "faults", "symbols"} {
		if _, ok := body[key]; !ok {
			t.Errorf("state lacks %q", key)
		}
	}
	cs, ok := st.Client(c.local())
	if st.ServerVersionMax != 178 || len(st.Symbols) < 100 || !ok || cs.ClientID != 7 || cs.State != "ready" || cs.Version != 178 || cs.Requests != 1 {
		t.Errorf("state %+v, client %+v", st, cs)
	}
	client := body["clients"].([]any)[0].(map[string]any)
	for _, key := range []string{"addr", "client_id", "state", "version", "requests"} {
		if _, ok := client[key]; !ok {
			t.Errorf("client entry lacks %q: %v", key, client)
		}
	}
}

func TestControlFaults(t *testing.T) {
	good := []struct {
		body   string
		listed bool // stays in /state's faults
	}{
		{`{"kind":"drop","mode":"fin"}`, false},
		{`{"kind":"drop","mode":"rst"}`, false},
		{`{"kind":"stall","for":"30s","all":false}`, true},
		{`{"kind":"handshake_stall","for":"10s"}`, true},
		{`{"kind":"down","for":"5s"}`, true},
		{`{"kind":"codes","codes":[1100,1102],"gap":"2s"}`, true},
		{`{"kind":"garbage"}`, false},
		{`{"kind":"oversized"}`, false},
		{`{"kind":"latency","ms":50}`, true},
		{`{"kind":"hold","on":true}`, true},
		{`{"kind":"max_clients","n":3}`, true},
		{`{"kind":"farm_flap","farm":"usfarm","for":"5s"}`, true},
		{`{"kind":"silence","symbols":["AAPL"],"for":"60s"}`, true},
		{`{"kind":"reset","gap":"15s"}`, true},
		{`{"kind":"competing_session","for":"10s"}`, true},
	}
	s, h := controlServer(t)
	for _, tt := range good {
		code, body := do(t, "POST", h.URL+"/faults", tt.body)
		if code != 200 || body["ok"] != true {
			t.Errorf("POST %s: %d %v", tt.body, code, body)
			continue
		}
		var f Fault
		json.Unmarshal([]byte(tt.body), &f)
		listed := false
		for _, g := range s.State().Faults {
			listed = listed || g.Kind == f.Kind
		}
		if listed != tt.listed {
			t.Errorf("POST %s: listed %v, want %v", tt.body, listed, tt.listed)
		}
	}
	code, body := do(t, "DELETE", h.URL+"/faults", "")
	if code != 200 || len(body["faults"].([]any)) != 0 || len(s.State().Faults) != 0 {
		t.Errorf("DELETE /faults: %d %v; state faults %v", code, body, s.State().Faults)
	}
	connect(t, s, 1).fence() // the listener is back after "down"
}

func TestControlRejectsBadRequests(t *testing.T) {
	tests := []struct {
		method, path, body string
		code               int
	}{
		{"POST", "/faults", `{"kind":"nope"}`, 400},
		{"POST", "/faults", `{}`, 400},
		{"POST", "/faults", `{"kind":"drop","mode":"slow"}`, 400},
		{"POST", "/faults", `{"kind":"stall","for":"-1s"}`, 400},
		{"POST", "/faults", `{"kind":"stall","for":30}`, 400},
		{"POST", "/faults", `{"kind":"stall","for":"soon"}`, 400},
		{"POST", "/faults", `{"kind":"codes","codes":[]}`, 400},
		{"POST", "/faults", `{"kind":"codes","codes":[4242]}`, 400},
		{"POST", "/faults", `{"kind":"latency","ms":-5}`, 400},
		{"POST", "/faults", `{"kind":"max_clients","n":0}`, 400},
		{"POST", "/faults", `{"kind":"hold","on":"yes"}`, 400},
		{"POST", "/faults", `{"kind":"farm_flap","farm":"moonfarm"}`, 400},
		{"POST", "/faults", `{"kind":"farm_flap"}`, 400},
		{"POST", "/faults", `{"kind":"silence","symbols":[]}`, 400},
		{"POST", "/faults", `{"kind":"silence","symbols":["NOPE1"]}`, 400},
		{"POST", "/faults", `{"kind":"reset","gap":"2h"}`, 400},
		{"POST", "/faults", `{"kind":"drop","colour":"red"}`, 400},
		{"POST", "/faults", `{"kind":"drop"}{"kind":"drop"}`, 400},
		{"POST", "/faults", `[{"kind":"drop"}]`, 400},
		{"POST", "/faults", `not json`, 400},
		{"POST", "/faults", ``, 400},
		{"POST", "/faults", `{"kind":"drop","mode":"` + strings.Repeat("x", 100_000) + `"}`, 400},
		{"PUT", "/faults", `{"kind":"drop"}`, 405},
		{"POST", "/state", ``, 405},
		{"GET", "/nope", ``, 404},
	}
	s, h := controlServer(t)
	for _, tt := range tests {
		code, body := do(t, tt.method, h.URL+tt.path, tt.body)
		if msg, _ := body["error"].(string); code != tt.code || msg == "" {
			t.Errorf("%s %s %.60s: %d %v, want %d with an error", tt.method, tt.path, tt.body, code, body, tt.code)
		}
	}
	if f := s.State().Faults; len(f) != 0 {
		t.Errorf("rejected requests left faults: %v", f)
	}
}

func TestControlIsLoopbackOnly(t *testing.T) {
	s := startSim(t, Config{})
	for _, remote := range []string{"10.0.0.7:5555", "[2001:db8::1]:80", "garbage"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/state", nil)
		req.RemoteAddr = remote
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("from %s: %d %s", remote, rec.Code, rec.Body.String())
		}
	}
	for _, tt := range []struct {
		name, host, origin string
		want               int
	}{
		{"curl from ::1", "[::1]:4003", "", http.StatusOK},
		{"localhost", "localhost:4003", "", http.StatusOK},
		{"a loopback page", "127.0.0.1:4003", "http://127.0.0.1:8080", http.StatusOK},
		{"DNS rebinding", "evil.example:4003", "", http.StatusForbidden},
		{"a cross-site page", "127.0.0.1:4003", "https://evil.example", http.StatusForbidden},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/faults", strings.NewReader(`{"kind":"latency","ms":1}`))
		req.RemoteAddr, req.Host = "[::1]:4000", tt.host
		if tt.origin != "" {
			req.Header.Set("Origin", tt.origin)
		}
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, rec.Code, rec.Body.String(), tt.want)
		}
	}
}

// GET /state counts the bars each client was sent in historical replies.
func TestControlStateBarsSent(t *testing.T) {
	s, h := controlServer(t)
	c := connect(t, s, 3)
	c.send(histReq(1, "AAPL", "1 hour", "1 D", false, 1))
	got := c.until(isType[*wire.HistoricalData])
	n := len(got[len(got)-1].(*wire.HistoricalData).Bars)
	c.send(histReq(2, "MSFT", "1 hour", "2 D", false, 1))
	got = c.until(isType[*wire.HistoricalData])
	n += len(got[len(got)-1].(*wire.HistoricalData).Bars)
	c.fence()
	_, body := do(t, "GET", h.URL+"/state", "")
	sent := -1.0
	for _, e := range body["clients"].([]any) {
		if cl := e.(map[string]any); cl["addr"] == c.local() {
			sent, _ = cl["bars_sent"].(float64)
		}
	}
	if n == 0 || sent != float64(n) {
		t.Errorf("bars_sent = %v, want the %d bars the replies held", sent, n)
	}
}
