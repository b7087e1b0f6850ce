package engine_test

import (
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// Issue 11 defect 4: after the end, the outcome is stated, not a risk.
func TestOutcome(t *testing.T) {
	t.Parallel()
	c := &domain.Campaign{Start: domain.MustDate("2023-10-01"), End: domain.MustDate("2023-12-31")}
	last, before, after := c.End, c.End-1, c.End+1
	n := func(v int64) *int64 { return &v }
	for _, tc := range []struct {
		name         string
		day, today   domain.Date
		value, quota *int64
		want         domain.CampaignOutcome
	}{
		{"Completed", last, after, n(100), n(100), domain.OutcomeCompleted},
		{"OverQuota", last, after, n(101), n(100), domain.OutcomeCompleted},
		{"Short", last, after, n(99), n(100), domain.OutcomeNotCompleted},
		{"AlmostIsShort", last, after, n(999995), n(1000000), domain.OutcomeNotCompleted},
		{"NoFigureIsShort", last, after, nil, n(100), domain.OutcomeNotCompleted},
		{"NoQuota", last, after, n(5), nil, ""},
		{"ZeroQuota", last, after, n(5), n(0), ""},
		{"LastDayWhileRunning", last, last, n(50), n(100), ""},
		{"EarlierDay", before, after, n(50), n(100), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := engine.Outcome(c, tc.day, tc.today, tc.value, tc.quota); got != tc.want {
				t.Errorf("Outcome = %q, want %q", got, tc.want)
			}
			ended := tc.day >= c.End && tc.today > c.End
			if got := engine.Settle(c, tc.day, tc.today, true); got == ended {
				t.Errorf("Settle(at risk) = %v after the end = %v", got, ended)
			}
		})
	}
}

// The engine's stored band is the exact fraction's (issue 11: "band is
// computed from the exact rate"): a float64 quotient of these counts is
// exactly 0.7, the fraction is below it.
func TestBandIsExact(t *testing.T) {
	t.Parallel()
	c := &domain.Campaign{ID: 1, Start: domain.MustDate("2023-10-01"), End: domain.MustDate("2023-10-10"),
		MetricKeys: []string{"collected"}, Bands: domain.DefaultBands(), TimeZone: domain.DefaultTimeZone, DeadlineMinutes: 450, DeadlineDays: 1}
	u := &domain.Unit{ID: 1, Code: "90", Kind: domain.KindProvince}
	d := domain.MustDate("2023-10-05")
	in := engine.Input{Campaign: c, Units: []*domain.Unit{u},
		Quotas:  []domain.QuotaRevision{{ID: 1, UnitID: 1, MetricKey: "collected", Target: 100000000000000000, EffectiveFrom: c.Start}},
		Reports: []engine.Report{{UnitID: 1, Metric: "collected", Day: d, Value: 69999999999999999}},
		From:    d, To: d}
	var band string
	err := engine.Compute(in, func(day []engine.Figure) error {
		band = day[0].Band
		return nil
	})
	if err != nil || band != "TRUNG_BINH" {
		t.Fatalf("band %q (%v), want TRUNG_BINH", band, err)
	}
}
