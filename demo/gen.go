package demo

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
)

// world is the pre-reform unit tree, which the 2023 campaigns live in.
type world struct {
	units    map[string]*domain.UnitRow
	children map[string][]string
}

func newWorld(rows []domain.UnitRow) *world {
	w := &world{units: map[string]*domain.UnitRow{}, children: map[string][]string{}}
	for i := range rows {
		u := &rows[i]
		if u.ValidFrom != nil { // post-reform
			continue
		}
		w.units[u.Code] = u
		if u.ParentCode != "" {
			w.children[u.ParentCode] = append(w.children[u.ParentCode], u.Code)
		}
	}
	return w
}

// unit returns a unit by code, panicking on a typo in this file.
func (w *world) unit(code string) *domain.UnitRow {
	u, ok := w.units[code]
	if !ok {
		panic("demo: no unit " + code)
	}
	return u
}

// childByName finds a child of parent by its short name, or "".
func (w *world) childByName(parent, name string) string {
	for _, c := range w.children[parent] {
		if w.units[c].Name == name {
			return c
		}
	}
	return ""
}

// leaves returns the units under code that report: communes, and districts
// without communes (Bạch Long Vĩ, an island district with no commune).
func (w *world) leaves(code string) []string {
	kids := w.children[code]
	if len(kids) == 0 {
		return []string{code}
	}
	var out []string
	for _, k := range kids {
		if w.units[k].Kind == domain.KindAgency {
			continue
		}
		out = append(out, w.leaves(k)...)
	}
	return out
}

// jit is a deterministic number in [0, 1) for a key: the demo's only source
// of variety, so every build gives the same dataset.
func jit(parts ...any) float64 {
	h := fnv.New64a()
	fmt.Fprint(h, parts...)
	return float64(h.Sum64()>>11) / (1 << 53)
}

// kindWeight is a rough size of a commune by its type: wards and towns are
// denser than rural communes.
func kindWeight(u *domain.UnitRow) float64 {
	switch {
	case strings.HasPrefix(u.FullName, "Phường"):
		return 1.6
	case strings.HasPrefix(u.FullName, "Thị trấn"):
		return 1.3
	}
	return 1
}

// split divides total into parts proportional to weights, exactly, by the
// largest remainder (ties to the earlier part).
func split(total int64, weights []float64) []int64 {
	out := make([]int64, len(weights))
	var sum float64
	for _, w := range weights {
		sum += w
	}
	if len(weights) == 0 || total == 0 {
		return out
	}
	if sum <= 0 {
		weights = slices.Repeat([]float64{1}, len(weights))
		sum = float64(len(weights))
	}
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(weights))
	var given int64
	for i, w := range weights {
		exact := float64(total) * w / sum
		out[i] = int64(math.Floor(exact))
		given += out[i]
		rems[i] = rem{i, exact - float64(out[i])}
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.r, a.r) })
	for k := 0; given < total; k = (k + 1) % len(rems) {
		out[rems[k].i]++
		given++
	}
	for k := len(rems) - 1; given > total; k = (k - 1 + len(rems)) % len(rems) {
		if out[rems[k].i] > 0 {
			out[rems[k].i]--
			given--
		}
	}
	return out
}

// basisPoints is figure ÷ quota in hundredths of a percent, rounded half up:
// the rate as the press prints it (88,33% is 8833).
func basisPoints(figure, quota int64) int64 {
	return (2*figure*10000 + quota) / (2 * quota)
}

// figureFor returns the figure nearest quota × bp / 10000 whose rate prints
// as bp.
func figureFor(quota, bp int64) int64 {
	f := (quota*bp*2 + 10000) / 20000
	for basisPoints(f, quota) < bp {
		f++
	}
	for basisPoints(f, quota) > bp {
		f--
	}
	return f
}

// anchor is a value a series must take on a day.
type anchor struct {
	day   domain.Date
	value int64
}

// series returns the cumulative values of one unit and metric for every day
// from the first anchor's to the last's: exactly the anchors on their days,
// never decreasing, with uneven daily increments (slower on Sundays).
func series(key string, anchors []anchor) []int64 {
	first := anchors[0].day
	out := make([]int64, int(anchors[len(anchors)-1].day-first)+1)
	out[0] = anchors[0].value
	for i := 1; i < len(anchors); i++ {
		a, b := anchors[i-1], anchors[i]
		n := int(b.day - a.day)
		w := make([]float64, n)
		for k := range w {
			d := a.day.AddDays(k + 1)
			w[k] = 0.5 + jit(key, d)
			if d.UTC().Weekday() == time.Sunday {
				w[k] *= 0.55
			}
		}
		inc := split(b.value-a.value, w)
		v := a.value
		for k := range inc {
			v += inc[k]
			out[int(a.day-first)+k+1] = v
		}
	}
	return out
}
