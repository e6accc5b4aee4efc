package signal

import (
	"math"
	"math/big"
)

const (
	unitRoundoff = 0x1p-53
	// underflowSlack covers the absolute error of dividing a subnormal sum.
	underflowSlack = 0x1p-1000
)

// compare averages the slow window (all of w) and the fast window (its last
// fast closes), each summed oldest first from scratch, and says how they
// relate. The relation is that of the exact means: when the rounded means
// are too close to tell, it is settled in exact arithmetic, so a flat market
// is Equal rather than Above or Below by a rounding error.
func compare(w []float64, fast int) (fastMean, slowMean float64, rel Relation) {
	slow := len(w)
	var sumF, sumS, absF, absS float64
	finite := true
	for i, x := range w {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			finite = false
		}
		sumS += x
		absS += math.Abs(x)
		if i >= slow-fast {
			sumF += x
			absF += math.Abs(x)
		}
	}
	fastMean, slowMean = sumF/float64(fast), sumS/float64(slow)
	if !finite {
		return fastMean, slowMean, Unknown
	}
	// Each rounded mean is within about u*sum|x| of the exact one (recursive
	// summation errs by at most (n-1)u*sum|x|, Higham 4.3, then one division);
	// doubling covers the rounding of this bound and of diff.
	bound := 2*unitRoundoff*(absF+absS) + underflowSlack
	switch diff := fastMean - slowMean; {
	case diff > bound:
		return fastMean, slowMean, Above
	case diff < -bound:
		return fastMean, slowMean, Below
	}
	return fastMean, slowMean, exactRelation(w, fast)
}

// exactRelation is the sign of slow*sum(fast window) - fast*sum(slow
// window), computed without rounding: every finite float64 is an integer
// times a power of two, so the window scaled by its smallest power of two
// sums exactly as integers.
func exactRelation(w []float64, fast int) Relation {
	slow := len(w)
	minExp := math.MaxInt
	for _, x := range w {
		if x != 0 {
			_, exp := math.Frexp(x)
			minExp = min(minExp, exp)
		}
	}
	var fastSum, olderSum, term big.Int
	for i, x := range w {
		if x == 0 {
			continue
		}
		frac, exp := math.Frexp(x)
		term.SetInt64(int64(frac * (1 << 53)))
		term.Lsh(&term, uint(exp-minExp))
		if i >= slow-fast {
			fastSum.Add(&fastSum, &term)
		} else {
			olderSum.Add(&olderSum, &term)
		}
	}
	// slow*F - fast*(F+O) = (slow-fast)*F - fast*O
	fastSum.Mul(&fastSum, term.SetInt64(int64(slow-fast)))
	olderSum.Mul(&olderSum, term.SetInt64(int64(fast)))
	switch fastSum.Cmp(&olderSum) {
	case 1:
		return Above
	case -1:
		return Below
	}
	return Equal
}
