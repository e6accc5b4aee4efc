package ui

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/engine/account"
	"github.com/robotui/robotui/ui/panels"
	"github.com/robotui/robotui/ui/theme"
)

// sampleBars is a deterministic series of n closed 5-minute bars with a
// fast and a slow average over it and a cross every so often.
func sampleBars(symbol string, n int) ([]engine.Bar, []engine.SignalRecord) {
	bars := make([]engine.Bar, n)
	recs := make([]engine.SignalRecord, n)
	start := baseAt.Add(-time.Duration(n+1) * 5 * time.Minute)
	base := 100 + float64(len(symbol))*10
	var fast, slow float64
	prevRel := ""
	for i := range n {
		mid := base + 6*math.Sin(float64(i)/9) + 2*math.Sin(float64(i)/2.3)
		o := mid - 0.6*math.Cos(float64(i))
		c := mid + 0.6*math.Cos(float64(i)*1.7)
		bars[i] = engine.Bar{Time: start.Add(time.Duration(i) * 5 * time.Minute), Open: o, Close: c,
			High: max(o, c) + 0.4 + 0.3*math.Abs(math.Sin(float64(i))), Low: min(o, c) - 0.4 - 0.3*math.Abs(math.Cos(float64(i))), Volume: 1000 + float64(i*37%500)}
		fast = fast*0.8 + c*0.2
		slow = slow*0.93 + c*0.07
		if i == 0 {
			fast, slow = c, c
		}
		r := engine.SignalRecord{BarTime: bars[i].Time, Signal: "HOLD", Price: c, Fast: fast, Slow: slow}
		switch {
		case fast > slow:
			r.Relation = "above"
		case fast < slow:
			r.Relation = "below"
		}
		if i > 20 && prevRel != "" && r.Relation != prevRel {
			r.Signal = map[string]string{"above": "BUY", "below": "SELL"}[r.Relation]
		}
		prevRel = r.Relation
		recs[i] = r
	}
	return bars, recs
}

// withAccounts gives the snapshot two managed accounts with n positions in
// the first (the watchlist's symbols first), executions and open orders.
func withAccounts(n int) snapshotOpt {
	return func(s *engine.Snapshot) {
		b := account.Book{
			Account: "DU1234567", UpdatedAt: s.At.Add(-2 * time.Second),
			Summary: account.Summary{Currency: "USD", NetLiquidation: 1_254_310.42, Cash: 310_220.10, BuyingPower: 2_480_880.40,
				DailyPnL: 4_512.33, UnrealizedPnL: 38_120.75, RealizedPnL: -1_204.50},
		}
		for i := range n {
			sym := fmt.Sprintf("POS%03d", i)
			if i < len(s.Symbols) {
				sym = s.Symbols[i].Symbol
			}
			qty := float64(100 * (1 + i%9))
			if i%5 == 3 {
				qty = -qty
			}
			avg := 40 + float64((i*7919)%40000)/100
			last := avg * (1 + float64(i%11-5)/100)
			mv := qty * last
			b.Positions = append(b.Positions, account.Position{Symbol: sym, SecType: "STK", Currency: "USD", Qty: qty, AvgCost: avg,
				MarketPrice: last, MarketValue: mv, UnrealizedPnL: mv - qty*avg, DailyPnL: qty * last * float64(i%7-3) / 200,
				PctNetLiq: mv / b.Summary.NetLiquidation * 100})
		}
		b.Executions = []account.Execution{
			{ExecID: "0001f4e8.6750a1b2.01.01", Time: s.At.Add(-95 * time.Minute), Symbol: "AAPL", Side: account.Bought, Qty: 100, Price: 227.12, Exchange: "ISLAND", OrderID: 11, ClientID: 0, Commission: 1.00, Currency: "USD"},
			{ExecID: "0001f4e8.6750a1b2.02.01", Time: s.At.Add(-31 * time.Minute), Symbol: "MSFT", Side: account.Sold, Qty: 50, Price: 415.40, Exchange: "ARCA", OrderID: 12, ClientID: 3},
		}
		b.Orders = []account.Order{
			{OrderID: 21, PermID: 9001, ClientID: 0, Symbol: "NVDA", Action: "BUY", Type: "LMT", Qty: 200, Remaining: 200, LmtPrice: 118.50, TIF: "DAY", Status: "Submitted"},
			{OrderID: 22, PermID: 9002, ClientID: 3, Symbol: "TSLA", Action: "SELL", Type: "STP", Qty: 40, Remaining: 40, AuxPrice: 231.00, TIF: "GTC", Status: "PreSubmitted"},
		}
		other := account.Book{Account: "DU7654321", Summary: account.Summary{Currency: "USD", NetLiquidation: 98_000, Cash: 98_000, BuyingPower: 392_000}}
		s.Accounts = []account.Book{b, other}
		for i := range s.Symbols {
			r := &s.Symbols[i]
			r.Quote = engine.Quote{Bid: r.Last - 0.01, Ask: r.Last + 0.01, Last: r.Last, Volume: float64(1_000_000 + i*123_457),
				PrevClose: r.Last * (1 - float64(i%9-4)/100), At: s.At.Add(-time.Second)}
			r.Quote.Change = r.Quote.Last - r.Quote.PrevClose
			r.Quote.ChangePct = r.Quote.Change / r.Quote.PrevClose * 100
		}
	}
}

