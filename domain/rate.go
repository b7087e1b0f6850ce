package domain

import (
	"math/big"
	"math/bits"
	"strconv"
	"strings"
	"sync"
)

// Rates compared with band minimums: exactly, as fractions, the minimum
// taken as the decimal it was written as (0.7 is 7/10, not the binary
// fraction nearest it), so that 7/10 is KHÁ and 69,999…% never is, however
// large the counts (a float64 quotient of two counts above 2^53 can round
// onto a threshold the fraction is below).

// MinRat returns the band's minimum as an exact fraction.
func (b Band) MinRat() *big.Rat {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(b.Min, 'g', -1, 64))
	if !ok {
		return new(big.Rat).SetFloat64(b.Min)
	}
	return r
}

// Reached reports whether figure ÷ quota (quota > 0) is at least the band's
// minimum, exactly.
func (b Band) Reached(figure, quota int64) bool {
	num, den, ok := decimalFraction(b.Min)
	return b.reached(figure, quota, num, den, ok)
}

// reached is Reached with the minimum's decimalFraction given.
func (b Band) reached(figure, quota int64, num, den uint64, ok bool) bool {
	if figure >= 0 && quota > 0 {
		if ok {
			// figure/quota >= num/den, as figure*den >= num*quota in 128 bits.
			fh, fl := bits.Mul64(uint64(figure), den)
			qh, ql := bits.Mul64(num, uint64(quota))
			return fh > qh || (fh == qh && fl >= ql)
		}
		if b.Min <= 0 {
			return true
		}
	}
	return new(big.Rat).SetFrac64(figure, quota).Cmp(b.MinRat()) >= 0
}

// ExactBands are bands with their minimums' fractions looked up once, for
// banding a day's figures (BandOf looked them up for every figure, a sixth
// of a report morning's refresh).
type ExactBands struct {
	bands []Band
	fracs []fraction
}

type fraction struct {
	num, den uint64
	ok       bool
}

// Exact prepares bands for Of.
func Exact(bands []Band) ExactBands {
	e := ExactBands{bands: bands, fracs: make([]fraction, len(bands))}
	for i, b := range bands {
		f := &e.fracs[i]
		f.num, f.den, f.ok = decimalFraction(b.Min)
	}
	return e
}

// Of is BandOf(bands, figure, quota).
func (e ExactBands) Of(figure, quota int64) Band {
	for i, b := range e.bands {
		if f := e.fracs[i]; b.reached(figure, quota, f.num, f.den, f.ok) {
			return b
		}
	}
	if len(e.bands) == 0 {
		return Band{}
	}
	return e.bands[len(e.bands)-1]
}

// fractions caches decimalFraction's answers: a campaign has a few band
// minimums, and a refresh asks for each of them hundreds of thousands of
// times (parsing them into a big.Rat each time was a quarter of its CPU).
var fractions sync.Map // float64 → [2]uint64, or nil when it does not fit

// decimalFraction returns a non-negative minimum as num/den, exactly the
// decimal it is written as (what MinRat gives), when both fit in 64 bits.
func decimalFraction(min float64) (num, den uint64, ok bool) {
	if v, hit := fractions.Load(min); hit {
		f, ok := v.([2]uint64)
		return f[0], f[1], ok
	}
	num, den, ok = parseDecimal(strconv.FormatFloat(min, 'f', -1, 64))
	if ok {
		fractions.Store(min, [2]uint64{num, den})
	} else {
		fractions.Store(min, nil)
	}
	return num, den, ok
}

// parseDecimal reads "123.45" as 12345/100; false for a sign, or past 18
// digits.
func parseDecimal(s string) (num, den uint64, ok bool) {
	whole, frac, _ := strings.Cut(s, ".")
	digits := whole + frac
	if digits == "" || len(digits) > 18 {
		return 0, 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	den = 1
	for range len(frac) {
		den *= 10
	}
	return n, den, true
}

// BandOf returns the band of figure ÷ quota (quota > 0), compared exactly:
// the first band (highest first) whose minimum the rate reaches, else the
// lowest band. It is BandFor without floating point.
func BandOf(bands []Band, figure, quota int64) Band {
	for _, b := range bands {
		if b.Reached(figure, quota) {
			return b
		}
	}
	if len(bands) == 0 {
		return Band{}
	}
	return bands[len(bands)-1]
}
