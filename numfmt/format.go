package numfmt

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
)

// The languages numbers and dates are written in. Any tag starting with "en"
// (case-insensitive: "en", "EN", "en-US") is English; everything else,
// including "", is Vietnamese, the project's first language.
const (
	LangVI = "vi"
	LangEN = "en"
)

// IsEN reports whether lang names English (see LangEN).
func IsEN(lang string) bool {
	return len(lang) >= 2 && (lang[0]|0x20) == 'e' && (lang[1]|0x20) == 'n' &&
		(len(lang) == 2 || lang[2] == '-' || lang[2] == '_')
}

// Why hand code rather than golang.org/x/text/message: the spec fixes the
// exact output (vi-VN: "." between thousands, "," before decimals; en-US the
// other way round; rates rounded half-up to two decimals with trailing zeros
// dropped), x/text formats through float64, so a rate such as 1/8 = 12.5%
// exactly or 0.1234999… would be rounded by binary floating point rather than
// by the rule, and its percent and grouping patterns would have to be
// overridden anyway. The few lines below are exact and need no CLDR tables.

// separators returns the thousands and decimal separators of lang.
func separators(lang string) (thousands, decimal string) {
	if IsEN(lang) {
		return ",", "."
	}
	return ".", ","
}

// FormatCount writes a count with thousands separators: 822.139 in
// Vietnamese, 822,139 in English. Counts are never negative, but changes
// (deltas) can be, so a leading minus sign is kept: -1.234.
func FormatCount(n int64, lang string) string {
	sep, _ := separators(lang)
	return group(strconv.FormatInt(n, 10), sep)
}

// group inserts sep every three digits from the right of a decimal integer
// (with an optional leading minus sign).
func group(s, sep string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// RateBasisPoints returns figure ÷ quota in hundredths of a percent (1 = 0.01%),
// rounded half-up exactly as the spec says (integer arithmetic, no floating
// point): 822139/930767 → 8833. ok is false when there is no rate: a quota
// of zero or less (figure ÷ 0 is not a rate; the API then shows none), or a
// negative figure (counts are never negative).
func RateBasisPoints(figure, quota int64) (bp *big.Int, ok bool) {
	if quota <= 0 || figure < 0 {
		return nil, false
	}
	// round(figure*10000/quota) half-up = floor((2*figure*10000 + quota) / (2*quota)),
	// in big integers so that no figure overflows.
	num := new(big.Int).Mul(big.NewInt(figure), big.NewInt(20000))
	num.Add(num, big.NewInt(quota))
	den := new(big.Int).Mul(big.NewInt(quota), big.NewInt(2))
	return num.Quo(num, den), true
}

// FormatRate writes figure ÷ quota as a percentage the way the press does:
// rounded half-up to two decimals, trailing zeros dropped, no space before
// the sign. Vietnamese: 822139/930767 → "88,33%", 663614/930767 → "71,3%",
// 1/1 → "100%", 6128/1802 → "340,07%", 12345/10 → "123.450%"; English
// uses "." and "," the other way round ("88.33%"). A rate below 100% never
// prints as 100%: 999995/1000000 is "99,99%", not "100%" (see
// FormatRateIn). It returns "" when there is no rate (quota ≤ 0 or a
// negative figure; see RateBasisPoints).
func FormatRate(figure, quota int64, lang string) string {
	return FormatRateIn(figure, quota, nil, lang)
}

// hundred is the 100% threshold, which every rate is printed against.
var hundred = domain.Band{Min: 1}

// FormatRateIn is FormatRate for a campaign with these bands: rounding never
// carries a rate up to a threshold it has not reached, neither 100% nor a
// band's minimum. Such a rate prints one hundredth of a percent below the
// threshold: 69,996% in TRUNG BÌNH (KHÁ from 70%) prints "69,99%", 99,995%
// prints "99,99%". Every other rate is rounded half-up.
func FormatRateIn(figure, quota int64, bands []domain.Band, lang string) string {
	bp, ok := RateBasisPoints(figure, quota)
	if !ok {
		return ""
	}
	belowThresholds(bp, figure, quota, hundred)
	belowThresholds(bp, figure, quota, bands...)
	sep, dec := separators(lang)
	whole, frac := new(big.Int).QuoRem(bp, big.NewInt(100), new(big.Int))
	s := group(whole.String(), sep)
	if f := frac.Int64(); f != 0 {
		s += dec + strings.TrimRight(strconv.FormatInt(100+f, 10)[1:], "0")
	}
	return s + "%"
}

// belowThresholds lowers bp (a rounded rate in basis points) to one below
// the first basis point at or above each threshold that figure ÷ quota has
// not reached but bp has: rounding may not cross a threshold.
func belowThresholds(bp *big.Int, figure, quota int64, thresholds ...domain.Band) {
	for _, t := range thresholds {
		if t.Min <= 0 || t.Reached(figure, quota) {
			continue
		}
		// The threshold in basis points, rounded up to a whole one.
		m := new(big.Rat).Mul(t.MinRat(), big.NewRat(10000, 1))
		ceil := new(big.Int).Quo(m.Num(), m.Denom())
		if !m.IsInt() {
			ceil.Add(ceil, big.NewInt(1))
		}
		if bp.Cmp(ceil) >= 0 {
			bp.Sub(ceil, big.NewInt(1))
		}
	}
}

// FormatDate writes a day: dd/mm/yyyy in Vietnamese ("14/11/2023"); in
// English the en-US medium form "Nov 14, 2023", which cannot be misread as
// day/month the way "11/14/2023" next to "14/11/2023" could. Both are the
// forms domain.Date already documents (VI and EN).
func FormatDate(d domain.Date, lang string) string {
	if IsEN(lang) {
		return d.EN()
	}
	return d.VI()
}
