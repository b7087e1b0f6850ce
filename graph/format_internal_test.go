package graph

import (
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

// Issue 11 defect 5 in the API: rateText never prints a threshold the rate
// has not reached (before the fix, 999.995/1.000.000 was "100%" beside KHÁ).
func TestRateTextBelowThresholds(t *testing.T) {
	t.Parallel()
	bands := domain.DefaultBands()
	en := LangEn
	n := func(v int64) *int64 { return &v }
	for _, tc := range []struct {
		figure, quota int64
		vi, en        string
	}{
		{999995, 1000000, "99,99%", "99.99%"},
		{69996, 100000, "69,99%", "69.99%"},
		{1000000, 1000000, "100%", "100%"},
		{822139, 930767, "88,33%", "88.33%"},
	} {
		row := &RankingRow{&domain.RankedRow{RankRow: &domain.RankRow{Point: domain.Point{Value: n(tc.figure), Quota: n(tc.quota)}}, Bands: bands}}
		pt := &ProgressPoint{Figure: n(tc.figure), Quota: n(tc.quota), bands: bands}
		if got := *pt.RateText(nil); got != tc.vi {
			t.Errorf("ProgressPoint %d/%d: %q, want %q", tc.figure, tc.quota, got, tc.vi)
		}
		if got := *row.RateText(&en); got != tc.en {
			t.Errorf("RankingRow %d/%d: %q, want %q", tc.figure, tc.quota, got, tc.en)
		}
	}
}
