package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/backtest"
)

// maxAnswer bounds an answer Client reads: a watchlist's bars are well under
// a megabyte (2000 bars of about 130 bytes); more is not robotui.
const maxAnswer = 32 << 20

// Client reads a running robotui's API: the bar source of `robotui backtest`
// (a backtest.Source). It only ever talks to that robotui, never to a gateway.
type Client struct {
	Addr  string // host:port of the API
	Token string // bearer token, "" for none (loopback needs none)
	HTTP  *http.Client
}

var _ backtest.Source = (*Client)(nil)

// ErrUnreachable is wrapped by a Client's error when no robotui answered at all.
var ErrUnreachable = errors.New("no answer")

func (c *Client) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+c.Addr+path, nil)
	if err != nil {
		return nil, err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err // the url.Error repeats the address
		}
		return nil, fmt.Errorf("robotui at %s: %w: %w", c.Addr, ErrUnreachable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return nil, fmt.Errorf("robotui at %s: GET %s: %w", c.Addr, path, err)
	}
	if len(body) > maxAnswer {
		return nil, fmt.Errorf("robotui at %s: GET %s: answer over %d bytes", c.Addr, path, maxAnswer)
	}
	if resp.StatusCode != http.StatusOK {
		var e ErrorBody
		_ = json.Unmarshal(body, &e)
		err := fmt.Errorf("robotui at %s: GET %s: %s: %s", c.Addr, path, resp.Status, e.Error)
		if resp.StatusCode == http.StatusNotFound && strings.HasPrefix(path, "/v1/bars/") {
			err = fmt.Errorf("%w (%w)", err, backtest.ErrUnknownSymbol)
		}
		return nil, err
	}
	return body, nil
}

// Symbols is GET /v1/symbols: the watchlist, in order.
func (c *Client) Symbols(ctx context.Context) ([]string, error) {
	body, err := c.get(ctx, "/v1/symbols")
	if err != nil {
		return nil, err
	}
	var rows []Symbol
	if err := json.Unmarshal(body, &rows); err != nil {
		return nil, fmt.Errorf("robotui at %s: /v1/symbols: %w", c.Addr, err)
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.Symbol)
	}
	return out, nil
}

// Bars is GET /v1/bars/{symbol}: the closed bars robotui holds.
func (c *Client) Bars(ctx context.Context, symbol string) ([]engine.Bar, error) {
	body, err := c.get(ctx, "/v1/bars/"+url.PathEscape(symbol))
	if err != nil {
		return nil, err
	}
	bars, err := DecodeBars(body)
	if err != nil {
		return nil, fmt.Errorf("robotui at %s: /v1/bars/%s: %w", c.Addr, symbol, err)
	}
	return bars, nil
}

// DecodeBars reads a /v1/bars answer into the engine's bars, refusing one
// whose bars are not in time order (a backtest's verdicts depend on it).
func DecodeBars(body []byte) ([]engine.Bar, error) {
	var b Bars
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, err
	}
	out := make([]engine.Bar, len(b.Bars))
	for i, x := range b.Bars {
		if i > 0 && !x.Time.After(b.Bars[i-1].Time) {
			return nil, fmt.Errorf("bar %d at %s is not after the one before", i, x.Time.Format(time.RFC3339))
		}
		out[i] = engine.Bar{Time: x.Time, Open: x.Open, High: x.High, Low: x.Low, Close: x.Close, Volume: x.Volume}
	}
	return out, nil
}
