package backtest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/journal"
)

// JournalSource is a Source over a journal's stored bars: the series of one
// bar setting (the config's bar size, data type and RTH flag), so that bars
// of another setting, journaled before the config changed, never mix in.
// The journal keeps closed bars only, one row per series and start time.
type JournalSource struct {
	r   *journal.Reader
	key engine.SeriesKey // the bar setting; Symbol unused
}

// NewJournalSource reads r's series of the bar setting bars (its Symbol is ignored).
func NewJournalSource(r *journal.Reader, bars engine.SeriesKey) *JournalSource {
	bars.Symbol = ""
	return &JournalSource{r: r, key: bars}
}

func (s *JournalSource) matches(k engine.SeriesKey) bool {
	return k.BarSize == s.key.BarSize && k.WhatToShow == s.key.WhatToShow && k.UseRTH == s.key.UseRTH
}

// Symbols lists the symbols with a series of the bar setting, in name order.
func (s *JournalSource) Symbols(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	keys, err := s.r.Series()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range keys {
		if s.matches(k) && !slices.Contains(out, k.Symbol) {
			out = append(out, k.Symbol)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Bars returns symbol's stored bars of the bar setting, oldest first; a
// symbol without such a series is ErrUnknownSymbol (wrapped).
func (s *JournalSource) Bars(ctx context.Context, symbol string) ([]engine.Bar, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	keys, err := s.r.Series()
	if err != nil {
		return nil, err
	}
	k := s.key
	k.Symbol = symbol
	if !slices.Contains(keys, k) {
		return nil, fmt.Errorf("%s: no %s %s bars in the journal: %w", symbol, k.BarSize, k.WhatToShow, ErrUnknownSymbol)
	}
	return s.r.Bars(k, time.Time{}, time.Time{})
}