func TestAccountStripWithoutAccountData(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(10))
	v := m.View()
	if !strings.Contains(v, "Account: no account data yet") {
		t.Errorf("no account data: the strip does not say so:\n%s", v)
	}
	if strings.Contains(v, "NetLiq") || strings.Contains(v, "Positions") {
		t.Errorf("no account data: zeros shown:\n%s", v)
	}
	m, _ = press(t, f, m, "a")
	if !strings.Contains(m.status, "unavailable") {
		t.Errorf("a with no accounts: status %q", m.status)
	}
}

func TestAccountStripAndPositions(t *testing.T) {
	f := newFake(t)
	s := buildSnapshot(10, withAccounts(6))
	m := ready(t, f, 120, 40, s)
	v := m.View()
	for _, want := range []string{"DU1234567 (1/2)", "NetLiq 1,254,310.42", "Cash 310,220.10", "BP 2,480,880.40",
		"Day +4,512.33", "Unrl +38,120.75", "Real -1,204.50", "Positions", "TOTAL", "6 · sort symbol",
		// The top panels keep their counts at 120x40.
		"READY", "reconnects 2", "CLOSE_WAIT 0", "zombies none"} {
		if !strings.Contains(v, want) {
			t.Errorf("120x40: %q missing:\n%s", want, v)
		}
	}
	var mv, unrl float64
	for _, p := range s.Accounts[0].Positions {
		mv += p.MarketValue
		unrl += p.UnrealizedPnL
	}
	if !strings.Contains(v, panels.Money(mv)) || !strings.Contains(v, panels.Signed(unrl)) {
		t.Errorf("totals %s / %s not shown:\n%s", panels.Money(mv), panels.Signed(unrl), v)
	}

	// a shows the next account, and wraps.
	m, _ = press(t, f, m, "a")
	if v := m.View(); !strings.Contains(v, "DU7654321 (2/2)") || !strings.Contains(v, "no positions") {
		t.Errorf("after a: the second account is not shown:\n%s", v)
	}
	m, _ = press(t, f, m, "a")
	if !strings.Contains(m.View(), "DU1234567 (1/2)") {
		t.Error("a did not wrap to the first account")
	}

	// p sorts the positions by market value, largest first.
	m, _ = press(t, f, m, "p")
	if !strings.Contains(m.status, "market value") || !strings.Contains(m.View(), "sort market value") {
		t.Fatalf("p: status %q", m.status)
	}
	ps := s.Accounts[0].Positions
	for i := 1; i < len(m.posOrder); i++ {
		if math.Abs(ps[m.posOrder[i-1]].MarketValue) < math.Abs(ps[m.posOrder[i]].MarketValue) {
			t.Fatalf("positions by market value out of order: %v", m.posOrder)
		}
	}
}

