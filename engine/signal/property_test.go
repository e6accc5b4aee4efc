package signal

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomWalk is a reproducible price series on a tick grid, with flat runs so
// that equal averages actually occur.
func randomWalk(seed uint64, n int, tick float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	ticks := 10000
	out := make([]float64, n)
	for i := range out {
		if rng.IntN(3) != 0 {
			ticks += rng.IntN(5) - 2
		}
		out[i] = float64(ticks) * tick
	}
	return out
}

// oracleRelation compares the two means exactly, independently of the code
// under test: every float64 is an integer multiple of 2^-1126 (mantissa times
// a power of two), so scaled sums are big.Int sums.
func oracleRelation(w []float64, fast int) Relation {
	sum := func(xs []float64) *big.Int {
		s, term := new(big.Int), new(big.Int)
		for _, x := range xs {
			frac, exp := math.Frexp(x)
			term.SetInt64(int64(frac * (1 << 53)))
			s.Add(s, term.Lsh(term, uint(exp-53+1126)))
		}
		return s
	}
	lhs := sum(w[len(w)-fast:])
	lhs.Mul(lhs, big.NewInt(int64(len(w))))
	rhs := sum(w)
	rhs.Mul(rhs, big.NewInt(int64(fast)))
	return [...]Relation{Below, Equal, Above}[lhs.Cmp(rhs)+1]
}

func sameResult(a, b Result) bool {
	return a.Action == b.Action && a.Relation == b.Relation && a.Ready == b.Ready &&
		math.Float64bits(a.Fast) == math.Float64bits(b.Fast) && math.Float64bits(a.Slow) == math.Float64bits(b.Slow)
}

// checkEvaluate asserts every property Evaluate promises for one window.
func checkEvaluate(t *testing.T, s *SMACrossover, closes []float64) {
	t.Helper()
	before := slices.Clone(closes)
	got := s.Evaluate(closes)
	if !slices.EqualFunc(before, closes, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
		t.Fatal("Evaluate modified its input")
	}
	if again := s.Evaluate(slices.Clone(closes)); !sameResult(got, again) {
		t.Fatalf("copy of the window gave %+v, original %+v", again, got)
	}
	if n := len(closes); n > s.Lookback() {
		tail := append(make([]float64, 0, s.Lookback()), closes[n-s.Lookback():]...)
		if short := s.Evaluate(tail); !sameResult(got, short) {
			t.Fatalf("last Lookback closes gave %+v, full window %+v", short, got)
		}
	}
	fast, slow := s.Periods()
	if got.Ready != (len(closes) >= slow) {
		t.Fatalf("Ready=%v with %d closes, slow %d", got.Ready, len(closes), slow)
	}
	if !got.Ready {
		return
	}
	now := closes[len(closes)-slow:]
	if allFinite(now) {
		if want := oracleRelation(now, fast); got.Relation != want {
			t.Fatalf("relation %v, exact arithmetic says %v (window %v)", got.Relation, want, now)
		}
	} else if got.Relation != Unknown {
		t.Fatalf("relation %v with a non-finite close", got.Relation)
	}
	if len(closes) == slow {
		if got.Action != Hold {
			t.Fatalf("%v with only slow closes", got.Action)
		}
		return
	}
	prev := closes[len(closes)-slow-1 : len(closes)-1]
	wantAction := Hold
	if allFinite(prev) && allFinite(now) {
		wantAction = crossing(oracleRelation(prev, fast), got.Relation)
	}
	if got.Action != wantAction {
		t.Fatalf("action %v, exact arithmetic says %v", got.Action, wantAction)
	}
}

func allFinite(xs []float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

func TestRandomWalkProperties(t *testing.T) {
	periods := [][2]int{{1, 2}, {2, 5}, {3, 7}, {5, 20}, {20, 50}}
	for seed := range uint64(20) {
		closes := randomWalk(seed, 300, 0.01)
		for _, p := range periods {
			s := mustSMA(t, p[0], p[1])
			for i := range closes {
				checkEvaluate(t, s, closes[:i+1])
			}
		}
	}
}

func FuzzEvaluate(f *testing.F) {
	floats := func(xs ...float64) []byte {
		var b []byte
		for _, x := range xs {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		}
		return b
	}
	f.Add([]byte{}, uint8(1), uint8(1))
	f.Add(floats(1, 2, 3, 4, 5), uint8(1), uint8(2))
	f.Add(floats(math.NaN(), 1, 2, 3), uint8(0), uint8(0))
	f.Add(floats(math.Inf(1), math.Inf(-1), 1, 2), uint8(0), uint8(1))
	f.Add(floats(0.1, 0.1, 0.1, 0.1, 0.1, math.Nextafter(0.1, 1)), uint8(2), uint8(1))
	f.Add(floats(math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64, 5e-324), uint8(0), uint8(0))
	f.Add([]byte{1, 2, 3}, uint8(3), uint8(4)) // a partial float is ignored
	f.Fuzz(func(t *testing.T, data []byte, fastSeed, gapSeed uint8) {
		var closes []float64
		for len(data) >= 8 {
			closes = append(closes, math.Float64frombits(binary.LittleEndian.Uint64(data)))
			data = data[8:]
		}
		fast := 1 + int(fastSeed%8)
		s := mustSMA(t, fast, fast+1+int(gapSeed%16))
		checkEvaluate(t, s, closes)
	})
}

func BenchmarkEvaluate(b *testing.B) {
	closes := randomWalk(7, 300, 0.01)
	flat := slices.Repeat([]float64{187.33}, 300)
	for _, bc := range []struct {
		name       string
		fast, slow int
		closes     []float64
	}{
		{"SMA(20,50)/walk300", 20, 50, closes},
		{"SMA(50,200)/walk300", 50, 200, closes},
		{"SMA(50,200)/flat300", 50, 200, flat}, // worst case: exact comparison every call
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := mustSMA(b, bc.fast, bc.slow)
			b.ReportAllocs()
			for b.Loop() {
				s.Evaluate(bc.closes)
			}
		})
	}
}
