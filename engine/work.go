package engine

import (
	"math"
	"slices"
	"sync"

	"github.com/tiendo-vn/tiendo/domain"
)

// What a Compute works with besides the rules: its buffers, kept from one
// Compute to the next, the slabs its figures point into, and the tree's
// order and index.

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