func TestAccountStaleAndSigns(t *testing.T) {
	useProfile(t, termenv.TrueColor, false)
	th := theme.New(lipgloss.DefaultRenderer(), theme.DefaultPalette())
	s := buildSnapshot(4, withAccounts(3))
	s.Accounts[0].Stale = true
	line := panels.AccountStrip(th, s.Accounts, 0, 200)
	if !strings.Contains(ansi.Strip(line), "stale") {
		t.Errorf("a stale book is not marked: %q", ansi.Strip(line))
	}
	gain, loss := th.Good.S("+4,512.33"), th.Bad.S("-1,204.50")
	if !strings.Contains(line, gain) || !strings.Contains(line, loss) {
		t.Errorf("day P&L and realized are not coloured by sign: %q", line)
	}
	box := strings.Join(panels.Positions(th, &s.Accounts[0], panels.PositionTable{Order: []int{0, 1, 2}, SortBy: panels.PosSortSymbol}, 120, 10), "\n")
	if !strings.Contains(ansi.Strip(box), "Positions (stale)") {
		t.Errorf("the positions panel of a stale book is not marked:\n%s", ansi.Strip(box))
	}
}

func TestDetailViewOpensAndCloses(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(10, withAccounts(6)))
	for range 3 {
		m, _ = press(t, f, m, "j") // AAPL, AMZN, EURUSD, MSFT
	}
	m, cmd := press(t, f, m, "enter")
	if m.mode != modeDetail || m.detail.symbol != "MSFT" {
		t.Fatalf("enter: mode %v, symbol %q", m.mode, m.detail.symbol)
	}
	if len(f.barsAsked) != 0 {
		t.Fatal("the bars were read inside Update")
	}
	m, _ = step(t, f, m, run(t, cmd))
	if got := f.barsAsked; len(got) != 1 || got[0] != "MSFT" {
		t.Fatalf("bars asked for %v, want MSFT", got)
	}
	v := m.View()
	for _, want := range []string{"MSFT", "120 closed bars", "QUOTE", "Bid 129.18", "POSITION DU1234567", "Qty 200 @ 119.19",
		"LAST CROSSES", "SIGNAL", "n/esc back", "READY", "CLOSE_WAIT 0"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail: %q missing:\n%s", want, v)
		}
	}
	if !strings.ContainsAny(v, "┃█") || !strings.ContainsRune(v, '•') || !strings.ContainsRune(v, '·') || !strings.ContainsAny(v, "▲▼") {
		t.Errorf("detail: no candles, averages or crosses drawn:\n%s", v)
	}
	checkFits(t, v, 120, 40)

	// A new closed bar asks for the bars again; an old answer is ignored.
	s := buildSnapshot(10, withAccounts(6))
	s.Symbols[1].BarTime = s.Symbols[1].BarTime.Add(5 * time.Minute)
	s.Symbols[1].Bars++
	m, cmd = step(t, f, m, snapshotMsg{s})
	if cmd == nil {
		t.Fatal("a new bar did not ask for the bars again")
	}
	old := barsMsg{symbol: "MSFT", seq: m.detail.seq - 1}
	m, _ = step(t, f, m, old)
	if len(m.detail.bars) == 0 {
		t.Error("an old answer replaced the bars")
	}

	m, _ = press(t, f, m, "esc")
	if m.mode != modeNormal || !strings.Contains(m.View(), "Signals") {
		t.Fatalf("esc: mode %v", m.mode)
	}
	// An answer arriving after the view closed does not reopen it.
	m, _ = step(t, f, m, barsMsg{symbol: "MSFT", seq: m.detail.seq})
	if m.mode != modeNormal {
		t.Error("a late answer reopened the detail")
	}
}

func TestDetailWithoutQuoteLines(t *testing.T) {
	f := newFake(t)
	s := buildSnapshot(10)
	s.NoQuotes = []string{"AAPL", "SYM009"}
	m := ready(t, f, 120, 40, s)
	if v := m.View(); !strings.Contains(v, "2 without quotes") {
		t.Errorf("the table does not say which symbols get no quotes:\n%s", v)
	}
	m, cmd := press(t, f, m, "enter")
	m, _ = step(t, f, m, run(t, cmd))
	v := m.View()
	for _, want := range []string{"no quote: over the market-data line budget", "no account data yet"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail: %q missing:\n%s", want, v)
		}
	}
}

