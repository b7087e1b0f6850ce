package engine

import (
	"cmp"
	"math/bits"
	"slices"

	"github.com/tiendo-vn/tiendo/domain"
)

// Less orders two figures of one ranking: by rate (exactly, as fractions),
// then figure, both descending, then code; figures without a rate go last.
func Less(a, b *Figure) bool { return Compare(a, b) < 0 }

// Compare is Less as a three-way comparison.
func Compare(a, b *Figure) int {
	ar, br := a.Rate != nil, b.Rate != nil
	if ar != br {
		if ar {
			return -1
		}
		return 1
	}
	if ar {
		// a.v/a.q > b.v/b.q  ⇔  a.v*b.q > b.v*a.q (quotas are positive)
		if c := cmpProduct(b.Value, a.Quota, a.Value, b.Quota); c != 0 {
			return c
		}
	}
	if a.HasValue != b.HasValue {
		if a.HasValue {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(b.Value, a.Value); c != 0 {
		return c
	}
	return cmp.Compare(a.Code, b.Code)
}

// cmpProduct compares x1*y1 with x2*y2 without overflow (counts are
// non-negative, so their 128-bit unsigned products are exact).
func cmpProduct(x1, y1, x2, y2 int64) int {
	hi1, lo1 := bits.Mul64(uint64(x1), uint64(y1))
	hi2, lo2 := bits.Mul64(uint64(x2), uint64(y2))
	if c := cmp.Compare(hi1, hi2); c != 0 {
		return c
	}
	return cmp.Compare(lo1, lo2)
}

// sameStanding reports whether two figures tie for a rank: equal rates (as
// fractions) and equal figures.
func sameStanding(a, b *Figure) bool {
	if (a.Rate != nil) != (b.Rate != nil) || a.HasValue != b.HasValue || a.Value != b.Value {
		return false
	}
	return a.Rate == nil || cmpProduct(a.Value, b.Quota, b.Value, a.Quota) == 0
}

// rank numbers one day's figures per kind and records rank changes against
// the previous day's ranks (which it then replaces).
func rank(day []Figure, prev map[int64]int, sl *slabs) {
	byKind := map[domain.UnitKind][]*Figure{}
	for i := range day {
		f := &day[i]
		byKind[f.Kind] = append(byKind[f.Kind], f)
	}
	for _, fs := range byKind {
		slices.SortFunc(fs, Compare)
		Number(fs)
	}
	for i := range day {
		f := &day[i]
		if p, ok := prev[f.UnitID]; ok && p > 0 && f.Rank > 0 {
			f.RankChange = sl.int.put(p - f.Rank)
		}
		prev[f.UnitID] = f.Rank
	}
}

// Number gives sorted figures their rank: equal standings share a rank and
// the next one skips (1, 2, 2, 4); figures without data are not ranked.
func Number(sorted []*Figure) {
	for i, f := range sorted {
		switch {
		case !f.HasValue:
			f.Rank = 0
		case i > 0 && sameStanding(sorted[i-1], f):
			f.Rank = sorted[i-1].Rank
		default:
			f.Rank = i + 1
		}
	}
}
