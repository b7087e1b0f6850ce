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
