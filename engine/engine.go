// Package engine computes, in one pass per metric, every figure of a
// campaign: for each unit of its scope and each day, the figure by rule 2
// (REPORTED, ROLLUP, CARRIED, NONE), the quota in force, the rate, the
// changes, pace, band, rank and coverage. The store keeps its output in a
// table so that series and rankings are reads. It imports neither pgx nor
// gqlgen; package enginetest holds the slow reference it is checked against.
package engine

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
)

// Version names the rules this package implements. Stored figures record
// it, so changing how any figure is computed (bump it then) recomputes them.
const Version = 3

// Report is the latest revision of a unit's report for one metric and day,
// with when it was first reported (judged against the deadline).
type Report struct {
	UnitID          int64
	Metric          string
	Day             domain.Date
	Value           int64
	FirstReportedAt time.Time
}

// Input is everything one campaign's figures depend on.
type Input struct {
	Campaign *domain.Campaign
	Units    []*domain.Unit // the scope's subtree, every validity period
	Quotas   []domain.QuotaRevision
	Reports  []Report // for days up to To (earlier days are carried forward)
	From, To domain.Date
}

// Figure is one unit's figure for one metric and day, with everything derived
// from it.
type Figure struct {
	Metric          string
	Day             domain.Date
	UnitID          int64
	Code            string
	Kind            domain.UnitKind
	ParentID        *int64
	HasValue        bool
	Value           int64
	Source          domain.Source
	StaleDays       int
	HasQuota        bool
	Quota           int64
	QuotaOwn        bool  // the unit's own revision (else the sum of its children's)
	QuotaRevisionID int64 // the revision in force when QuotaOwn
	Rate            *float64
	Delta, Delta7   *int64
	Pace7d          *float64
	RequiredPace    *float64
	Projected       *domain.Date
	AtRisk          bool
	Band            string
	RulesVersion    int // the version of the campaign's rules in force on Day (bands, order)
	Rank            int // among units of the same kind in the campaign's scope; 0 when unranked
	RankChange      *int
	OnTime, Late    int
	Missing         int
}

// node is a unit with its place in the tree.
type node struct {
	unit     *domain.Unit
	children []int // indexes of children in the same branch (territorial or agency)
	reports  []Report
	quotas   []domain.QuotaRevision // sorted by effective day, then id
}

// dayState is one unit's computed figure for one day.
type dayState struct {
	valid                 bool
	has                   bool
	value                 int64
	source                domain.Source
	stale                 int
	hasQuota              bool
	quota                 int64
	quotaOwn              bool
	quotaRev              int64
	onTime, late, missing int
	leaf                  bool
}

// Compute computes every figure of the input's campaign for the days
// From..To and hands them to emit one metric and day at a time (the slice is
// reused after emit returns). It keeps only eight days in memory.
func Compute(in Input, emit func(day []Figure) error) error {
	c := in.Campaign
	idx := make(map[int64]int, len(in.Units))
	for i, u := range in.Units {
		idx[u.ID] = i
	}
	// Post-order: children before parents.
	order := postOrder(in.Units, idx)
	for _, metric := range c.MetricKeys {
		nodes := make([]node, len(in.Units))
		for i, u := range in.Units {
			nodes[i].unit = u
		}
		for i, u := range in.Units {
			if u.ParentID == nil {
				continue
			}
			p, ok := idx[*u.ParentID]
			if !ok {
				continue
			}
			if u.Kind.Territorial() == in.Units[p].Kind.Territorial() {
				nodes[p].children = append(nodes[p].children, i)
			}
		}
		for _, r := range in.Reports {
			if r.Metric == metric {
				if i, ok := idx[r.UnitID]; ok {
					nodes[i].reports = append(nodes[i].reports, r)
				}
			}
		}
		for _, q := range in.Quotas {
			if q.MetricKey == metric {
				if i, ok := idx[q.UnitID]; ok {
					nodes[i].quotas = append(nodes[i].quotas, q)
				}
			}
		}
		for i := range nodes {
			slices.SortFunc(nodes[i].reports, func(a, b Report) int { return cmp.Compare(a.Day, b.Day) })
			slices.SortFunc(nodes[i].quotas, func(a, b domain.QuotaRevision) int {
				return cmp.Or(cmp.Compare(a.EffectiveFrom, b.EffectiveFrom), cmp.Compare(a.ID, b.ID))
			})
		}
		if err := computeMetric(c, metric, nodes, order, in.From, in.To, emit); err != nil {
			return err
		}
	}
	return nil
}

