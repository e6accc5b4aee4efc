package ibsim

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/robotui/robotui/conn/wire"
)

// The price path of a symbol is a mean-reverting daily walk of its
// log-price, refined inside each day by nested Brownian bridges (day → hours
// → 5 min → 1 min → 5 s → 1 s). Every random number comes from a hash of
// (seed, symbol, level, time), so any point, and so any bar, is computed
// directly, the same for every bar size and whether asked by a backfill or a
// live update.
const (
	secondsPerDay = 86400
	anchorDay     = 19723 // 2024-01-01 UTC: every walk starts at its base price
	maxDayOffset  = 60000 // beyond ±164 years from the anchor the walk stays flat
	meanReversion = 0.02  // per day, toward the base price
	maxBars       = 100_000
)

// levels of the bridge: a node spans span seconds and has span/step children.
var levels = [...]struct{ span, step int64 }{
	{86400, 3600}, {3600, 300}, {300, 60}, {60, 5}, {5, 1},
}

// Day nodes are memoised (every bar descends through one); finer nodes are
// cheap to redo, so each level keeps only its most recent node.
const maxCacheDays = 4096

type nodeKey struct {
	level int8
	start int64
}

// lastNode is a level's most recent node and its children's log-prices.
type lastNode struct {
	key  nodeKey
	ok   bool
	vals []float64
}

// series is one symbol's deterministic path.
type series struct {
	in        instrument
	key       uint64
	logBase   float64
	sigmaDay  float64              // of the log-price, per day
	sigmaStep [len(levels)]float64 // of one child increment at each level
	volKey    uint64
	tradeRate float64 // trades per second

	mu   sync.Mutex
	fwd  []float64           // deviation from base at anchorDay+i
	back []float64           // deviation from base at anchorDay-i
	days map[int64][]float64 // day nodes: log-prices at each hour
	last [len(levels)]lastNode
	grid []float64
}

// Market is the simulator's deterministic market: the same seed and symbol
// always give the same bars. It is safe for concurrent use.
type Market struct {
	seed    int64
	symbols []string
	series  map[string]*series
}

// NewMarket returns the market for seed over symbols (nil: DefaultSymbols).
func NewMarket(seed int64, symbols []string) *Market {
	if symbols == nil {
		symbols = DefaultSymbols()
	}
	m := &Market{seed: seed, series: make(map[string]*series, len(symbols))}
	for _, sym := range symbols {
		sym = normSymbol(sym)
		if sym == "" || m.series[sym] != nil {
			continue
		}
		m.symbols = append(m.symbols, sym)
		m.series[sym] = newSeries(seed, lookupInstrument(sym))
	}
	for _, in := range extras {
		if m.series[in.symbol] == nil { // a watchlist's stock of that name wins
			m.series[in.symbol] = newSeries(seed, in)
		}
	}
	return m
}

func newSeries(seed int64, in instrument) *series {
	key := mix64(uint64(seed) ^ mix64(fnv64(in.symbol)))
	sigmaDay := in.vol / math.Sqrt(365)
	var sigmaStep [len(levels)]float64
	for i, l := range levels {
		sigmaStep[i] = sigmaDay * math.Sqrt(float64(l.step)/secondsPerDay)
	}
	return &series{
		in:        in,
		key:       key,
		volKey:    mix64(key ^ 0x766f6c756d65),
		logBase:   math.Log(in.price),
		sigmaDay:  sigmaDay,
		sigmaStep: sigmaStep,
		tradeRate: 0.5 + float64(mix64(key^0x7472616465)%60)/10,
		days:      map[int64][]float64{},
	}
}

// Symbols returns the market's symbols, in the order given.
func (m *Market) Symbols() []string { return append([]string(nil), m.symbols...) }

// Has reports whether symbol is in the market.
func (m *Market) Has(symbol string) bool { return m.series[normSymbol(symbol)] != nil }

func (m *Market) lookup(symbol string) *series { return m.series[normSymbol(symbol)] }

// Bar returns the bar of barSize beginning at start (aligned down to barSize
// since the Unix epoch) as seen at asOf: partial if asOf < start+barSize,
// complete otherwise. Its Date is epoch seconds (formatDate 2). An unknown
// symbol or a bar size under one second gives the zero Bar.
func (m *Market) Bar(symbol string, barSize time.Duration, start, asOf time.Time) wire.Bar {
	s := m.lookup(symbol)
	size := int64(barSize / time.Second)
	if s == nil || size < 1 {
		return wire.Bar{}
	}
	st := floorDiv(start.Unix(), size) * size
	return s.bar(size, st, asOf.Unix())
}

