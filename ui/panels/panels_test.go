package panels

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // New York on hosts without a zone database

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/robotui/robotui/conn"
	"github.com/robotui/robotui/engine"
	"github.com/robotui/robotui/ui/theme"
)

func pings(rtts ...time.Duration) []engine.PingSample {
	out := make([]engine.PingSample, len(rtts))
	for i, r := range rtts {
		out[i] = engine.PingSample{RTT: r, OK: r > 0}
		if r < 0 {
			out[i].RTT = -r
		}
	}
	return out
}

func TestSparkline(t *testing.T) {
	th := plainTheme()
	ms := time.Millisecond
	tests := []struct {
		name     string
		pings    []engine.PingSample
		w        int
		top, bot string
	}{
		{"scaled to the peak, newest right", pings(1*ms, 2*ms, 4*ms, 8*ms), 4, "   █", "▂▄██"},
		{"fewer samples than cells pad left", pings(8*ms, 8*ms), 5, "   ██", "   ██"},
		{"only the newest w", pings(8*ms, 1*ms, 1*ms), 2, "██", "██"},
		{"a miss is a mark", pings(2*ms, 0, 2*ms), 3, "█ █", "█×█"},
		{"all misses", pings(0, 0), 2, "  ", "××"},
		{"nothing", nil, 3, "   ", "   "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			top, bot := Sparkline(th, tt.pings, tt.w)
			if top != tt.top || bot != tt.bot {
				t.Errorf("got %q / %q, want %q / %q", top, bot, tt.top, tt.bot)
			}
			row := SparklineRow(th, tt.pings, tt.w)
			if lipgloss.Width(row) != tt.w {
				t.Errorf("one-row sparkline %q is not %d wide", row, tt.w)
			}
		})
	}
	big := make([]engine.PingSample, 300)
	for i := range big {
		big[i] = engine.PingSample{RTT: time.Duration(i+1) * time.Microsecond, OK: i%7 != 0}
	}
	for _, w := range []int{1, 22, 34, 80, 300, 400} {
		top, bot := Sparkline(th, big, w)
		if lipgloss.Width(top) != w || lipgloss.Width(bot) != w {
			t.Errorf("sparkline of width %d is %d/%d wide", w, lipgloss.Width(top), lipgloss.Width(bot))
		}
	}
}

