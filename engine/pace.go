package engine

import (
	"math"
	"math/bits"

	"github.com/tiendo-vn/tiendo/domain"
)

// pace fills the required daily pace, the projected completion date and the
// at-risk flag (rule 5).
func pace(c *domain.Campaign, f *Figure, sl *slabs) {
	if !f.HasValue || !f.HasQuota {
		return
	}
	remaining := f.Quota - f.Value
	daysLeft := int(c.End - f.Day)
	if remaining <= 0 {
		f.RequiredPace = sl.float.put(0)
		return
	}
	if daysLeft > 0 {
		f.RequiredPace = sl.float.put(float64(remaining) / float64(daysLeft))
	}
	if f.Delta7 != nil && *f.Delta7 > 0 {
		if n, ok := daysToFinish(remaining, *f.Delta7); ok && n <= math.MaxInt32-int64(f.Day) {
			f.Projected = sl.date.put(f.Day.AddDays(int(n)))
		}
	}
	switch {
	case daysLeft <= 0:
		f.AtRisk = true // the campaign has ended short of the quota
	case f.Delta7 == nil:
		f.AtRisk = true // no pace to speak of yet
	case *f.Delta7 <= 0:
		f.AtRisk = true // standing still (or corrected down) with work left
	default:
		// pace7d < required  ⇔  delta7/7 < remaining/daysLeft  ⇔  delta7·daysLeft < 7·remaining,
		// exactly (floats could tie or cross on equal paces).
		f.AtRisk = cmpProduct(*f.Delta7, int64(daysLeft), 7, remaining) < 0
	}
}

// daysToFinish returns ⌈remaining ÷ pace7d⌉ = ⌈7·remaining ÷ delta7⌉ for
// positive remaining and delta7, in integers: in floating point a whole
// number of days could come out a hair above and round up a day too far
// (328 left at 164 a week is 14 days, not 15). ok is false if it does not fit
// an int64.
func daysToFinish(remaining, delta7 int64) (int64, bool) {
	hi, lo := bits.Mul64(7, uint64(remaining))
	lo, carry := bits.Add64(lo, uint64(delta7-1), 0)
	hi += carry
	if hi >= uint64(delta7) {
		return 0, false
	}
	q, _ := bits.Div64(hi, lo, uint64(delta7))
	if q > math.MaxInt64 {
		return 0, false
	}
	return int64(q), true
}

// Pace fills a figure's required pace, projected completion and at-risk
// flag from its value, quota and Delta7, as the engine does for stored
// figures (for figures summed at read time, such as an old campaign read on
// today's map).
func Pace(c *domain.Campaign, f *Figure) { pace(c, f, new(slabs)) }
