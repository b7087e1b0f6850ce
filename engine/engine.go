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
	"math"
	"slices"
	"sync"
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

// putWork keeps w for the next Compute, in place of the smallest kept if
// there are keptWorks already.
func putWork(w *work) {
	works.Lock()
	defer works.Unlock()
	if len(works.free) < keptWorks {
		works.free = append(works.free, w)
		return
	}
	smallest := 0
	for i, f := range works.free {
		if cap(f.reports) < cap(works.free[smallest].reports) {
			smallest = i
		}
	}
	if cap(works.free[smallest].reports) < cap(w.reports) {
		works.free[smallest] = w
	}
}

// unitIndex finds a unit's index in Input.Units by its id: in a slice by
// id when the ids are dense enough (a store's are), else in a map.
type unitIndex struct {
	base  int64
	slots []int32 // index+1 of the unit with id base+k, 0 for none
	m     map[int64]int
}

func denseIndex(units []*domain.Unit) unitIndex {
	if len(units) == 0 {
		return unitIndex{}
	}
	lo, hi := units[0].ID, units[0].ID
	for _, u := range units {
		lo, hi = min(lo, u.ID), max(hi, u.ID)
	}
	if uint64(hi-lo) >= uint64(4*len(units)+1024) || len(units) >= math.MaxInt32 {
		x := unitIndex{m: make(map[int64]int, len(units))}
		for i, u := range units {
			x.m[u.ID] = i
		}
		return x
	}
	x := unitIndex{base: lo, slots: make([]int32, hi-lo+1)}
	for i, u := range units {
		x.slots[u.ID-lo] = int32(i) + 1
	}
	return x
}

func (x unitIndex) find(id int64) (int, bool) {
	if x.m != nil {
		i, ok := x.m[id]
		return i, ok
	}
	if k := uint64(id - x.base); k < uint64(len(x.slots)) && x.slots[k] > 0 {
		return int(x.slots[k]) - 1, true
	}
	return 0, false
}

// work is what computing one metric needs besides its nodes, allocated once
// for every metric of a Compute, and kept for the next Compute (works):
// a report morning refreshes its day every second, and allocating (and
// clearing) a national campaign's tens of megabytes each time cost more
// than the rules.
type work struct {
	counts          []int
	at, metricOf    []int32 // each report's unit index (-1: none) and metric index
	reports         []reportAt
	day             []dayState             // the day being computed
	kept            [history + 1][]carried // the days before it, by di%ring
	cursor, qcursor []int                  // next report and quota index per unit
	out             []Figure
	prevRanks       map[int64]int
}

// works holds the work of the last Computes done, for the next: at most
// keptWorks (a national campaign's is about 15 MB). A sync.Pool let go of
// it at every collection, a few times between two refreshes of a report
// morning, and each refresh allocated it again.
var works struct {
	sync.Mutex
	free []*work
}

const keptWorks = 2

// getWork returns a work for units and reports, one of works if one there
// is large enough. Nothing in it is cleared.
func getWork(units, reports int) *work {
	works.Lock()
	var w *work
	for i, f := range works.free {
		if cap(f.day) >= units {
			w = f
			works.free = slices.Delete(works.free, i, i+1)
			break
		}
	}
	works.Unlock()
	if w == nil {
		w = &work{day: make([]dayState, units), out: make([]Figure, 0, units), prevRanks: make(map[int64]int, units)}
	}
	// Each slice to its length, grown (with room: a report morning's
	// window grows by each batch) where it is too short.
	w.counts = sized(w.counts, units+1)
	w.reports, w.at, w.metricOf = sized(w.reports, reports), sized(w.at, reports), sized(w.metricOf, reports)
	w.day, w.cursor, w.qcursor = sized(w.day, units), sized(w.cursor, units), sized(w.qcursor, units)
	for i := range w.kept {
		w.kept[i] = sized(w.kept[i], units)
	}
	return w
}

// sized returns s with length n, reallocated with a quarter more room when
// it has not that much.
func sized[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

// slab hands out pointers to values kept in shared chunks: a day's figures
// carry up to seven optional numbers each (rate, changes, paces, projected
// day, rank change), and a national day's two hundred thousand separate
// allocations (and the collector's work on them) cost more than the rules.
// A chunk is never written again once handed out, and lives as long as a
// figure points into it.
type slab[T any] struct{ free []T }

const slabChunk = 4096

func (s *slab[T]) put(v T) *T {
	if len(s.free) == cap(s.free) {
		// A new chunk, twice the last one's size up to slabChunk: one
		// figure's pace (Pace) costs one value, a national day 20 chunks.
		s.free = make([]T, 0, min(max(1, 2*cap(s.free)), slabChunk))
	}
	s.free = append(s.free, v)
	return &s.free[len(s.free)-1]
}

// slabs are a Compute's slabs, one per type a figure points to.
type slabs struct {
	float slab[float64]
	int64 slab[int64]
	int   slab[int]
	date  slab[domain.Date]
}

func postOrder(units []*domain.Unit, idx unitIndex) []int {
	// Each unit's children, in one array by parent (a slice per unit cost
	// a national campaign thirty thousand allocations a refresh).
	parent := make([]int32, len(units))
	start := make([]int32, len(units)+2)
	for i, u := range units {
		parent[i] = -1
		if u.ParentID != nil {
			if p, ok := idx.find(*u.ParentID); ok {
				parent[i] = int32(p)
				start[p+2]++
			}
		}
	}
	for i := 2; i < len(start); i++ {
		start[i] += start[i-1]
	}
	kids := make([]int32, len(units))
	for i, p := range parent {
		if p >= 0 {
			kids[start[p+1]] = int32(i)
			start[p+1]++
		}
	}
	// start[p] .. start[p+1] are p's children now. Walk each root's tree,
	// children (in input order) before their parent.
	order := make([]int, 0, len(units))
	type frame struct{ node, next int32 }
	var stack []frame
	for r, p := range parent {
		if p >= 0 {
			continue
		}
		stack = append(stack[:0], frame{int32(r), start[r]})
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next < start[f.node+1] {
				k := kids[f.next]
				f.next++
				stack = append(stack, frame{k, start[k]})
				continue
			}
			order = append(order, int(f.node))
			stack = stack[:len(stack)-1]
		}
	}
	return order
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
