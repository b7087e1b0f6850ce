// Package engine computes, in one pass per metric, every figure of a
// campaign: for each unit of its scope and each day, the figure by rule 2
// (REPORTED, ROLLUP, CARRIED, NONE), the quota in force, the rate, the
// changes, pace, band, rank and coverage. The store keeps its output in a
// table so that series and rankings are reads. It also derives targets from
// figures by a campaign's rule (targets.go). It imports neither pgx nor
// gqlgen; package enginetest holds the slow reference it is checked against.
package engine

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
)

// Version names the rules this package implements. Stored figures record
// it, so changing how any figure is computed (bump it then) recomputes them.
// 4: figures carry the revision count of the unit's own report.
const Version = 4

// Report is the latest revision of a unit's report for one metric and day,
// with when it was first reported (judged against the deadline).
type Report struct {
	UnitID          int64
	Metric          string
	Day             domain.Date
	Value           int64
	Revision        int // the latest revision's number (1 for a first report)
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
	Revisions       int // of the unit's own report for the day (0 without one)
}

// node is a unit with its place in the tree.
type node struct {
	unit     *domain.Unit
	children []int                  // indexes of children in the same branch (territorial or agency)
	reports  []reportAt             // of one metric, by day
	quotas   []domain.QuotaRevision // sorted by effective day, then id
}

// reportAt is a report of Input.Reports by its index, with its day (to
// sort and search by): a national window is a quarter of a million reports,
// and copying them into each unit's list cost more than the rules.
type reportAt struct {
	day domain.Date
	k   int32
}

// source is a figure's domain.Source as a small number, so that a
// dayState holds no pointer: the eight days' states of a national
// campaign (a few hundred thousand) are cleared each day and never
// scanned by the garbage collector.
type source uint8

const (
	sourceUnset source = iota
	sourceReported
	sourceRollup
	sourceCarried
	sourceNone
)

var sources = [...]domain.Source{sourceUnset: "", sourceReported: domain.SourceReported,
	sourceRollup: domain.SourceRollup, sourceCarried: domain.SourceCarried, sourceNone: domain.SourceNone}

// dayState is one unit's computed figure for one day.
type dayState struct {
	valid                 bool
	has                   bool
	value                 int64
	source                source
	stale                 int
	hasQuota              bool
	quota                 int64
	quotaOwn              bool
	quotaRev              int64
	onTime, late, missing int
	revisions             int // of the unit's own report for the day
	leaf                  bool
}

// Compute computes every figure of the input's campaign for the days
// From..To and hands them to emit one metric and day at a time (the slice is
// reused after emit returns; what its figures point to is not). It keeps only
// eight days in memory.
func Compute(in Input, emit func(day []Figure) error) error {
	_, err := Resume(in, nil, emit)
	return err
}

// Checkpoint is what computing a campaign's figures leaves for the days from
// its From on: each metric's values of the seven days before (for the day
// changes and the 7-day pace) and its ranks on the day before (for the rank
// changes). A report morning refreshes the same day again and again; its
// history does not change, and computing it (eight days, and ranking the day
// before) was most of each refresh.
type Checkpoint struct {
	day     domain.Date // the From it was taken at
	units   []int64     // the input's units, in its order
	metrics map[string]*metricPoint
}

// metricPoint is one metric's part of a Checkpoint.
type metricPoint struct {
	days  [history][]carried // day-7 .. day-1
	ranks map[int64]int      // on day-1
}

// carried is what a later day reads of a unit's day: whether it had a figure, and which.
type carried struct {
	value      int64
	valid, has bool
}

