package domain

import (
	"math/big"
	"strconv"
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
	return new(big.Rat).SetFrac64(figure, quota).Cmp(b.MinRat()) >= 0
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
