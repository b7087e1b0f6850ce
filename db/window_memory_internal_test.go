package db

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// mergeReports gives what sorting both lists together gives, with or
// without room to merge in place.
func TestMergeReports(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	metrics := []string{"activated", "collected"}
	report := func() engine.Report {
		return engine.Report{UnitID: rng.Int64N(20), Metric: metrics[rng.IntN(2)], Day: domain.Date(100 + rng.IntN(9))}
	}
	for round := range 500 {
		var a, b []engine.Report
		seen := map[engine.Report]bool{}
		for range rng.IntN(30) {
			if r := report(); !seen[r] {
				seen[r] = true
				a = append(a, r)
			}
		}
		for range rng.IntN(10) {
			if r := report(); !seen[r] {
				seen[r] = true
				b = append(b, r)
			}
		}
		slices.SortFunc(a, compareReports)
		slices.SortFunc(b, compareReports)
		want := slices.SortedFunc(slices.Values(append(slices.Clone(a), b...)), compareReports)
		if round%2 == 1 {
			a = slices.Grow(a, len(b)) // room to merge in place
		}
		if got := mergeReports(a, b); !slices.Equal(got, want) {
			t.Fatalf("round %d: merged %v and %v into %v", round, a, b, got)
		}
	}
}

// The windows held together stay within maxRememberedReports, the
// campaigns refreshed longest ago let go first.
func TestReportWindowsBounded(t *testing.T) {
	var rw reportWindows
	window := func(n int) *reportWindow { return &reportWindow{reports: make([]engine.Report, n)} }
	third := maxRememberedReports / 3
	rw.put(1, window(third))
	rw.put(2, window(third))
	rw.put(3, window(third))
	rw.put(1, window(third)) // refreshed again: now the latest
	rw.put(4, window(third)) // lets go of 2, refreshed longest ago
	for id, held := range map[int64]bool{1: true, 2: false, 3: true, 4: true} {
		if _, ok := rw.m[id]; ok != held {
			t.Errorf("campaign %d held: %v, want %v", id, ok, held)
		}
	}
	if w := rw.take(3); w == nil || rw.take(3) != nil {
		t.Error("take: the window once, then none")
	}
	rw.put(5, window(maxRememberedReports+1))
	if _, ok := rw.m[5]; ok {
		t.Error("a window larger than the bound is held")
	}
}
