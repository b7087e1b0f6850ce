package demo

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

type key struct {
	unit, metric string
	day          domain.Date
}

// facts is the dataset's latest figure per unit, metric and day.
func facts(t *testing.T, ds *Dataset) map[key]int64 {
	t.Helper()
	out := map[key]int64{}
	for _, r := range ds.Reports {
		k := key{r.UnitCode, r.Metric, r.Date}
		if _, dup := out[k]; dup {
			t.Fatalf("two first reports for %v", k)
		}
		out[k] = r.Value
	}
	for _, r := range ds.Corrections {
		k := key{r.UnitCode, r.Metric, r.Date}
		if _, ok := out[k]; !ok || r.Note == "" {
			t.Fatalf("correction %v without a first report or a note", k)
		}
		out[k] = r.Value
	}
	return out
}

func build(t *testing.T) (*Dataset, *world, map[key]int64) {
	t.Helper()
	ds, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	return ds, newWorld(ds.Units), facts(t, ds)
}

func sum(w *world, f map[key]int64, scope, metric string, day domain.Date) int64 {
	var s int64
	for _, u := range w.leaves(scope) {
		v, ok := f[key{u, metric, day}]
		if !ok {
			panic(fmt.Sprintf("%s did not report %s on %s", u, metric, day))
		}
		s += v
	}
	return s
}

func quotaOf(ds *Dataset, slug, scope string, w *world, metric string) int64 {
	leaves := map[string]bool{}
	for _, u := range w.leaves(scope) {
		leaves[u] = true
	}
	var s int64
	seen := map[string]bool{}
	for _, q := range ds.Quotas {
		if q.Campaign == slug && q.Metric == metric && leaves[q.UnitCode] && !seen[q.UnitCode] {
			seen[q.UnitCode] = true
			s += q.Target
		}
	}
	return s
}

func pct(figure, quota int64) string {
	bp := basisPoints(figure, quota)
	return fmt.Sprintf("%d.%02d", bp/100, bp%100)
}

func TestUnitLists(t *testing.T) {
	rows, err := Units()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, u := range rows {
		era := "before"
		if u.ValidFrom != nil {
			era = "after"
		}
		if u.Kind == domain.KindNation {
			era = "always"
		}
		count[era+" "+string(u.Kind)]++
	}
	want := map[string]int{"always NATION": 1, "before PROVINCE": 63, "before DISTRICT": 696, "before COMMUNE": 10035,
		"after PROVINCE": 34, "after COMMUNE": 3321}
	if !reflect.DeepEqual(count, want) {
		t.Errorf("unit counts %v, want %v", count, want)
	}
}

func TestBenTreMatchesSeed001(t *testing.T) {
	ds, w, f := build(t)
	day := domain.MustDate("2023-11-14")
	q := quotaOf(ds, "ben-tre-cong-dan-so", "83", w, "collected")
	col, act := sum(w, f, "83", "collected", day), sum(w, f, "83", "activated", day)
	if q != 930767 || col != 822139 || act != 663614 {
		t.Fatalf("Bến Tre on 14/11/2023: %d and %d of %d, want 822139 and 663614 of 930767", col, act, q)
	}
	type row struct {
		code     string
		col, act string
	}
	var rows []row
	for _, d := range w.children["83"] {
		dq := quotaOf(ds, "ben-tre-cong-dan-so", d, w, "collected")
		rows = append(rows, row{d, pct(sum(w, f, d, "collected", day), dq), pct(sum(w, f, d, "activated", day), dq)})
	}
	want := map[string][2]string{"837": {"100.45", "83.77"}, "831": {"101.20", "79.81"}, "836": {"71.60", "56.85"}, "838": {"77.49", "68.36"}}
	for _, r := range rows {
		if x, ok := want[r.code]; ok && (r.col != x[0] || r.act != x[1]) {
			t.Errorf("district %s: %s%% and %s%%, want %s%% and %s%%", r.code, r.col, r.act, x[0], x[1])
		}
	}
	byAct := slices.Clone(rows)
	slices.SortFunc(byAct, func(a, b row) int { return compareRate(b.act, a.act) })
	byCol := slices.Clone(rows)
	slices.SortFunc(byCol, func(a, b row) int { return compareRate(b.col, a.col) })
	if byAct[0].code != "837" || byAct[1].code != "831" || byAct[7].code != "838" || byAct[8].code != "836" {
		t.Errorf("activation order %v: Thạnh Phú and Châu Thành should lead, Mỏ Cày Bắc and Ba Tri trail", byAct)
	}
	if byCol[7].code != "838" || byCol[8].code != "836" || compareRate(byCol[2].col, "100.00") >= 0 {
		t.Errorf("collection order %v: only Thạnh Phú and Châu Thành complete, Mỏ Cày Bắc and Ba Tri last", byCol)
	}
}