func TestFormats(t *testing.T) {
	ages := map[time.Duration]string{
		-time.Second: "0s", 0: "0s", 45 * time.Second: "45s", 3*time.Minute + 5*time.Second: "3m05s",
		14 * time.Minute: "14m", 2*time.Hour + 5*time.Minute: "2h05m", 76 * time.Hour: "3d04h",
	}
	for d, want := range ages {
		if got := Age(d); got != want {
			t.Errorf("Age(%v) = %q, want %q", d, got, want)
		}
	}
	rtts := map[time.Duration]string{
		0: "—", 420 * time.Microsecond: "0.42ms", 3100 * time.Microsecond: "3.10ms",
		12345 * time.Microsecond: "12.3ms", 250 * time.Millisecond: "250ms", 1200 * time.Millisecond: "1.20s",
	}
	for d, want := range rtts {
		if got := RTT(d); got != want {
			t.Errorf("RTT(%v) = %q, want %q", d, got, want)
		}
	}
	prices := map[float64]string{0: "—", 227.4123: "227.41", 1.08342: "1.0834", -3.5: "-3.5000"}
	for v, want := range prices {
		if got := Price(v); got != want {
			t.Errorf("Price(%v) = %q, want %q", v, got, want)
		}
	}
	counts := map[uint64]string{0: "0", 999: "999", 1860: "1.9k", 48213: "48.2k", 4_100_000: "4.1M"}
	for n, want := range counts {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFooterKeepsHelpAndQuit(t *testing.T) {
	th := plainTheme()
	items := []HelpItem{
		{Key: "r", Desc: "reconnect", Enabled: true},
		{Key: "z", Desc: "kill zombies", Enabled: false},
		{Key: "f", Desc: "faults", Enabled: true},
		{Key: "s", Desc: "sort", Enabled: true},
		{Key: "?", Desc: "help", Enabled: true, Keep: true},
		{Key: "q", Desc: "quit", Enabled: true, Keep: true},
	}
	for _, w := range []int{30, 50, 80, 120} {
		for _, status := range []string{"", "kill: pid 4242 python3 killed · pid 4243 node gone"} {
			got := Footer(th, items, status, th.Warn, w)
			if lipgloss.Width(got) != w {
				t.Errorf("footer at %d is %d wide", w, lipgloss.Width(got))
			}
			if !strings.Contains(got, "? help") || !strings.Contains(got, "q quit") {
				t.Errorf("footer at %d (status %v) lost help or quit: %q", w, status != "", got)
			}
		}
	}
	if got := Footer(th, items, "", th.Warn, 120); !strings.Contains(got, "(z kill zombies)") {
		t.Errorf("a disabled key is not marked without colour: %q", got)
	}
	if got := Footer(th, items, "", th.Warn, 40); !strings.Contains(got, "…") {
		t.Errorf("dropped items are not marked: %q", got)
	}
}

func TestKillPlanLines(t *testing.T) {
	th := plainTheme()
	plan := engine.KillPlan{
		Targets: []engine.KillTarget{{PID: 4242, Command: "python3", User: "trader", Sockets: []string{"127.0.0.1:51234 -> 127.0.0.1:4002"}}},
		Refused: []engine.Refusal{{Command: "?", Side: "gateway", Reason: "owner unknown"}},
	}
	got := strings.Join(KillPlanLines(th, plan, 90), "\n")
	for _, want := range []string{"will signal 1 process ", "pid 4242 python3 (trader) — 1 socket: 127.0.0.1:51234 → 127.0.0.1:4002", "will NOT signal:", "unknown process (gateway side) — owner unknown"} {
		if !strings.Contains(got, want) {
			t.Errorf("plan lines lack %q:\n%s", want, got)
		}
	}
	empty := strings.Join(KillPlanLines(th, engine.KillPlan{}, 90), "\n")
	if !strings.Contains(empty, "nothing is safe to kill") || !strings.Contains(empty, "no zombie sockets are left") {
		t.Errorf("empty plan: %s", empty)
	}
}

func TestModalScrollsAndFits(t *testing.T) {
	th := plainTheme()
	content := make([]string, 30)
	for i := range content {
		content[i] = NewLine(Inner(ModalWidth(100))).Add(th.Normal, "line "+string(rune('A'+i))).String()
	}
	lines, off := Modal(th, "T", content, "hint", 100, 100, 14)
	if len(lines) != 14 {
		t.Fatalf("modal has %d lines", len(lines))
	}
	if off != 30-10 {
		t.Errorf("offset clamped to %d, want 20", off)
	}
	joined := strings.Join(lines, "\n")
	if !strings.Contains(joined, "line ^") || !strings.Contains(joined, "hint") || !strings.Contains(joined, "21-30 of 30") {
		t.Errorf("modal does not show the end of its content and the hint:\n%s", joined)
	}
	for _, l := range lines {
		if lipgloss.Width(l) != 100 {
			t.Errorf("modal line is %d wide", lipgloss.Width(l))
		}
	}
}

func TestSmall(t *testing.T) {
	th := plainTheme()
	for _, sz := range [][2]int{{0, 0}, {1, 1}, {5, 2}, {79, 23}, {30, 70}} {
		lines := Small(th, "robotui", sz[0], sz[1], 80, 24)
		if len(lines) != sz[1] {
			t.Errorf("%v: %d lines", sz, len(lines))
		}
		for _, l := range lines {
			if lipgloss.Width(l) != sz[0] {
				t.Errorf("%v: line %q is %d wide", sz, l, lipgloss.Width(l))
			}
		}
	}
}

func TestSocketsPanelAtEveryWidth(t *testing.T) {
	th := plainTheme()
	s := &engine.Snapshot{Sockets: engine.SocketInfo{
		Port: 4002, Listening: true, ListenerPID: 812, ListenerCommand: "java",
		Counts:  map[string]int{"ESTABLISHED": 1, "CLOSE_WAIT": 4, "TIME_WAIT": 2, "LISTEN": 1, "WEIRD": 1},
		Zombies: []engine.Zombie{{Side: "client"}, {Side: "client"}, {Side: "gateway"}},
	}}
	for _, w := range []int{26, 28, 40, 84} {
		for _, errText := range []string{"", "permission denied"} {
			s.Sockets.Err = errText
			got := strings.Join(Sockets(th, s, true, w), "\n")
			if lipgloss.Height(got) != TopHeight {
				t.Errorf("width %d: %d lines", w, lipgloss.Height(got))
			}
			if !strings.Contains(got, "2 client") && !strings.Contains(got, "client zombies 2") {
				t.Errorf("width %d: client zombies not shown:\n%s", w, got)
			}
			if errText != "" && !strings.Contains(got, "scan error") {
				t.Errorf("width %d: the scan error was pushed out:\n%s", w, got)
			}
			if w >= 40 && !strings.Contains(got, "CLOSE_WAIT 4") {
				t.Errorf("width %d: CLOSE_WAIT count missing:\n%s", w, got)
			}
		}
	}
}

func TestHeaderZone(t *testing.T) {
	th := plainTheme()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no zone data")
	}
	at := time.Date(2025, 11, 26, 15, 31, 5, 0, time.UTC)
	tests := []struct {
		name string
		now  time.Time
		want string
	}{
		{"from the market view", at.In(ny), "New York 10:31:05 Wed 26 Nov"},
		{"engine left it empty", time.Time{}, "New York 10:31:05 Wed 26 Nov"},
		{"another zone is named", at.In(time.UTC), "UTC 15:31:05 Wed 26 Nov"},
	}
	for _, tt := range tests {
		s := &engine.Snapshot{At: at, Market: engine.MarketInfo{Now: tt.now, Open: true, NextChange: time.Date(2025, 11, 26, 21, 0, 0, 0, time.UTC)}}
		got := Header(th, "robotui", s, true, 120)[1]
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: %q, want prefix %q", tt.name, got, tt.want)
		}
	}
}