func postOrder(units []*domain.Unit, idx map[int64]int) []int {
	kids := make([][]int, len(units))
	var roots []int
	for i, u := range units {
		if u.ParentID != nil {
			if p, ok := idx[*u.ParentID]; ok {
				kids[p] = append(kids[p], i)
				continue
			}
		}
		roots = append(roots, i)
	}
	order := make([]int, 0, len(units))
	var walk func(int)
	walk = func(i int) {
		for _, k := range kids[i] {
			walk(k)
		}
		order = append(order, i)
	}
	for _, r := range roots {
		walk(r)
	}
	return order
}

// history is how many days before From are computed for deltas and pace.
const history = 7

func computeMetric(c *domain.Campaign, metric string, nodes []node, order []int, from, to domain.Date, emit func([]Figure) error) error {
	if to < from {
		return nil
	}
	const ring = history + 1
	var states [ring][]dayState // states[di%ring][unit]
	for i := range states {
		states[i] = make([]dayState, len(nodes))
	}
	cursor := make([]int, len(nodes))  // next report index per unit
	qcursor := make([]int, len(nodes)) // next quota index per unit
	out := make([]Figure, 0, len(nodes))
	prevRanks := map[int64]int{}
	rules := domain.RulesOf(c) // rule 4: the default bands when the campaign sets none
	first := from - history - 1
	for di := 0; first+domain.Date(di) <= to; di++ {
		d := first + domain.Date(di)
		deadline := c.Deadline(d)
		st := states[di%ring]
		clear(st)
		for _, i := range order {
			n := &nodes[i]
			s := &st[i]
			if !n.unit.ValidOn(d) {
				continue
			}
			s.valid = true
			// Advance to the last report on or before d.
			for cursor[i] < len(n.reports) && n.reports[cursor[i]].Day <= d {
				cursor[i]++
			}
			var last *Report
			if cursor[i] > 0 {
				last = &n.reports[cursor[i]-1]
			}
			for qcursor[i] < len(n.quotas) && n.quotas[qcursor[i]].EffectiveFrom <= d {
				qcursor[i]++
			}
			s.leaf = true
			var sum, qsum int64
			var anyChild, anyQuota bool
			for _, k := range n.children {
				cs := &st[k]
				if !cs.valid {
					continue
				}
				s.leaf = false
				s.onTime += cs.onTime
				s.late += cs.late
				s.missing += cs.missing
				if cs.has {
					sum += cs.value
					anyChild = true
				}
				if cs.hasQuota {
					qsum += cs.quota
					anyQuota = true
				}
			}
			switch {
			case last != nil && last.Day == d:
				s.has, s.value, s.source = true, last.Value, domain.SourceReported
			case anyChild:
				s.has, s.value, s.source = true, sum, domain.SourceRollup
			case last != nil:
				s.has, s.value, s.source, s.stale = true, last.Value, domain.SourceCarried, int(d-last.Day)
			default:
				s.source = domain.SourceNone
			}
			if s.leaf {
				switch {
				case last == nil || last.Day != d:
					s.missing = 1
				case !last.FirstReportedAt.After(deadline):
					s.onTime = 1
				default:
					s.late = 1
				}
			}
			if qcursor[i] > 0 {
				q := n.quotas[qcursor[i]-1]
				s.hasQuota, s.quota, s.quotaOwn, s.quotaRev = true, q.Target, true, q.ID
			} else if anyQuota {
				s.hasQuota, s.quota = true, qsum
			}
		}
		if d < from-1 {
			continue // history only; the day before From is ranked for rank changes
		}
		prev, week := states[(di-1)%ring], states[(di-history)%ring]
		rv := domain.RulesOn(rules, d) // the version in force that day bands it
		bands := rv.Bands
		if len(bands) == 0 {
			bands = domain.DefaultBands()
		}
		out = out[:0]
		for i := range nodes {
			s := &st[i]
			if !s.valid {
				continue
			}
			u := nodes[i].unit
			f := Figure{Metric: metric, Day: d, UnitID: u.ID, Code: u.Code, Kind: u.Kind, ParentID: u.ParentID,
				HasValue: s.has, Value: s.value, Source: s.source, StaleDays: s.stale,
				HasQuota: s.hasQuota, Quota: s.quota, QuotaOwn: s.quotaOwn, QuotaRevisionID: s.quotaRev,
				OnTime: s.onTime, Late: s.late, Missing: s.missing, RulesVersion: rv.Version}
			if s.has && s.hasQuota && s.quota > 0 {
				r := float64(s.value) / float64(s.quota)
				f.Rate = &r
				f.Band = domain.BandOf(bands, s.value, s.quota).Key // exactly, not by the float
			}
			if p := &prev[i]; s.has && p.valid && p.has {
				v := s.value - p.value
				f.Delta = &v
			}
			if p := &week[i]; s.has && p.valid && p.has {
				v := s.value - p.value
				f.Delta7 = &v
				pace := float64(v) / history
				f.Pace7d = &pace
			}
			pace(c, &f)
			out = append(out, f)
		}
		rank(out, prevRanks)
		if d < from {
			continue
		}
		if err := emit(out); err != nil {
			return err
		}
	}
	return nil
}

