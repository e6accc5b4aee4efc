package api

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/robotui/robotui/engine/backtest"
)

func TestClient(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/symbols", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`[{"symbol":"AAPL"},{"symbol":"MSFT"}]`))
	})
	mux.HandleFunc("GET /v1/bars/AAPL", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			writeError(w, http.StatusUnauthorized, "token")
			return
		}
		w.Write([]byte(`{"symbol":"AAPL","bars":[{"time":"2026-01-05T14:30:00Z","close":1},{"time":"2026-01-05T14:35:00Z","close":2}]}`))
	})
	mux.HandleFunc("GET /v1/bars/NOPE", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, `"NOPE" is not on the watchlist`)
	})
	mux.HandleFunc("GET /v1/bars/BIG", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"bars":[` + strings.Repeat(" ", maxAnswer) + `]}`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c := &Client{Addr: strings.TrimPrefix(srv.URL, "http://"), Token: "tok"}
	ctx := context.Background()
	syms, err := c.Symbols(ctx)
	if err != nil || strings.Join(syms, ",") != "AAPL,MSFT" {
		t.Fatalf("Symbols: %v %v", syms, err)
	}
	bars, err := c.Bars(ctx, "AAPL")
	if err != nil || len(bars) != 2 || bars[1].Close != 2 {
		t.Fatalf("Bars: %v %v", bars, err)
	}
	if _, err := c.Bars(ctx, "NOPE"); !errors.Is(err, backtest.ErrUnknownSymbol) || !strings.Contains(err.Error(), "not on the watchlist") {
		t.Errorf("NOPE: %v", err)
	}
	if _, err := c.Bars(ctx, "BIG"); err == nil || !strings.Contains(err.Error(), "answer over") {
		t.Errorf("BIG: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	if _, err := (&Client{Addr: addr}).Symbols(ctx); !errors.Is(err, ErrUnreachable) {
		t.Errorf("nothing listening: %v", err)
	}
}

func FuzzDecodeBars(f *testing.F) {
	f.Add([]byte(`{"symbol":"AAPL","bars":[{"time":"2026-01-05T14:30:00Z","close":1},{"time":"2026-01-05T14:35:00Z","close":2}]}`))
	f.Add([]byte(`{"bars":[{"time":"2026-01-05T14:30:00Z"},{"time":"2026-01-05T14:30:00Z"}]}`))
	f.Add([]byte(`{"bars":null}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		bars, err := DecodeBars(body)
		if err != nil {
			return
		}
		for i := 1; i < len(bars); i++ {
			if !bars[i].Time.After(bars[i-1].Time) {
				t.Fatalf("bar %d not after bar %d", i, i-1)
			}
		}
	})
}
