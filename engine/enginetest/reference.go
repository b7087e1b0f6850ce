package enginetest

import (
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// Reference computes the same figures as engine.Compute, from the same
// input, in the same order (metric by metric in the campaign's order, day by
// day, units in the input's order), the slow and plain way: every figure is
// worked out from the rules of the domain spec on its own, by recursion over
// the tree, with exact integer and rational arithmetic for every comparison.
// It shares no code with the engine and exists to check it (see the
// property test); it is far too slow for a real campaign.
//
// The rules, as it reads them (domain.md, rules 1–5):
//
//   - The input holds the latest revision of each report (rule 1); a
//     correction that lowers a figure is just a lower value.
//   - A unit exists on a day inside its validity period; only existing units
//     have figures, and only existing children count in their parent.
//   - Children are the units whose parent it is, in the same branch: an agency
//     (sở, ban, ngành) under a territorial unit rolls up in its own branch
//     (agency under agency), never into the territorial figure, so nothing is
//     counted twice.
//   - Figure (rule 2): the unit's own report for the day (REPORTED); else the
//     sum of its children's figures, if any child has one (ROLLUP; a child's
//     figure may itself be carried, which is how a child that did not report
//     is carried forward inside the sum); else its own latest earlier report
//     (CARRIED, stale by the days between); else none (NONE).
//   - Quota in force: the unit's own latest revision effective on or before
//     the day (the highest id among revisions of the same day); else the sum
//     of its children's quotas, if any child has one.
//   - Coverage: a unit with no children on the day is one reporting unit:
//     on time when its report for the day was first received by the deadline
//     (07:30 on D+1 in the campaign's time zone, wall-clock), late when after,
//     missing when it has no report for the day. A unit with children adds up
//     its children's coverage (its own direct report does not count, so a
//     commune is counted once however many levels above it report).
//   - Rate (rule 4): figure ÷ quota when both exist and the quota is positive;
//     band: the band with the highest minimum the rate reaches (compared
//     exactly, the minimum taken as the decimal it was written as), else the
//     lowest band; the default bands when the campaign has none. The bands
//     are those of the campaign's rules version in force on the day: of the
//     versions effective on or before it, the highest numbered; before all
//     of them, the lowest numbered (a campaign without versions has one,
//     number 1, with its bands).
//   - Rank (rule 4): among the units of the same kind existing that day, a
//     unit with a figure ranks 1 + the number of units that stand strictly
//     better: a rate beats no rate; a higher rate (exactly, as fractions)
//     beats a lower; at an equal rate (or both without one) a higher figure
//     beats a lower. Equal standings share a rank (1, 2, 2, 4); the code only
//     orders them. A unit without a figure has no rank (0). The rank change
//     is yesterday's rank minus today's, when the unit was ranked on both.
//   - Pace (rule 5): delta = figure − yesterday's figure; delta7 = figure −
//     the figure seven days before; pace7d = delta7 ÷ 7; with a figure and a
//     quota, remaining = quota − figure and days left = campaign end − day:
//     nothing remaining → required pace 0, never at risk; otherwise the
//     required pace is remaining ÷ days left (none on or after the last
//     day), the projected completion is day + ⌈remaining ÷ pace7d⌉ when the
//     pace is positive (and the day fits a Date), and the unit is at risk when the campaign has no
//     days left, when it has no 7-day pace yet, or when pace7d < required.
func Reference(in engine.Input, emit func(day []engine.Figure) error) error {
	w := newRefWorld(in)
	for _, m := range in.Campaign.MetricKeys {
		for d := in.From; d <= in.To; d++ {
			var day []engine.Figure
			for _, u := range in.Units {
				if u.ValidOn(d) {
					day = append(day, w.figure(u, m, d))
				}
			}
			if err := emit(day); err != nil {
				return err
			}
		}
	}
	return nil
}

type refKey struct {
	unit   int64
	metric string
	day    domain.Date
}

type unitMetric struct {
	unit   int64
	metric string
}

// refBase is what rule 2, the quota and the coverage give one unit on one
// day for one metric, before anything is derived from it.
type refBase struct {
	has                   bool
	value                 int64
	source                domain.Source
	stale                 int
	hasQuota              bool
	quota                 int64
	quotaOwn              bool
	quotaRev              int64
	onTime, late, missing int
}

type refWorld struct {
	in      engine.Input
	c       *domain.Campaign
	loc     *time.Location
	rules   []domain.RulesVersion
	reports map[unitMetric][]engine.Report // in input order; searched linearly
	quotas  map[unitMetric][]domain.QuotaRevision
	memo    map[refKey]refBase // base is a pure function; remembered only for speed
	ranks   map[refKey]int
}

func newRefWorld(in engine.Input) *refWorld {
	w := &refWorld{in: in, c: in.Campaign, rules: in.Campaign.Rules,
		reports: map[unitMetric][]engine.Report{}, quotas: map[unitMetric][]domain.QuotaRevision{},
		memo: map[refKey]refBase{}, ranks: map[refKey]int{}}
	if len(w.rules) == 0 {
		w.rules = []domain.RulesVersion{{Version: 1, EffectiveFrom: in.Campaign.Start, Bands: in.Campaign.Bands}}
	}
	loc, err := time.LoadLocation(w.c.TimeZone)
	if err != nil {
		loc = time.FixedZone("ICT", 7*3600)
	}
	w.loc = loc
	for _, r := range in.Reports {
		k := unitMetric{r.UnitID, r.Metric}
		w.reports[k] = append(w.reports[k], r)
	}
	for _, q := range in.Quotas {
		k := unitMetric{q.UnitID, q.MetricKey}
		w.quotas[k] = append(w.quotas[k], q)
	}
	return w
}

// children returns u's children in u's branch that exist on d.
func (w *refWorld) children(u *domain.Unit, d domain.Date) []*domain.Unit {
	var out []*domain.Unit
	for _, v := range w.in.Units {
		if v.ParentID != nil && *v.ParentID == u.ID && v.Kind.Territorial() == u.Kind.Territorial() && v.ValidOn(d) {
			out = append(out, v)
		}
	}
	return out
}

// reportOn returns u's report for exactly day d, if any.
func (w *refWorld) reportOn(u *domain.Unit, m string, d domain.Date) (engine.Report, bool) {
	for _, r := range w.reports[unitMetric{u.ID, m}] {
		if r.Day == d {
			return r, true
		}
	}
	return engine.Report{}, false
}

// reportBefore returns u's latest report for a day before d, if any.
func (w *refWorld) reportBefore(u *domain.Unit, m string, d domain.Date) (engine.Report, bool) {
	var best engine.Report
	found := false
	for _, r := range w.reports[unitMetric{u.ID, m}] {
		if r.Day < d && (!found || r.Day > best.Day) {
			best, found = r, true
		}
	}
	return best, found
}

// deadline is when the report for day d is due: DeadlineMinutes after
// midnight, wall-clock, on day d + DeadlineDays in the campaign's zone.
func (w *refWorld) deadline(d domain.Date) time.Time {
	t := d.UTC()
	mins := int(w.c.DeadlineMinutes)
	return time.Date(t.Year(), t.Month(), t.Day()+int(w.c.DeadlineDays), mins/60, mins%60, 0, 0, w.loc)
}

// base works out u's figure, quota and coverage on d (u must exist on d).
func (w *refWorld) base(u *domain.Unit, m string, d domain.Date) refBase {
	k := refKey{u.ID, m, d}
	if b, ok := w.memo[k]; ok {
		return b
	}
	var b refBase
	kids := w.children(u, d)
	own, reported := w.reportOn(u, m, d)

	// Figure, rule 2.
	var sum int64
	anyChild := false
	for _, v := range kids {
		if cb := w.base(v, m, d); cb.has {
			sum += cb.value
			anyChild = true
		}
	}
	if reported {
		b.has, b.value, b.source = true, own.Value, domain.SourceReported
	} else if anyChild {
		b.has, b.value, b.source = true, sum, domain.SourceRollup
	} else if prev, ok := w.reportBefore(u, m, d); ok {
		b.has, b.value, b.source, b.stale = true, prev.Value, domain.SourceCarried, int(d-prev.Day)
	} else {
		b.source = domain.SourceNone
	}

	// Quota in force.
	var rev *domain.QuotaRevision
	for i, q := range w.quotas[unitMetric{u.ID, m}] {
		if q.EffectiveFrom <= d && (rev == nil || q.EffectiveFrom > rev.EffectiveFrom ||
			q.EffectiveFrom == rev.EffectiveFrom && q.ID > rev.ID) {
			rev = &w.quotas[unitMetric{u.ID, m}][i]
		}
	}
	if rev != nil {
		b.hasQuota, b.quota, b.quotaOwn, b.quotaRev = true, rev.Target, true, rev.ID
	} else {
		for _, v := range kids {
			if cb := w.base(v, m, d); cb.hasQuota {
				b.hasQuota = true
				b.quota += cb.quota
			}
		}
	}

	// Coverage.
	if len(kids) == 0 {
		switch {
		case !reported:
			b.missing = 1
		case own.FirstReportedAt.After(w.deadline(d)):
			b.late = 1
		default:
			b.onTime = 1
		}
	}
	for _, v := range kids {
		cb := w.base(v, m, d)
		b.onTime += cb.onTime
		b.late += cb.late
		b.missing += cb.missing
	}
	w.memo[k] = b
	return b
}

// rated reports whether a base has a rate.
func rated(b refBase) bool { return b.has && b.hasQuota && b.quota > 0 }

// better reports whether a stands strictly better than b in a ranking (both
// have figures).
func better(a, b refBase) bool {
	ra, rb := rated(a), rated(b)
	if ra != rb {
		return ra
	}
	if ra {
		// a.value/a.quota vs b.value/b.quota, cross-multiplied exactly.
		x := new(big.Int).Mul(big.NewInt(a.value), big.NewInt(b.quota))
		y := new(big.Int).Mul(big.NewInt(b.value), big.NewInt(a.quota))
		if c := x.Cmp(y); c != 0 {
			return c > 0
		}
	}
	return a.value > b.value
}

// rank is u's rank among the units of its kind that exist on d (0 without a
// figure).
func (w *refWorld) rank(u *domain.Unit, m string, d domain.Date) int {
	k := refKey{u.ID, m, d}
	if r, ok := w.ranks[k]; ok {
		return r
	}
	me := w.base(u, m, d)
	r := 0
	if me.has {
		r = 1
		for _, v := range w.in.Units {
			if v.Kind == u.Kind && v.ValidOn(d) {
				if vb := w.base(v, m, d); vb.has && better(vb, me) {
					r++
				}
			}
		}
	}
	w.ranks[k] = r
	return r
}

// rulesOn is the rules version in force on d.
func (w *refWorld) rulesOn(d domain.Date) *domain.RulesVersion {
	var in, lowest *domain.RulesVersion
	for i := range w.rules {
		r := &w.rules[i]
		if r.EffectiveFrom <= d && (in == nil || r.Version > in.Version) {
			in = r
		}
		if lowest == nil || r.Version < lowest.Version {
			lowest = r
		}
	}
	if in == nil {
		return lowest
	}
	return in
}

// band is the band a rate of value/quota (quota > 0) falls in on day d.
func (w *refWorld) band(value, quota int64, d domain.Date) string {
	rate := new(big.Rat).SetFrac64(value, quota)
	bands := w.rulesOn(d).Bands
	if len(bands) == 0 {
		bands = domain.DefaultBands()
	}
	var best, lowest *domain.Band
	for i := range bands {
		b := &bands[i]
		if lowest == nil || b.Min < lowest.Min {
			lowest = b
		}
		if rate.Cmp(decimal(b.Min)) >= 0 && (best == nil || b.Min > best.Min) {
			best = b
		}
	}
	if best == nil {
		best = lowest
	}
	return best.Key
}

// decimal returns the decimal a band minimum was written as (0.7 is 7/10,
// not the binary fraction nearest it), so that exactly 70% is KHÁ.
func decimal(x float64) *big.Rat {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(x, 'g', -1, 64))
	if !ok {
		return new(big.Rat).SetFloat64(x)
	}
	return r
}