// pace fills the required daily pace, the projected completion date and the
// at-risk flag (rule 5).
func pace(c *domain.Campaign, f *Figure) {
	if !f.HasValue || !f.HasQuota {
		return
	}
	remaining := f.Quota - f.Value
	daysLeft := int(c.End - f.Day)
	if remaining <= 0 {
		zero := 0.0
		f.RequiredPace = &zero
		return
	}
	if daysLeft > 0 {
		rp := float64(remaining) / float64(daysLeft)
		f.RequiredPace = &rp
	}
	if f.Delta7 != nil && *f.Delta7 > 0 {
		if n, ok := daysToFinish(remaining, *f.Delta7); ok && n <= math.MaxInt32-int64(f.Day) {
			d := f.Day.AddDays(int(n))
			f.Projected = &d
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

// cmpProduct compares x1*y1 with x2*y2 without overflow.
func cmpProduct(x1, y1, x2, y2 int64) int {
	hi1, lo1 := mul128(x1, y1)
	hi2, lo2 := mul128(x2, y2)
	if c := cmp.Compare(hi1, hi2); c != 0 {
		return c
	}
	return cmp.Compare(lo1, lo2)
}

func mul128(x, y int64) (uint64, uint64) {
	// Counts are non-negative, so unsigned arithmetic is exact.
	a, b := uint64(x), uint64(y)
	aHi, aLo := a>>32, a&0xffffffff
	bHi, bLo := b>>32, b&0xffffffff
	lo := aLo * bLo
	mid1 := aHi * bLo
	mid2 := aLo * bHi
	hi := aHi * bHi
	carry := (lo>>32 + mid1&0xffffffff + mid2&0xffffffff) >> 32
	lo += mid1<<32 + mid2<<32
	hi += mid1>>32 + mid2>>32 + carry
	return hi, lo
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
func rank(day []Figure, prev map[int64]int) {
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
			ch := p - f.Rank
			f.RankChange = &ch
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

// Pace fills a figure's required pace, projected completion and at-risk
// flag from its value, quota and Delta7, as the engine does for stored
// figures (for figures summed at read time, such as an old campaign read on
// today's map).
func Pace(c *domain.Campaign, f *Figure) { pace(c, f) }
