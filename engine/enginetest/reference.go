package enginetest

import (
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
//     correction that lowers a figure is just a lower value. A figure
//     carries the number of revisions of the unit's own report for its day
//     (0 without one: carried, rolled up or none).
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
	revisions             int // of the unit's own report for the day
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
		b.has, b.value, b.source, b.revisions = true, own.Value, domain.SourceReported, own.Revision
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
