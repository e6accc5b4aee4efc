package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/robotui/robotui/cmd/robotui/internal/api"
	"github.com/robotui/robotui/cmd/robotui/internal/config"
	"github.com/robotui/robotui/cmd/robotui/internal/httpserve"
	"github.com/robotui/robotui/cmd/robotui/internal/metrics"
	"github.com/robotui/robotui/engine"
)

// apiLimits: fifty scripts and their streams must fit, with room to spare.
var apiLimits = httpserve.Limits{MaxConns: 256}

// instanceFile is what a running robotui tells its thin clients
// (robotui status, quotes, positions, health): where to ask.
type instanceFile struct {
	PID     int    `json:"pid"`
	API     string `json:"api,omitempty"`     // the API's host:port
	Metrics string `json:"metrics,omitempty"` // the metrics (/healthz, /readyz) host:port
}

// instancePath is $XDG_RUNTIME_DIR/robotui/instance.json, else a per-user
// directory under the temporary directory.
func instancePath(env []string) string {
	if d := envValue(env, "XDG_RUNTIME_DIR"); filepath.IsAbs(d) {
		return filepath.Join(d, "robotui", "instance.json")
	}
	return filepath.Join(os.TempDir(), "robotui-"+strconv.Itoa(os.Getuid()), "instance.json")
}

func envValue(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := cutEq(kv); ok && k == key {
			v = val
		}
	}
	return v
}

func cutEq(kv string) (string, string, bool) {
	for i := range len(kv) {
		if kv[i] == '=' {
			return kv[:i], kv[i+1:], true
		}
	}
	return "", "", false
}

// writeInstance writes the instance file (0600 in a 0700 directory) and
// returns its remover, which leaves a newer instance's file alone.
func writeInstance(path string, inst instanceFile) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	b, _ := json.Marshal(inst)
	tmp := path + ".tmp" + strconv.Itoa(inst.PID)
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return func() {
		if cur, err := readInstance(path); err == nil && cur.PID == inst.PID {
			os.Remove(path)
		}
	}, nil
}

func readInstance(path string) (instanceFile, error) {
	var inst instanceFile
	b, err := os.ReadFile(path)
	if err != nil {
		return inst, err
	}
	return inst, json.Unmarshal(b, &inst)
}

// ops is what the console runs for operators beside the engine: the API,
// the instance file and the health push.
type ops struct {
	hub     *api.Hub
	stops   []func()
	pushCtx context.CancelFunc
	wg      sync.WaitGroup
}

// newOps makes the event hub when the API is on; events is the engine's
// event logger, returned teed into the hub.
func newOps(cfg config.Config, events *slog.Logger) (*ops, *slog.Logger) {
	o := &ops{}
	if cfg.API.Addr == "" {
		return o, events
	}
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Log.Level)) // validated
	o.hub = api.NewHub(api.DefaultKeep)
	return o, slog.New(api.Tee(events.Handler(), o.hub.Handler(level)))
}

// start serves the API, writes the instance file and starts the push;
// metricsAddr is where metrics listen ("" when off).
func (o *ops) start(cfg config.Config, eng *engine.Engine, m *metrics.Metrics, metricsAddr string, diag *slog.Logger, env []string) error {
	inst := instanceFile{PID: os.Getpid(), Metrics: metricsAddr}
	if o.hub != nil {
		token := ""
		if cfg.API.TokenFile != "" {
			t, err := api.ReadToken(cfg.API.TokenFile)
			if err != nil {
				return err
			}
			token = t
		}
		srv, err := httpserve.Start(cfg.API.Addr, api.Handler(api.Options{Engine: eng, Hub: o.hub, Token: token}), apiLimits)
		if err != nil {
			return fmt.Errorf("api: %w", err)
		}
		o.stops = append(o.stops, func() { o.hub.Close(); srv.Close() })
		inst.API = srv.Addr.String()
		diag.Info("api", "addr", inst.API)
	}
	if inst.API != "" || inst.Metrics != "" {
		remove, err := writeInstance(instancePath(env), inst)
		if err != nil {
			diag.Warn("instance file", "error", err.Error())
		} else {
			o.stops = append(o.stops, remove)
		}
	}
	if cfg.Health.PushURL != "" {
		ctx, cancel := context.WithCancel(context.Background())
		o.pushCtx = cancel
		o.wg.Add(1)
		go func() {
			defer o.wg.Done()
			pushLoop(ctx, cfg.Health.PushURL, cfg.Health.PushInterval, m.Readiness, diag)
		}()
	}
	return nil
}

// stop undoes start, newest first, and waits for the push.
func (o *ops) stop() {
	if o.pushCtx != nil {
		o.pushCtx()
	}
	o.wg.Wait()
	for i := len(o.stops) - 1; i >= 0; i-- {
		o.stops[i]()
	}
}

// pushLoop GETs target every interval while ready. The URL is a secret:
// no line it writes contains it.
func pushLoop(ctx context.Context, target string, every time.Duration, ready func() metrics.Readiness, diag *slog.Logger) {
	client := &http.Client{Timeout: min(10*time.Second, every)}
	tick := time.NewTicker(every)
	defer tick.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if !ready().Ready {
			continue
		}
		err := push(ctx, client, target)
		switch {
		case err != nil && !failing:
			diag.Warn("health.push", "ok", false, "error", err.Error())
		case err == nil && failing:
			diag.Info("health.push", "ok", true)
		}
		failing = err != nil
	}
}

func push(ctx context.Context, client *http.Client, target string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return errors.New("bad push_url")
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return ue.Err // the url.Error's text would carry the URL
		}
		return errors.New("request failed")
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}