// ratio returns a/b as the float64 nearest the exact fraction.
func ratio(a, b int64) *float64 {
	f, _ := new(big.Rat).SetFrac64(a, b).Float64()
	return &f
}

// figure works out everything of u's figure on d.
func (w *refWorld) figure(u *domain.Unit, m string, d domain.Date) engine.Figure {
	b := w.base(u, m, d)
	f := engine.Figure{Metric: m, Day: d, UnitID: u.ID, Code: u.Code, Kind: u.Kind, ParentID: u.ParentID,
		HasValue: b.has, Value: b.value, Source: b.source, StaleDays: b.stale,
		HasQuota: b.hasQuota, Quota: b.quota, QuotaOwn: b.quotaOwn, QuotaRevisionID: b.quotaRev,
		OnTime: b.onTime, Late: b.late, Missing: b.missing, RulesVersion: w.rulesOn(d).Version}
	if rated(b) {
		f.Rate = ratio(b.value, b.quota)
		f.Band = w.band(b.value, b.quota, d)
	}
	// Changes: against yesterday and a week ago, when the unit existed and had a figure.
	var delta7 *int64
	if b.has {
		if u.ValidOn(d - 1) {
			if p := w.base(u, m, d-1); p.has {
				v := b.value - p.value
				f.Delta = &v
			}
		}
		if u.ValidOn(d - 7) {
			if p := w.base(u, m, d-7); p.has {
				v := b.value - p.value
				delta7 = &v
				f.Delta7 = &v
				f.Pace7d = ratio(v, 7)
			}
		}
	}
	// Required pace, projection, risk.
	if b.has && b.hasQuota {
		remaining := b.quota - b.value
		daysLeft := int64(w.c.End - d)
		if remaining <= 0 {
			zero := 0.0
			f.RequiredPace = &zero
		} else {
			if daysLeft > 0 {
				f.RequiredPace = ratio(remaining, daysLeft)
			}
			if delta7 != nil && *delta7 > 0 {
				// ⌈remaining ÷ (delta7/7)⌉ = ⌈7·remaining ÷ delta7⌉, when the day fits a Date.
				n := new(big.Int).Mul(big.NewInt(7), big.NewInt(remaining))
				n.Add(n, big.NewInt(*delta7-1))
				n.Quo(n, big.NewInt(*delta7))
				if n.Add(n, big.NewInt(int64(d))).Cmp(big.NewInt(math.MaxInt32)) <= 0 {
					p := domain.Date(n.Int64())
					f.Projected = &p
				}
			}
			switch {
			case daysLeft <= 0:
				f.AtRisk = true
			case delta7 == nil:
				f.AtRisk = true
			default:
				// delta7/7 < remaining/daysLeft, exactly
				x := new(big.Int).Mul(big.NewInt(*delta7), big.NewInt(daysLeft))
				f.AtRisk = x.Cmp(new(big.Int).Mul(big.NewInt(7), big.NewInt(remaining))) < 0
			}
		}
	}
	// Rank and its change since yesterday.
	f.Rank = w.rank(u, m, d)
	if f.Rank > 0 && u.ValidOn(d-1) {
		if p := w.rank(u, m, d-1); p > 0 {
			ch := p - f.Rank
			f.RankChange = &ch
		}
	}
	return f
}