func TestHeaderShowsTheAccountsModeAndAMismatch(t *testing.T) {
	th := plainTheme()
	s := engine.Snapshot{Conn: engine.ConnInfo{Accounts: []string{"U1234567"}, Mode: "live", ConfigMode: "paper", Addr: "127.0.0.1:4001"}}
	got := strings.Join(Header(th, "robotui", &s, true, 160), "\n")
	if !strings.Contains(got, "LIVE") || !strings.Contains(got, "(config says paper)") {
		t.Errorf("header does not warn of a live account under a paper config:\n%s", got)
	}
	s.Conn.Mode, s.Conn.Accounts = "paper", []string{"DU1234567"}
	if got := strings.Join(Header(th, "robotui", &s, true, 160), "\n"); strings.Contains(got, "config says") {
		t.Errorf("header warns though account and config agree:\n%s", got)
	}
}

// The sparkline says its scale: the slowest answer shown at the top row's
// end, the fastest at the bottom's; a tenth of a millisecond of jitter on a
// fast link stays low, not a full-height spike.
func TestSparklineScale(t *testing.T) {
	th := plainTheme()
	us := time.Microsecond
	top, bot := Sparkline(th, pings(200*us, 300*us, 200*us, 250*us), 20)
	if !strings.HasSuffix(top, " 0.30ms") || !strings.HasSuffix(bot, " 0.20ms") {
		t.Errorf("labels missing:\n%q\n%q", top, bot)
	}
	if strings.ContainsAny(top[:len(top)-len(" 0.30ms")], "▁▂▃▄▅▆▇█") || strings.Contains(bot, "█") {
		t.Errorf("0.1 ms of jitter drawn as a spike:\n%s\n%s", top, bot)
	}
	if w := Width(top); w != 20 || Width(bot) != 20 {
		t.Errorf("rows %d and %d cells, want 20", w, Width(bot))
	}
	if row := SparklineRow(th, pings(2*time.Millisecond, 3*time.Millisecond), 20); !strings.HasSuffix(row, " 3.00ms") || Width(row) != 20 {
		t.Errorf("one-row sparkline %q: no label or wrong width", row)
	}
}

// A round trip of a tenth of the timeout is slow, half of it close to a miss.
func TestSlowRoundTripColoured(t *testing.T) {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.TrueColor)
	th := theme.New(r, theme.DefaultPalette())
	to := 2 * time.Second
	for _, tt := range []struct {
		rtt  time.Duration
		want string
	}{{time.Millisecond, "normal"}, {300 * time.Millisecond, "warn"}, {1500 * time.Millisecond, "bad"}} {
		got := map[bool]string{true: "normal"}[rttPaint(th, tt.rtt, to) == th.Normal]
		if rttPaint(th, tt.rtt, to) == th.Warn {
			got = "warn"
		}
		if rttPaint(th, tt.rtt, to) == th.BoldBad {
			got = "bad"
		}
		if got != tt.want {
			t.Errorf("rtt %v of timeout %v painted %s, want %s", tt.rtt, to, got, tt.want)
		}
	}
}

// Every reason is shown whole on the connection panel, from 80 columns up,
// while the session is down (after a drop or a failed dial) and while up.
func TestReasonsShownWhole(t *testing.T) {
	th := plainTheme()
	for _, w := range []int{80 / 3, 120 / 3, 200 / 3} {
		for c := conn.CauseNone; c.String() != "unknown"; c++ {
			for _, st := range []conn.State{conn.Backoff, conn.Ready} {
				s := &engine.Snapshot{Conn: engine.ConnInfo{State: st, Cause: c, Attempt: 3, ByCause: map[conn.Cause]int{conn.CauseEOF: 1}}}
				lines := Connection(th, s, true, w)
				text := strings.Join(lines, "\n")
				if strings.Contains(text, "…") {
					t.Errorf("%d wide, %s, %s: cut:\n%s", w, st, c, text)
				}
				var words []string
				for _, l := range lines[3 : len(lines)-1] {
					words = append(words, strings.Fields(strings.Trim(l, "│ "))...)
				}
				if p := c.Phrase(); p != "" && !strings.Contains(strings.Join(words, " "), p) {
					t.Errorf("%d wide, %s, %s: %q not shown whole:\n%s", w, st, c, p, text)
				}
			}
		}
	}
}