// Bars returns the complete bars whose start is in [from, to), oldest
// first, at most 100,000 of them.
func (m *Market) Bars(symbol string, barSize time.Duration, from, to time.Time) []wire.Bar {
	s := m.lookup(symbol)
	size := int64(barSize / time.Second)
	if s == nil || size < 1 {
		return nil
	}
	first := ceilDiv(from.Unix(), size) * size
	end := to.Unix()
	if first >= end {
		return nil
	}
	n := min((end-first+size-1)/size, maxBars)
	out := make([]wire.Bar, 0, n)
	for st := first; st < end && len(out) < maxBars; st += size {
		out = append(out, s.bar(size, st, st+size))
	}
	return out
}

// quote is the last trade at second t: price, and the size of that trade.
func (s *series) quote(t int64) (price, size float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.gridLocked(t, t, 1)
	vs := newVolumeStream(s.volKey, t, 1)
	_, vol := vs.next(s.tradeRate)
	return round2(math.Exp(g[0])), float64(max(vol, 100))
}

// bar computes the bar [start, start+size) as of asOf; start is aligned.
func (s *series) bar(size, start, asOf int64) wire.Bar {
	s.mu.Lock()
	defer s.mu.Unlock()
	complete := asOf >= start+size
	r := resolution(size)
	m := size / r
	if !complete {
		m = max(0, (asOf-start)/r)
	}
	g := s.gridLocked(start, start+m*r, r)
	b := wire.Bar{Date: strconv.FormatInt(start, 10)}
	l0 := g[0]
	hi, lo := l0, l0
	var vol, count int64
	var notional float64 // in units of the open price
	prev := 1.0
	vs := newVolumeStream(s.volKey, start, r)
	lam := s.tradeRate * float64(r)
	for i := 1; i < len(g); i++ {
		if g[i] > hi {
			hi = g[i]
		} else if g[i] < lo {
			lo = g[i]
		}
		d := g[i] - l0
		rel := 1 + d*(1+d*0.5) // exp(d) for the small moves within most bars
		if d > 0.01 || d < -0.01 {
			rel = math.Exp(d)
		}
		c, v := vs.next(lam)
		count += c
		vol += v
		notional += float64(v) * (prev + rel)
		prev = rel
	}
	notional /= 2
	open := math.Exp(l0)
	b.Open, b.Close = round2(open), round2(math.Exp(g[len(g)-1]))
	b.High, b.Low = round2(math.Exp(hi)), round2(math.Exp(lo))
	b.Volume, b.BarCount = float64(vol), int(count)
	b.WAP = b.Close
	if vol > 0 {
		b.WAP = min(max(math.Round(open*notional/float64(vol)*1e4)/1e4, b.Low), b.High)
	}
	return b
}

// volumeStream deals the trade count and volume of each interval of a bar,
// in order: a xorshift generator seeded by the bar, so a partial bar sees
// the same first intervals as the complete one.
type volumeStream struct{ x uint64 }

func newVolumeStream(key uint64, start, r int64) volumeStream {
	return volumeStream{x: mix64(key+uint64(start)*0x9e3779b97f4a7c15+uint64(r)) | 1}
}

// next returns one interval's trade count (lam on average) and volume.
func (v *volumeStream) next(lam float64) (count, volume int64) {
	v.x ^= v.x << 13
	v.x ^= v.x >> 7
	v.x ^= v.x << 17
	count = int64(lam * (0.5 + unit(v.x)))
	return count, count * int64(1+(v.x>>40)%200)
}

// resolution is the grid a bar of size seconds is aggregated from: about 60
// points per bar, on a level of the bridge, dividing size.
func resolution(size int64) int64 {
	for _, r := range [...]int64{3600, 300, 60, 5} {
		if r <= size/60 && size%r == 0 {
			return r
		}
	}
	return 1
}

func levelOf(r int64) int {
	for i, l := range levels {
		if l.step == r {
			return i
		}
	}
	return len(levels) - 1
}

// gridLocked returns the log-prices at from, from+r, …, to (multiples of r).
// The slice is reused by the next call.
func (s *series) gridLocked(from, to, r int64) []float64 {
	w := gridWalk{dst: s.grid[:0], next: from, from: from, to: to, r: r, target: levelOf(r)}
	for d := floorDiv(from, secondsPerDay); d <= floorDiv(to, secondsPerDay); d++ {
		s.descend(0, d*secondsPerDay, s.dayLog(d), s.dayLog(d+1), &w)
	}
	s.grid = w.dst
	return w.dst
}