// Resume is Compute resuming from cp, a Checkpoint a Compute of the
// campaign returned, where it can: for each metric cp holds, at the same
// From and units, it computes From..To only. The caller vouches that
// nothing the days before From depend on changed since (reports and
// quota revisions of those days, the campaign, its units). It returns the
// Checkpoint at From of this computation (cp's parts where they were used).
func Resume(in Input, cp *Checkpoint, emit func(day []Figure) error) (*Checkpoint, error) {
	c := in.Campaign
	// Each unit's index by id; each report's unit and metric, looked up
	// once for every metric (a national window is a quarter of a million
	// reports).
	idx := denseIndex(in.Units)
	// Post-order: children before parents.
	order := postOrder(in.Units, idx)
	nodes := make([]node, len(in.Units))
	for i, u := range in.Units {
		nodes[i].unit = u
	}
	for i, u := range in.Units {
		if u.ParentID == nil {
			continue
		}
		p, ok := idx.find(*u.ParentID)
		if !ok {
			continue
		}
		if u.Kind.Territorial() == in.Units[p].Kind.Territorial() {
			nodes[p].children = append(nodes[p].children, i)
		}
	}
	w := getWork(len(in.Units), len(in.Reports))
	defer putWork(w)
	at, metricOf := w.at, w.metricOf
	for k, r := range in.Reports {
		at[k], metricOf[k] = -1, -1
		if i, ok := idx.find(r.UnitID); ok {
			at[k] = int32(i)
		}
		metricOf[k] = int32(slices.Index(c.MetricKeys, r.Metric))
	}
	// What every metric reuses: a national campaign's window holds a few
	// hundred thousand reports and its eight days' states a few hundred
	// thousand more, and allocating (and clearing) them again per metric
	// cost more than the rules.
	sl := new(slabs) // what the figures point to: never reused
	ids := make([]int64, len(in.Units))
	for i, u := range in.Units {
		ids[i] = u.ID
	}
	if cp != nil && (cp.day != in.From || !slices.Equal(cp.units, ids)) {
		cp = nil
	}
	out := &Checkpoint{day: in.From, units: ids, metrics: make(map[string]*metricPoint, len(c.MetricKeys))}
	for m, metric := range c.MetricKeys {
		mi := int32(m)
		// Each node's reports of the metric in one shared array (counted
		// first): growing a slice per unit cost more than the rules.
		counts := w.counts
		clear(counts)
		for k := range in.Reports {
			if at[k] >= 0 && metricOf[k] == mi {
				counts[at[k]+1]++
			}
		}
		for i := range nodes {
			counts[i+1] += counts[i]
		}
		shared := w.reports[:counts[len(nodes)]]
		for i := range nodes {
			nodes[i].reports = shared[counts[i]:counts[i]:counts[i+1]]
			nodes[i].quotas = nodes[i].quotas[:0]
		}
		ordered := true // every node's reports came in day order (a window kept in memory is sorted)
		for k := range in.Reports {
			if i := at[k]; i >= 0 && metricOf[k] == mi {
				rs := nodes[i].reports
				d := in.Reports[k].Day
				if len(rs) > 0 && rs[len(rs)-1].day > d {
					ordered = false
				}
				nodes[i].reports = append(rs, reportAt{d, int32(k)})
			}
		}
		for _, q := range in.Quotas {
			if q.MetricKey == metric {
				if i, ok := idx.find(q.UnitID); ok {
					nodes[i].quotas = append(nodes[i].quotas, q)
				}
			}
		}
		for i := range nodes {
			if !ordered {
				slices.SortFunc(nodes[i].reports, func(a, b reportAt) int { return cmp.Compare(a.day, b.day) })
			}
			if len(nodes[i].quotas) > 1 {
				slices.SortFunc(nodes[i].quotas, func(a, b domain.QuotaRevision) int {
					return cmp.Or(cmp.Compare(a.EffectiveFrom, b.EffectiveFrom), cmp.Compare(a.ID, b.ID))
				})
			}
		}
		var from *metricPoint
		if cp != nil {
			from = cp.metrics[metric]
		}
		point, err := computeMetric(c, metric, in.Reports, nodes, order, in.From, in.To, w, sl, from, emit)
		if err != nil {
			return nil, err
		}
		out.metrics[metric] = point
	}
	return out, nil
}

// history is how many days before From are computed for deltas and pace.
const history = 7

