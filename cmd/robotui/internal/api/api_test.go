package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/conn/ibsim"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/account"
)

// spec is openapi.json, read as the test's schema.
type spec struct {
	Paths      map[string]map[string]operation `json:"paths"`
	Components struct {
		Schemas map[string]*schema `json:"schemas"`
	} `json:"components"`
}

type operation struct {
	Responses map[string]struct {
		Content map[string]struct {
			Schema *schema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 any                `json:"type"` // a name or a list of names
	Format               string             `json:"format"`
	Enum                 []any              `json:"enum"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	AdditionalProperties any                `json:"additionalProperties"` // false or a schema
	Items                *schema            `json:"items"`
}

func loadSpec(t *testing.T) *spec {
	t.Helper()
	var s spec
	if err := json.Unmarshal(OpenAPI, &s); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return &s
}

// check validates v (decoded JSON) against sc, strictly: no undocumented
// property, every required one present, types and date-times as written.
func (s *spec) check(path string, sc *schema, v any) []string {
	if sc.Ref != "" {
		return s.check(path, s.Components.Schemas[strings.TrimPrefix(sc.Ref, "#/components/schemas/")], v)
	}
	var types []string
	switch tt := sc.Type.(type) {
	case string:
		types = []string{tt}
	case []any:
		for _, x := range tt {
			types = append(types, x.(string))
		}
	}
	kind := "null"
	switch x := v.(type) {
	case map[string]any:
		kind = "object"
	case []any:
		kind = "array"
	case string:
		kind = "string"
	case bool:
		kind = "boolean"
	case float64:
		kind = "number"
		if x == float64(int64(x)) && !slices.Contains(types, "number") {
			kind = "integer"
		}
	}
	if len(types) > 0 && !slices.Contains(types, kind) {
		return []string{fmt.Sprintf("%s: %s, want %v", path, kind, types)}
	}
	var errs []string
	switch x := v.(type) {
	case map[string]any:
		for _, r := range sc.Required {
			if _, ok := x[r]; !ok {
				errs = append(errs, fmt.Sprintf("%s: lacks %q", path, r))
			}
		}
		for k, val := range x {
			if p, ok := sc.Properties[k]; ok {
				errs = append(errs, s.check(path+"."+k, p, val)...)
				continue
			}
			switch ap := sc.AdditionalProperties.(type) {
			case bool:
				if !ap {
					errs = append(errs, fmt.Sprintf("%s: undocumented property %q", path, k))
				}
			case map[string]any:
				b, _ := json.Marshal(ap)
				var sub schema
				json.Unmarshal(b, &sub)
				errs = append(errs, s.check(path+"."+k, &sub, val)...)
			default:
				errs = append(errs, fmt.Sprintf("%s: undocumented property %q", path, k))
			}
		}
	case []any:
		for i, item := range x {
			errs = append(errs, s.check(fmt.Sprintf("%s[%d]", path, i), sc.Items, item)...)
		}
	case string:
		if sc.Format == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, x); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %q is no date-time", path, x))
			}
		}
		if len(sc.Enum) > 0 && !slices.Contains(sc.Enum, any(x)) {
			errs = append(errs, fmt.Sprintf("%s: %q not in %v", path, x, sc.Enum))
		}
	}
	return errs
}

// request sends one request to h as a loopback client.
func request(h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	req.RemoteAddr, req.Host = "127.0.0.1:50000", "127.0.0.1:7465"
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// realEngine is an engine against the in-process simulator, ready with bars.
func realEngine(t *testing.T, hub *Hub) *engine.Engine {
	t.Helper()
	sim, err := ibsim.Start(ibsim.Config{Addr: "127.0.0.1:0", Seed: 1, Speed: 10, Start: time.Date(2026, 1, 5, 15, 30, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	eng, err := engine.New(engine.Options{Session: conn.Config{Addr: "127.0.0.1:" + strconv.Itoa(sim.Port())},
		Symbols: []string{"AAPL", "MSFT"}, ScanInterval: 250 * time.Millisecond, Log: slog.New(hub.Handler(slog.LevelInfo))})
	if err != nil {
		t.Fatal(err)
	}
	eng.Start()
	t.Cleanup(eng.Close)
	deadline := time.After(30 * time.Second)
	for {
		select {
		case s := <-eng.Snapshots():
			if s.Conn.State == conn.Ready && s.Symbols[0].Bars > 0 && s.Symbols[1].Bars > 0 && !s.Sockets.ScannedAt.IsZero() {
				return eng
			}
		case <-deadline:
			t.Fatal("the engine was not ready with bars within 30 s")
		}
	}
}

// fakeEngine serves a fixed snapshot with something in every list.
type fakeEngine struct {
	snap       engine.Snapshot
	reconnects atomic.Int32
}

func (f *fakeEngine) Latest() engine.Snapshot { return f.snap }
func (f *fakeEngine) ClosedBars(string) ([]engine.Bar, []engine.SignalRecord) {
	t0 := time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC)
	return []engine.Bar{{Time: t0, Close: 1}, {Time: t0.Add(5 * time.Minute), Close: 2}}, []engine.SignalRecord{{Signal: "HOLD"}, {Signal: "BUY"}}
}
func (f *fakeEngine) Reconnect() { f.reconnects.Add(1) }

func fullSnapshot() engine.Snapshot {
	now := time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC)
	return engine.Snapshot{At: now,
		Conn:    engine.ConnInfo{State: conn.Ready, Since: now, ReadySince: now, Cause: conn.CauseEOF, ByCause: map[conn.Cause]int{conn.CauseEOF: 2}, Accounts: []string{"DU1"}},
		Sockets: engine.SocketInfo{Port: 4002, Counts: map[string]int{"ESTABLISHED": 1}, Zombies: []engine.Zombie{{PID: 7, Side: "gateway", State: "CLOSE_WAIT"}}},
		Farms:   []conn.Farm{{Name: "usfarm", State: conn.FarmOK, Since: now}},
		Symbols: []engine.SymbolRow{{Symbol: "AAPL", Status: "live", BarTime: now, Since: now}},
		Accounts: []account.Book{{Account: "DU1", UpdatedAt: now, Summary: account.Summary{Currency: "USD", NetLiquidation: 100000.5, Cash: 50000, Tags: map[string]string{"AccountType": "INDIVIDUAL"}},
			Positions: []account.Position{{Symbol: "AAPL", ConID: 265598, SecType: "STK", Currency: "USD", Qty: 100, AvgCost: 150.25, MarketPrice: 190, MarketValue: 19000}}},
			{Account: "DU2", Stale: true}},
	}
}

// TestResponsesMatchOpenAPI: every path of openapi.json answered by the API
// over a real engine (and a fake one with every list filled), each answer
// checked strictly against the schema of its status.
func TestResponsesMatchOpenAPI(t *testing.T) {
	sp := loadSpec(t)
	hub := NewHub(0)
	eng := realEngine(t, hub)
	token := "tok"
	for name, h := range map[string]http.Handler{
		"real": Handler(Options{Engine: eng, Hub: hub, Token: token}),
		"fake": Handler(Options{Engine: &fakeEngine{snap: fullSnapshot()}, Hub: hub, Token: token}),
	} {
		covered := map[string]bool{}
		for _, c := range []struct {
			method, target, path string
			want                 int
			hdr                  []string
		}{
			{"GET", "/v1/state", "/v1/state", 200, nil},
			{"GET", "/v1/symbols", "/v1/symbols", 200, nil},
			{"GET", "/v1/bars/AAPL", "/v1/bars/{symbol}", 200, nil},
			{"GET", "/v1/bars/aapl?since=2026-01-05T15:05:00Z", "/v1/bars/{symbol}", 200, nil},
			{"GET", "/v1/bars/AAPL?since=yesterday", "/v1/bars/{symbol}", 400, nil},
			{"GET", "/v1/bars/ZZZZ", "/v1/bars/{symbol}", 404, nil},
			{"GET", "/v1/account", "/v1/account", 200, nil},
			{"GET", "/v1/positions", "/v1/positions", 200, nil},
			{"GET", "/v1/events", "/v1/events", 400, []string{"Last-Event-ID", "x"}},
			{"GET", "/v1/state", "/v1/state", 401, []string{"Authorization", "Bearer wrong"}},
			{"POST", "/v1/reconnect", "/v1/reconnect", 401, nil},
			{"GET", "/v1/openapi.json", "/v1/openapi.json", 200, nil},
		} {
			rec := request(h, c.method, c.target, c.hdr...)
			if rec.Code != c.want {
				t.Errorf("%s: %s %s: %d, want %d: %s", name, c.method, c.target, rec.Code, c.want, rec.Body)
				continue
			}
			op, ok := sp.Paths[c.path][strings.ToLower(c.method)]
			if !ok {
				t.Fatalf("openapi.json lacks %s %s", c.method, c.path)
			}
			r, ok := op.Responses[strconv.Itoa(c.want)]
			if !ok {
				t.Errorf("openapi.json: %s %s documents no %d", c.method, c.path, c.want)
				continue
			}
			covered[c.method+" "+c.path] = true
			var v any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Errorf("%s %s: not JSON: %v", c.method, c.target, err)
				continue
			}
			for _, e := range sp.check(c.target, r.Content["application/json"].Schema, v) {
				t.Errorf("%s: %s", name, e)
			}
			if c.target == "/v1/bars/aapl?since=2026-01-05T15:05:00Z" && name == "fake" && len(v.(map[string]any)["bars"].([]any)) != 1 {
				t.Errorf("since kept %v, want the one bar from 15:05", v)
			}
		}
		rec := request(h, "POST", "/v1/reconnect", "Authorization", "Bearer "+token)
		if rec.Code != http.StatusAccepted {
			t.Errorf("%s: reconnect with the token: %d %s", name, rec.Code, rec.Body)
		}
		covered["POST /v1/reconnect"] = true
		for path, ops := range sp.Paths {
			for method := range ops {
				if k := strings.ToUpper(method) + " " + path; !covered[k] && path != "/v1/events" {
					t.Errorf("%s: %s is documented but not checked", name, k)
				}
			}
		}
	}
}

func TestGuard(t *testing.T) {
	f := &fakeEngine{snap: fullSnapshot()}
	open := Handler(Options{Engine: f, Hub: NewHub(0)})
	withToken := Handler(Options{Engine: f, Hub: NewHub(0), Token: "s3cret"})
	remote := func(h http.Handler, method, target string, hdr ...string) int {
		req := httptest.NewRequest(method, target, nil)
		req.RemoteAddr, req.Host = "192.0.2.7:50000", "robotui:7465"
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for _, c := range []struct {
		name string
		got  int
		want int
	}{
		{"loopback", request(open, "GET", "/v1/state").Code, 200},
		{"foreign Host (DNS rebinding)", request(open, "GET", "/v1/state", "Host", "evil.example").Code, 403},
		{"foreign Origin", request(open, "GET", "/v1/state", "Origin", "http://evil.example").Code, 403},
		{"loopback Origin", request(open, "GET", "/v1/state", "Origin", "http://localhost:3000").Code, 200},
		{"remote without token", remote(withToken, "GET", "/v1/state"), 401},
		{"remote, wrong token", remote(withToken, "GET", "/v1/state", "Authorization", "Bearer nope"), 401},
		{"remote with token", remote(withToken, "GET", "/v1/state", "Authorization", "Bearer s3cret"), 200},
		{"reconnect, no token configured", request(open, "POST", "/v1/reconnect").Code, 403},
		{"reconnect without the token", request(withToken, "POST", "/v1/reconnect").Code, 401},
		{"GET reconnect", request(withToken, "GET", "/v1/reconnect").Code, 405},
		{"unknown path", request(open, "GET", "/v2/state").Code, 404},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
		}
	}
	if n := f.reconnects.Load(); n != 0 {
		t.Errorf("%d reconnects without the token", n)
	}
	if rec := request(withToken, "POST", "/v1/reconnect", "Authorization", "Bearer s3cret"); rec.Code != 202 || f.reconnects.Load() != 1 {
		t.Errorf("reconnect with the token: %d, %d reconnects", rec.Code, f.reconnects.Load())
	}
}

func TestReadToken(t *testing.T) {
	dir := t.TempDir()
	good, loose := filepath.Join(dir, "good"), filepath.Join(dir, "loose")
	os.WriteFile(good, []byte("abc\n"), 0o600)
	os.WriteFile(loose, []byte("abc\n"), 0o644)
	if tok, err := ReadToken(good); err != nil || tok != "abc" {
		t.Errorf("0600 file: %q %v", tok, err)
	}
	if _, err := ReadToken(loose); err == nil || !strings.Contains(err.Error(), "0600") {
		t.Errorf("0644 file: %v, want a refusal naming 0600", err)
	}
}

// stream opens /v1/events on srv and returns its events as they come.
func stream(t *testing.T, srv *httptest.Server, lastID string) (<-chan [3]string, func()) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/events", nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("events: %d %s", resp.StatusCode, ct)
	}
	out := make(chan [3]string, 100)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		var ev [3]string // id, event, data
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "" && ev[1] != "":
				out <- ev
				ev = [3]string{}
			case strings.HasPrefix(line, "id: "):
				ev[0] = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev[1] = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev[2] = line[6:]
			}
		}
	}()
	return out, func() { resp.Body.Close() }
}

func next(t *testing.T, evs <-chan [3]string) [3]string {
	t.Helper()
	select {
	case ev, ok := <-evs:
		if !ok {
			t.Fatal("stream ended")
		}
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5 s")
	}
	return [3]string{}
}

// TestEventsResume: the stream carries the JSON lines slog writes, one id
// each; a client resuming with Last-Event-ID misses nothing, and one whose
// events are no longer kept is told how many it lost.
func TestEventsResume(t *testing.T) {
	hub := NewHub(4)
	log := slog.New(hub.Handler(slog.LevelInfo))
	srv := httptest.NewServer(Handler(Options{Engine: &fakeEngine{snap: fullSnapshot()}, Hub: hub, Heartbeat: 50 * time.Millisecond}))
	t.Cleanup(srv.Close)
	t.Cleanup(hub.Close)

	evs, stop := stream(t, srv, "")
	log.Info("conn.state", "state", "backoff", "prev", "ready")
	log.Debug("keepalive", "ok", true) // below the level: not an event
	log.Info("conn.state", "state", "connecting", "prev", "backoff")
	a, b := next(t, evs), next(t, evs)
	stop()
	if a[0] != "1" || a[1] != "conn.state" || b[0] != "2" {
		t.Fatalf("events %v %v, want ids 1, 2 of conn.state", a, b)
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(a[2]), &line); err != nil || line["msg"] != "conn.state" || line["state"] != "backoff" || line["level"] != "INFO" || line["time"] == nil {
		t.Errorf("data %s is not the JSON event line (%v)", a[2], err)
	}
	log.Info("conn.state", "state", "ready", "prev", "handshaking") // while nobody listens
	evs, stop = stream(t, srv, "2")
	if c := next(t, evs); c[0] != "3" || !strings.Contains(c[2], `"state":"ready"`) {
		t.Errorf("resumed after 2: %v, want event 3 (ready)", c)
	}
	stop()
	for i := range 6 {
		log.Info("sockets", "n", i)
	}
	// Ids 4..9 were added; the hub keeps 4 (6..9): a resume after 3 lost 4 and 5.
	evs, stop = stream(t, srv, "3")
	defer stop()
	if l := next(t, evs); l[1] != "lost" || l[2] != `{"count":2}` {
		t.Errorf("resume past the kept events: %v, want a lost event of 2", l)
	}
	if e := next(t, evs); e[0] != "6" {
		t.Errorf("after the loss: event %v, want 6", e)
	}
}

func TestTeeHandsEveryRecordToBoth(t *testing.T) {
	hub := NewHub(0)
	var buf strings.Builder
	log := slog.New(Tee(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}), hub.Handler(slog.LevelInfo)))
	log.Info("signal", "symbol", "AAPL")
	log.Warn("keepalive", "ok", false)
	evs, _, _, _ := hub.After(0)
	if len(evs) != 2 || strings.Count(buf.String(), "\n") != 1 {
		t.Fatalf("hub %d events, log %q", len(evs), buf.String())
	}
	if got := string(evs[1].JSON) + "\n"; got != buf.String() {
		t.Errorf("the hub's line differs from the log's:\nhub %s\nlog %s", got, buf.String())
	}
}