type gridWalk struct {
	dst            []float64
	next, from, to int64
	r              int64
	target         int
}

func (s *series) descend(level int, start int64, a, b float64, w *gridWalk) {
	ch := s.children(level, start, a, b)
	step := levels[level].step
	if level == w.target {
		for j, v := range ch {
			if t := start + int64(j)*step; t == w.next && t <= w.to {
				w.dst = append(w.dst, v)
				w.next += w.r
			}
		}
		return
	}
	first := max(0, (w.from-start)/step) // the child holding from, or the first
	last := min(int64(len(ch)-2), (w.to-start)/step)
	for j := first; j <= last; j++ {
		cs := start + j*step
		if cs+step <= w.from {
			continue // from is this child's end: the next one starts there
		}
		s.descend(level+1, cs, ch[j], ch[j+1], w)
	}
}

// children returns the log-prices at a node's child boundaries: a Brownian
// bridge from a to b with span/step increments. The slice stays valid until
// the next node of the same level is computed.
func (s *series) children(level int, start int64, a, b float64) []float64 {
	key := nodeKey{int8(level), start}
	last := &s.last[level]
	if last.ok && last.key == key {
		return last.vals
	}
	if level == 0 {
		if ch, ok := s.days[start]; ok {
			*last = lastNode{key: key, ok: true, vals: ch}
			return ch
		}
	}
	l := levels[level]
	n := int(l.span / l.step)
	sd := s.sigmaStep[level]
	nk := mix64(s.key ^ mix64(uint64(start)*8+uint64(level)))
	var z [24]float64
	for i := 0; i < n; i += 2 {
		h := mix64(nk + uint64(i+1)*0x9e3779b97f4a7c15)
		z[i], z[i+1] = sd*triangular(uint32(h)), sd*triangular(uint32(h>>32))
	}
	sum := 0.0
	for _, v := range z[:n] {
		sum += v
	}
	adj := (b - a - sum) / float64(n)
	ch := last.vals
	fresh := level == 0 || cap(ch) < n+1
	if fresh {
		ch = make([]float64, n+1) // day nodes are kept in the map: never reuse theirs
	}
	ch = ch[:n+1]
	ch[0] = a
	v := a
	for i := 1; i < n; i++ {
		v += z[i-1] + adj
		ch[i] = v
	}
	ch[n] = b
	if level == 0 {
		if len(s.days) >= maxCacheDays {
			clear(s.days)
		}
		s.days[start] = ch
	}
	last.key, last.ok = key, true
	if fresh {
		last.vals = ch
	}
	return ch
}

// dayLog is the log-price at the start of day d (days since the epoch).
func (s *series) dayLog(d int64) float64 {
	off := min(max(d-anchorDay, -maxDayOffset), maxDayOffset)
	walk, dir := &s.fwd, int64(1)
	if off < 0 {
		walk, dir, off = &s.back, -1, -off
	}
	for int64(len(*walk)) <= off {
		i := int64(len(*walk))
		prev := 0.0
		if i > 0 {
			prev = (*walk)[i-1]
		}
		step := 0.0
		if i > 0 {
			step = s.sigmaDay * normal(mix64(s.key^mix64(uint64(anchorDay+dir*i)^0x646179)))
		}
		*walk = append(*walk, prev*(1-meanReversion)+step)
	}
	return s.logBase + (*walk)[off]
}

// mix64 is the splitmix64 finaliser: a good 64-bit hash of x.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// normal maps a hash to an approximately standard normal number: the sum of
// four uniforms (Irwin–Hall), centred and scaled to unit variance.
func normal(h uint64) float64 {
	s := float64(h&0xffff) + float64(h>>16&0xffff) + float64(h>>32&0xffff) + float64(h>>48)
	return ((s+2)/65536 - 2) * math.Sqrt(3)
}

// triangular maps 32 hash bits to a number with mean 0 and variance 1: the
// sum of two uniforms, cheap and close enough to normal for the increments
// of a walk that sums many of them.
func triangular(h uint32) float64 {
	return (float64(h&0xffff)+float64(h>>16)+1)/65536*math.Sqrt(6) - math.Sqrt(6)
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

func round2(p float64) float64 { return math.Round(p*100) / 100 }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }

func (m *Market) byConID(id int64) *series {
	for _, s := range m.series {
		if s.in.conID == id {
			return s
		}
	}
	return nil
}