// computeMetric computes one metric's figures of the days from..to, from
// resume's history when it is not nil, and returns its checkpoint at from
// (resume itself when given).
func computeMetric(c *domain.Campaign, metric string, reports []Report, nodes []node, order []int, from, to domain.Date, w *work, sl *slabs, resume *metricPoint, emit func([]Figure) error) (*metricPoint, error) {
	if to < from {
		return nil, nil
	}
	const ring = history + 1
	st, cursor, qcursor, out, prevRanks := w.day, w.cursor, w.qcursor, w.out, w.prevRanks
	clear(cursor)
	clear(qcursor)
	clear(prevRanks)
	// kept[di%ring] is what later days read of day di: w's own, or
	// resume's (read only) for the days before from.
	var kept [ring][]carried
	rules := domain.RulesOf(c) // rule 4: the default bands when the campaign sets none
	first := from - history - 1
	start := 0
	point := resume
	if resume != nil {
		// Days from-7 .. from-1 as they were; the cursors catch up on the
		// first day computed.
		start = history + 1
		for k := range history {
			kept[(start-history+k)%ring] = resume.days[k]
		}
		maps.Copy(prevRanks, resume.ranks)
	}
	for di := start; first+domain.Date(di) <= to; di++ {
		d := first + domain.Date(di)
		if d == from && point == nil {
			point = checkpoint(&kept, di, prevRanks)
		}
		deadline := c.Deadline(d)
		clear(st)
		for _, i := range order {
			n := &nodes[i]
			s := &st[i]
			if !n.unit.ValidOn(d) {
				continue
			}
			s.valid = true
			// Advance to the last report on or before d.
			for cursor[i] < len(n.reports) && n.reports[cursor[i]].day <= d {
				cursor[i]++
			}
			var last *Report
			if cursor[i] > 0 {
				last = &reports[n.reports[cursor[i]-1].k]
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
				s.has, s.value, s.source, s.revisions = true, last.Value, sourceReported, last.Revision
			case anyChild:
				s.has, s.value, s.source = true, sum, sourceRollup
			case last != nil:
				s.has, s.value, s.source, s.stale = true, last.Value, sourceCarried, int(d-last.Day)
			default:
				s.source = sourceNone
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
		k := w.kept[di%ring]
		for i := range st {
			k[i] = carried{value: st[i].value, valid: st[i].valid, has: st[i].has}
		}
		kept[di%ring] = k
		if d < from-1 {
			continue // history only; the day before From is ranked for rank changes
		}
		prev, week := kept[(di-1)%ring], kept[(di-history)%ring]
		rv := domain.RulesOn(rules, d) // the version in force that day bands it
		bands := domain.Exact(rv.Bands)
		if len(rv.Bands) == 0 {
			bands = domain.Exact(domain.DefaultBands())
		}
		out = out[:0]
		for i := range nodes {
			s := &st[i]
			if !s.valid {
				continue
			}
			u := nodes[i].unit
			f := Figure{Metric: metric, Day: d, UnitID: u.ID, Code: u.Code, Kind: u.Kind, ParentID: u.ParentID,
				HasValue: s.has, Value: s.value, Source: sources[s.source], StaleDays: s.stale,
				HasQuota: s.hasQuota, Quota: s.quota, QuotaOwn: s.quotaOwn, QuotaRevisionID: s.quotaRev,
				OnTime: s.onTime, Late: s.late, Missing: s.missing, RulesVersion: rv.Version, Revisions: s.revisions}
			if s.has && s.hasQuota && s.quota > 0 {
				f.Rate = sl.float.put(float64(s.value) / float64(s.quota))
				f.Band = bands.Of(s.value, s.quota).Key // exactly, not by the float
			}
			if p := &prev[i]; s.has && p.valid && p.has {
				f.Delta = sl.int64.put(s.value - p.value)
			}
			if p := &week[i]; s.has && p.valid && p.has {
				v := s.value - p.value
				f.Delta7 = sl.int64.put(v)
				f.Pace7d = sl.float.put(float64(v) / history)
			}
			pace(c, &f, sl)
			out = append(out, f)
		}
		rank(out, prevRanks, sl)
		if d < from {
			continue
		}
		if err := emit(out); err != nil {
			return nil, err
		}
	}
	return point, nil
}

// checkpoint copies what the days from di on read of the seven days before
// it, and the ranks of the day before.
func checkpoint(kept *[history + 1][]carried, di int, ranks map[int64]int) *metricPoint {
	p := &metricPoint{ranks: maps.Clone(ranks)}
	for k := range history {
		p.days[k] = slices.Clone(kept[(di-history+k)%(history+1)])
	}
	return p
}