func compareRate(a, b string) int {
	var x, y float64
	fmt.Sscan(a, &x)
	fmt.Sscan(b, &y)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func TestHaiPhongMatchesSeed003(t *testing.T) {
	ds, w, f := build(t)
	day := domain.MustDate("2023-06-13")
	q := quotaOf(ds, "hai-phong-cao-diem", "31", w, "activated")
	col, act := sum(w, f, "31", "collected", day), sum(w, f, "31", "activated", day)
	if q != 1167685 || col != 887301 || act != 449470 || pct(act, q) != "38.49" {
		t.Fatalf("Hải Phòng on 13/6/2023: %d collected, %d of %d activated", col, act, q)
	}
	above := map[string]bool{"314": true, "316": true, "315": true, "311": true, "309": true, "305": true}
	for _, d := range w.children["31"] {
		if d == "317" || d == "318" {
			continue
		}
		r := pct(sum(w, f, d, "activated", day), quotaOf(ds, "hai-phong-cao-diem", d, w, "activated"))
		if above[d] != (compareRate(r, "40.00") >= 0) {
			t.Errorf("district %s at %s%%: seed 003 puts it on the other side of 40%%", d, r)
		}
	}
	for _, u := range w.leaves("317") {
		if f[key{u, "activated", day}] < quotaOf(ds, "hai-phong-cao-diem", u, w, "activated") {
			t.Errorf("Cát Hải commune %s has not completed", u)
		}
	}
}

func TestPleikuAndKonTumMatchSeeds(t *testing.T) {
	ds, w, f := build(t)
	var act, l2 int64
	for _, u := range w.leaves("622") {
		act += f[key{u, "activated", domain.MustDate("2023-08-01")}]
		l2 += f[key{u, "activated_l2", domain.MustDate("2023-08-01")}]
	}
	if q := quotaOf(ds, "pleiku-dinh-danh", "622", w, "activated"); act != 31426 || l2 != 26116 || q != 185255 || pct(act, q) != "16.96" {
		t.Errorf("Pleiku: %d (%d level 2) of %d", act, l2, q)
	}
	d := domain.MustDate("2023-12-10")
	if c, i, a := sum(w, f, "608", "collected", d), sum(w, f, "608", "issued", d), sum(w, f, "608", "activated", d); c != 109609 || i != 81238 || a != 64437 {
		t.Errorf("Kon Tum on 10/12/2023: %d, %d, %d", c, i, a)
	}
	branches := map[int64]int{}
	for _, q := range ds.Quotas {
		if q.Campaign == "kon-tum-15-ngay" && q.Metric == "issued" {
			onStart := f[key{q.UnitCode, "issued", domain.MustDate("2023-12-15")}]
			branches[q.Target-onStart]++
		}
	}
	if len(branches) < 2 {
		t.Errorf("Kon Tum targets should use both of seed 002's branches: %v", branches)
	}
}

func TestIssuedTarget(t *testing.T) {
	for _, c := range []struct{ onStart, quota, want int64 }{
		{400, 1000, 550}, // under 50%: +15%
		{500, 1000, 600}, // at 50%: +10%
		{499, 999, 649},  // 499 is under half of 999: +15% of 999 = 149,85 → 150
		{600, 1001, 701}, // +10% of 1001 = 100,1 → 101
		{0, 0, 0},        // no quota, nothing to add
		{81238, 141485, 81238 + 14149},
	} {
		if got := IssuedTarget(c.onStart, c.quota); got != c.want {
			t.Errorf("IssuedTarget(%d, %d) = %d, want %d", c.onStart, c.quota, got, c.want)
		}
	}
}

func TestReportsArePlausible(t *testing.T) {
	ds, _, f := build(t)
	type series struct{ unit, metric string }
	last := map[series]int64{}
	keys := make([]key, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int { return int(a.day - b.day) })
	for _, k := range keys {
		v := f[k]
		s := series{k.unit, k.metric}
		if v < 0 || v < last[s] {
			t.Fatalf("%v: %d after %d: series must be cumulative", k, v, last[s])
		}
		last[s] = v
	}
	late := 0
	for _, r := range ds.Reports {
		if r.ReportedAt.After(r.Date.AddDays(1).Time(vietnam).Add(450 * 60e9)) {
			late++
		}
	}
	if late == 0 || len(ds.Corrections) == 0 {
		t.Errorf("the demo should show late reports (%d) and corrections (%d)", late, len(ds.Corrections))
	}
	again, _ := Build()
	if !reflect.DeepEqual(ds, again) {
		t.Error("two builds differ")
	}
	t.Logf("%d units, %d quotas, %d reports (%d late), %d corrections", len(ds.Units), len(ds.Quotas), len(ds.Reports), late, len(ds.Corrections))
}