func TestExecutionsAndOrdersViews(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(10, withAccounts(6)))
	m, _ = press(t, f, m, "e")
	v := m.View()
	if m.mode != modeExecutions || !strings.Contains(v, "Executions today · DU1234567") ||
		!strings.Contains(v, "0001f4e8.6750a1b2.02.01") || !strings.Contains(v, "BOT") || !strings.Contains(v, "SLD") {
		t.Fatalf("e: mode %v:\n%s", m.mode, v)
	}
	if strings.Index(v, "MSFT") > strings.Index(v, "AAPL  ") {
		t.Error("executions are not newest first")
	}
	m, _ = press(t, f, m, "esc")
	m, _ = press(t, f, m, "o")
	v = m.View()
	if m.mode != modeOrders || !strings.Contains(v, "Open orders · DU1234567") || !strings.Contains(v, "PreSubmitted") ||
		!strings.Contains(v, "118.50") || !strings.Contains(v, "231.00") {
		t.Fatalf("o: mode %v:\n%s", m.mode, v)
	}
	m, _ = press(t, f, m, "esc")
	m, _ = press(t, f, m, "a")
	m, _ = press(t, f, m, "o")
	if v := m.View(); !strings.Contains(v, "Open orders · DU7654321") || !strings.Contains(v, "no open orders") {
		t.Errorf("o on the second account:\n%s", v)
	}
}

func TestMoneyFormats(t *testing.T) {
	for _, tt := range []struct {
		v          float64
		money, sgn string
	}{{0, "0.00", "0.00"}, {-0.001, "0.00", "0.00"}, {1234567.891, "1,234,567.89", "+1,234,567.89"}, {-999.5, "-999.50", "-999.50"},
		{100, "100.00", "+100.00"}, {-1000, "-1,000.00", "-1,000.00"}, {math.NaN(), "—", "—"}} {
		if got := panels.Money(tt.v); got != tt.money {
			t.Errorf("Money(%v) = %q, want %q", tt.v, got, tt.money)
		}
		if got := panels.Signed(tt.v); got != tt.sgn {
			t.Errorf("Signed(%v) = %q, want %q", tt.v, got, tt.sgn)
		}
	}
}

func TestPositionsPanelFocusScrollAndOpen(t *testing.T) {
	f := newFake(t)
	m := ready(t, f, 120, 40, buildSnapshot(10, withAccounts(40)))
	m, _ = press(t, f, m, "tab")
	if m.focus != focusPositions {
		t.Fatalf("tab: focus %v, want the positions panel", m.focus)
	}
	rows := m.positionsHeight() - 4
	if !strings.Contains(m.View(), "1-"+strconv.Itoa(rows)+" of 40") {
		t.Fatalf("the panel does not say which rows it shows:\n%s", m.View())
	}
	m, _ = press(t, f, m, "G")
	if m.posCur != 39 || !strings.Contains(m.View(), strconv.Itoa(40-rows+1)+"-40 of 40") {
		t.Fatalf("G: cursor %d:\n%s", m.posCur, m.View())
	}
	checkFits(t, m.View(), 120, 40)
	for range 5 { // TSLA, SYM009, SYM008, SPY, QQQ: up to POS039, off the watchlist
		m, _ = press(t, f, m, "k")
	}
	want := "POS039"
	if v := m.View(); !strings.Contains(v, "▸ POS039") {
		t.Errorf("the selected position is not marked:\n%s", v)
	}
	m, cmd := press(t, f, m, "enter")
	if m.mode != modeDetail || m.detail.symbol != want {
		t.Fatalf("enter on a position: mode %v, symbol %q, want %q", m.mode, m.detail.symbol, want)
	}
	m, _ = step(t, f, m, run(t, cmd))
	if v := m.View(); !strings.Contains(v, "not on the watchlist") || !strings.Contains(v, "Qty ") {
		t.Errorf("a position off the watchlist: detail\n%s", v)
	}
	m, _ = press(t, f, m, "esc")
	m, _ = press(t, f, m, "tab")
	if m.focus != focusEvents {
		t.Errorf("tab from the positions: focus %v, want the log", m.focus)
	}
	// Too small for the panel: the focus goes back to the table.
	m, _ = press(t, f, m, "tab")
	m, _ = press(t, f, m, "tab")
	m, _ = step(t, f, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if m.focus != focusTable {
		t.Errorf("the panel left: focus %v", m.focus)
	}
}
