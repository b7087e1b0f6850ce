package engine_test

import (
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
)

func TestCases(t *testing.T) {
	t.Parallel()

	t.Run("Ties", func(t *testing.T) {
		t.Parallel()
		w := newCase(t)
		w.unit(1, "VN", domain.KindNation, 0)
		w.unit(2, "90", domain.KindProvince, 1)
		w.unit(3, "900", domain.KindDistrict, 2)
		// code: figure/quota
		for i, c := range []struct {
			code          string
			figure, quota int64
		}{
			{"90005", 50, 100}, // 50%, figure 50: ties with 90001 for 1st
			{"90001", 50, 100},
			{"90002", 25, 50},  // 50% too, but a lower figure: 3rd
			{"90003", 10, 100}, // 10%: 4th
			{"90004", 90, 0},   // a figure but a zero quota (no rate): after every rate, 5th
			{"90006", 0, 100},  // 0%: still a figure, ranks (4th before 90004)
			{"90007", -1, 100}, // no data: unranked
		} {
			id := int64(10 + i)
			w.unit(id, c.code, domain.KindCommune, 3)
			w.quota(id, id, c.quota, "2023-12-01")
			if c.figure >= 0 {
				w.report(id, "2023-12-01", c.figure)
			}
		}
		w.in.To = domain.MustDate("2023-12-02")
		// The next day 90002 catches up to 60/50 and leads.
		w.report(12, "2023-12-02", 60)
		days := w.run()
		want := map[int64]int{10: 1, 11: 1, 12: 3, 13: 4, 15: 5, 14: 6, 16: 0}
		for id, rank := range want {
			if f := w.fig(days, "2023-12-01", id); f.Rank != rank {
				t.Errorf("%s: rank %d, want %d", f.Code, f.Rank, rank)
			}
		}
		if f := w.fig(days, "2023-12-02", 12); f.Rank != 1 || f.RankChange == nil || *f.RankChange != 2 || f.Band != "HOAN_THANH" {
			t.Errorf("90002 the next day: rank %d, change %v, band %s; want 1, +2, HOAN_THANH", f.Rank, f.RankChange, f.Band)
		}
		if f := w.fig(days, "2023-12-02", 10); f.Rank != 2 || *f.RankChange != -1 {
			t.Errorf("90005 the next day: rank %d, change %d; want 2, -1", f.Rank, *f.RankChange)
		}
	})

	t.Run("ZeroOrMissingQuota", func(t *testing.T) {
		t.Parallel()
		w := newCase(t)
		w.unit(1, "VN", domain.KindNation, 0)
		w.unit(2, "900", domain.KindDistrict, 1)
		w.unit(3, "90001", domain.KindCommune, 2) // quota 0
		w.unit(4, "90002", domain.KindCommune, 2) // no quota at all
		w.unit(5, "90003", domain.KindCommune, 2) // quota 400
		w.quota(1, 3, 0, "2023-12-01")
		w.quota(2, 5, 400, "2023-12-01")
		w.report(3, "2023-12-01", 10)
		w.report(4, "2023-12-01", 20)
		w.report(5, "2023-12-01", 30)
		days := w.run()
		zero := w.fig(days, "2023-12-01", 3)
		if !zero.HasQuota || zero.Quota != 0 || zero.Rate != nil || zero.Band != "" || zero.AtRisk ||
			zero.RequiredPace == nil || *zero.RequiredPace != 0 || zero.Rank != 3 || numfmt.FormatRate(zero.Value, zero.Quota, numfmt.LangVI) != "" {
			t.Errorf("quota 0: %+v", zero)
		}
		none := w.fig(days, "2023-12-01", 4)
		if none.HasQuota || none.Rate != nil || none.RequiredPace != nil || none.AtRisk || none.Rank != 2 {
			t.Errorf("no quota: %+v", none)
		}
		// The district has no quota of its own: the sum of its children's (0 + 400).
		d := w.fig(days, "2023-12-01", 2)
		if !d.HasQuota || d.QuotaOwn || d.Quota != 400 || d.Value != 60 || rateOf(d) != "15%" {
			t.Errorf("district: quota %d own %v figure %d rate %s; want 400, false, 60, 15%%", d.Quota, d.QuotaOwn, d.Value, rateOf(d))
		}
	})

	t.Run("UnitWithNoData", func(t *testing.T) {
		t.Parallel()
		w := newCase(t)
		w.unit(1, "VN", domain.KindNation, 0)
		w.unit(2, "900", domain.KindDistrict, 1)
		w.unit(3, "90001", domain.KindCommune, 2)
		w.unit(4, "90002", domain.KindCommune, 2)
		w.unit(5, "901", domain.KindDistrict, 1)
		w.unit(6, "90101", domain.KindCommune, 5)
		w.quota(1, 4, 100, "2023-12-01")
		w.report(3, "2023-12-03", 40)
		days := w.run()
		silent := w.fig(days, "2023-12-05", 4)
		if silent.HasValue || silent.Source != domain.SourceNone || silent.Rank != 0 || silent.Rate != nil ||
			silent.Missing != 1 || silent.AtRisk || silent.RequiredPace != nil {
			t.Errorf("silent commune: %+v", silent)
		}
		if d := w.fig(days, "2023-12-02", 2); d.HasValue || d.Source != domain.SourceNone || d.Missing != 2 {
			t.Errorf("district before any data: %+v", d)
		}
		if d := w.fig(days, "2023-12-05", 2); d.Source != domain.SourceRollup || d.Value != 40 || d.Missing != 2 {
			t.Errorf("district rolls up the carried 40: %+v", d)
		}
		if c := w.fig(days, "2023-12-05", 3); c.Source != domain.SourceCarried || c.StaleDays != 2 || c.Value != 40 {
			t.Errorf("carried commune: %+v", c)
		}
		if d := w.fig(days, "2023-12-05", 5); d.Source != domain.SourceNone || d.Rank != 0 {
			t.Errorf("district with no data below: %+v", d)
		}
	})

	t.Run("ParentReportsWhileChildrenDo", func(t *testing.T) {
		t.Parallel()
		w := newCase(t)
		w.unit(1, "VN", domain.KindNation, 0)
		w.unit(2, "90", domain.KindProvince, 1)
		w.unit(3, "900", domain.KindDistrict, 2)
		w.unit(4, "90001", domain.KindCommune, 3)
		w.unit(5, "90002", domain.KindCommune, 3)
		w.unit(6, "901", domain.KindDistrict, 2)
		w.unit(7, "90101", domain.KindCommune, 6)
		w.report(4, "2023-12-01", 100)
		w.report(5, "2023-12-01", 200)
		w.report(3, "2023-12-01", 500) // the district's own compiled figure
		w.report(7, "2023-12-01", 50)
		w.report(4, "2023-12-02", 110)
		w.report(5, "2023-12-02", 210)
		days := w.run()
		d1 := w.fig(days, "2023-12-01", 3)
		if d1.Source != domain.SourceReported || d1.Value != 500 || d1.OnTime != 2 || d1.Missing != 0 || d1.Revisions != 1 {
			t.Errorf("district's own report wins (coverage still its communes'): %+v", d1)
		}
		if p := w.fig(days, "2023-12-01", 2); p.Source != domain.SourceRollup || p.Value != 550 || p.OnTime != 3 || p.Revisions != 0 {
			t.Errorf("province: the district's 500, not its communes' 300, plus 50: %+v", p)
		}
		d2 := w.fig(days, "2023-12-02", 3)
		if d2.Source != domain.SourceRollup || d2.Value != 320 || d2.Delta == nil || *d2.Delta != -180 {
			t.Errorf("the next day, no own report: the rollup, 320 (delta -180): %+v", d2)
		}
		if p := w.fig(days, "2023-12-02", 2); p.Value != 370 || p.OnTime != 2 || p.Missing != 1 {
			t.Errorf("province the next day: %+v", p)
		}
	})

	t.Run("CorrectionLowersFigure", func(t *testing.T) {
		t.Parallel()
		w := newCase(t)
		w.unit(1, "VN", domain.KindNation, 0)
		w.unit(2, "90001", domain.KindCommune, 1)
		w.unit(3, "90002", domain.KindCommune, 1)
		w.quota(1, 2, 1000, "2023-12-01")
		w.quota(2, 3, 1000, "2023-12-01")
		w.report(2, "2023-12-01", 100)
		w.report(2, "2023-12-02", 150)
		// 03/12 was first reported as 180, then corrected to 90 (duplicates
		// removed): the input holds the latest revision, first received on time.
		w.report(2, "2023-12-03", 90)
		w.in.Reports[len(w.in.Reports)-1].Revision = 2
		w.report(3, "2023-12-03", 120)
		days := w.run()
		c := w.fig(days, "2023-12-03", 2)
		if c.Value != 90 || *c.Delta != -60 || c.OnTime != 1 || c.Rank != 2 || c.Revisions != 2 {
			t.Errorf("corrected commune (2 revisions): %+v", c)
		}
		if c := w.fig(days, "2023-12-04", 2); c.Source != domain.SourceCarried || c.Value != 90 || *c.Delta != 0 || c.Revisions != 0 {
			t.Errorf("the corrected figure is what is carried, not its revisions: %+v", c)
		}
		if n := w.fig(days, "2023-12-03", 1); n.Value != 210 || *n.Delta != 60 || n.Revisions != 0 {
			t.Errorf("nation: %+v", n)
		}
	})

	t.Run("QuotaRevisedMidCampaign", func(t *testing.T) {
		t.Parallel()
		w := newCase(t)
		w.unit(1, "VN", domain.KindNation, 0)
		w.unit(2, "90001", domain.KindCommune, 1)
		w.unit(3, "90002", domain.KindCommune, 1)
		w.quota(1, 2, 1200, "2023-11-20") // set before the campaign
		w.quota(2, 2, 1000, "2023-12-05") // hạ chỉ tiêu: ineligible citizens excluded
		w.quota(4, 2, 900, "2023-12-10")  // two revisions the same day:
		w.quota(3, 2, 950, "2023-12-10")  // the later one (higher id) counts
		w.quota(5, 3, 500, "2023-12-01")
		for d := 1; d <= 20; d++ {
			w.report(2, domain.MustDate("2023-12-01").AddDays(d-1).String(), int64(400+20*d))
		}
		days := w.run()
		for _, c := range []struct {
			day   string
			quota int64
			rev   int64
			rate  string
		}{
			{"2023-12-04", 1200, 1, "40%"},
			{"2023-12-05", 1000, 2, "50%"},
			{"2023-12-09", 1000, 2, "58%"},
			{"2023-12-10", 900, 4, "66,67%"},
		} {
			f := w.fig(days, c.day, 2)
			if f.Quota != c.quota || f.QuotaRevisionID != c.rev || !f.QuotaOwn || rateOf(f) != c.rate {
				t.Errorf("%s: quota %d (revision %d), rate %s; want %d (%d), %s", c.day, f.Quota, f.QuotaRevisionID, rateOf(f), c.quota, c.rev, c.rate)
			}
		}
		if n := w.fig(days, "2023-12-10", 1); n.Quota != 1400 || n.QuotaOwn {
			t.Errorf("nation's quota is its children's in force: %+v", n)
		}
	})

	t.Run("DeadlineCrossesMidnightUTC", func(t *testing.T) {
		t.Parallel()
		w := newCase(t)
		// 07:30 on D+1 in Vietnam (UTC+7) is 00:30 UTC on D+1.
		w.unit(1, "VN", domain.KindNation, 0)
		w.unit(2, "90001", domain.KindCommune, 1)
		w.unit(3, "90002", domain.KindCommune, 1)
		w.unit(4, "90003", domain.KindCommune, 1)
		w.unit(5, "90004", domain.KindCommune, 1)
		utc := func(s string) time.Time {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				panic(err)
			}
			return t
		}
		w.reportAt(2, "2023-12-01", 10, utc("2023-12-02T00:29:59Z"))           // 07:29:59 ICT: on time
		w.reportAt(3, "2023-12-01", 10, utc("2023-12-02T00:30:00Z"))           // 07:30 sharp: on time
		w.reportAt(4, "2023-12-01", 10, utc("2023-12-02T00:30:00.000000001Z")) // late
		w.reportAt(5, "2023-12-01", 10, utc("2023-12-01T23:59:00Z"))           // the UTC day before: 06:59 ICT, on time
		days := w.run()
		if n := w.fig(days, "2023-12-01", 1); n.OnTime != 3 || n.Late != 1 || n.Missing != 0 {
			t.Errorf("coverage: on time %d, late %d, missing %d; want 3, 1, 0", n.OnTime, n.Late, n.Missing)
		}
		if f := w.fig(days, "2023-12-01", 4); f.Late != 1 {
			t.Errorf("90003: %+v", f)
		}

		// A deadline of 06:00 on D+1 is 23:00 UTC on D: a report at 23:30 UTC,
		// still D in UTC, is late.
		w2 := newCase(t)
		w2.in.Campaign.DeadlineMinutes = 360
		w2.unit(1, "VN", domain.KindNation, 0)
		w2.unit(2, "90001", domain.KindCommune, 1)
		w2.unit(3, "90002", domain.KindCommune, 1)
		w2.reportAt(2, "2023-12-01", 10, utc("2023-12-01T23:30:00Z"))
		w2.reportAt(3, "2023-12-01", 10, utc("2023-12-01T22:59:00Z"))
		days = w2.run()
		if n := w2.fig(days, "2023-12-01", 1); n.OnTime != 1 || n.Late != 1 {
			t.Errorf("06:00 deadline: on time %d, late %d; want 1, 1", n.OnTime, n.Late)
		}
	})

	t.Run("DeadlineOnSummerTimeChange", func(t *testing.T) {
		t.Parallel()
		// New York moves its clocks forward at 02:00 on 10/03/2024: the report
		// for 09/03 is due at 07:30 EDT (11:30 UTC), not midnight + 7h30 (08:30 EDT).
		w := newCase(t)
		c := w.in.Campaign
		c.TimeZone, c.Start, c.End = "America/New_York", domain.MustDate("2024-03-05"), domain.MustDate("2024-03-15")
		w.in.From, w.in.To = c.Start, c.End
		w.unit(1, "US", domain.KindNation, 0)
		w.unit(2, "00001", domain.KindCommune, 1)
		w.reportAt(2, "2024-03-09", 10, time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)) // 08:00 EDT
		days := w.run()
		if f := w.fig(days, "2024-03-09", 2); f.Late != 1 {
			t.Errorf("08:00 EDT on the change day is late: %+v", f)
		}
	})

	t.Run("AgenciesOwnBranch", func(t *testing.T) {
		t.Parallel()
		w := newCase(t)
		w.unit(1, "VN", domain.KindNation, 0)
		w.unit(2, "90", domain.KindProvince, 1)
		w.unit(3, "90001", domain.KindCommune, 2)
		w.unit(4, "S-CA", domain.KindAgency, 2)   // Công an tỉnh
		w.unit(5, "S-CA-1", domain.KindAgency, 4) // a unit of it
		w.unit(6, "S-GD", domain.KindAgency, 3)   // an agency under a commune
		w.report(3, "2023-12-01", 100)
		w.report(5, "2023-12-01", 7)
		w.report(6, "2023-12-01", 3)
		days := w.run()
		if p := w.fig(days, "2023-12-01", 2); p.Value != 100 || p.OnTime != 1 || p.Missing != 0 {
			t.Errorf("province counts no agency: %+v", p)
		}
		if a := w.fig(days, "2023-12-01", 4); a.Source != domain.SourceRollup || a.Value != 7 || a.OnTime != 1 {
			t.Errorf("agency rolls up its own branch: %+v", a)
		}
		if c := w.fig(days, "2023-12-01", 3); c.Value != 100 || c.OnTime != 1 {
			t.Errorf("commune is still a leaf: %+v", c)
		}
	})

	t.Run("ValidityPeriods", func(t *testing.T) {
		t.Parallel()
		w := newCase(t)
		w.unit(1, "VN", domain.KindNation, 0)
		w.unit(2, "90", domain.KindProvince, 1)
		dist := w.unit(3, "900", domain.KindDistrict, 2)
		old := w.unit(4, "90001", domain.KindCommune, 3)
		neu := w.unit(5, "90001", domain.KindCommune, 2) // the same code after the reform, under the province
		last, first := domain.MustDate("2023-12-05"), domain.MustDate("2023-12-06")
		dist.ValidTo, old.ValidTo, neu.ValidFrom = &last, &last, &first
		w.report(4, "2023-12-04", 100)
		w.report(5, "2023-12-07", 130)
		days := w.run()
		for _, fs := range days {
			for _, f := range fs {
				if f.UnitID == 3 && f.Day > last || f.UnitID == 5 && f.Day < first {
					t.Errorf("figure outside the unit's validity: %+v", f)
				}
			}
		}
		if p := w.fig(days, "2023-12-06", 2); p.Source != domain.SourceNone || p.Missing != 1 {
			t.Errorf("province on the new commune's first day, before it reports: %+v", p)
		}
		if c := w.fig(days, "2023-12-06", 5); c.Delta != nil || c.RankChange != nil {
			t.Errorf("a new unit has no change since yesterday: %+v", c)
		}
		if p := w.fig(days, "2023-12-07", 2); p.Value != 130 || p.Delta != nil {
			t.Errorf("province (no figure yesterday, so no change): %+v", p)
		}
	})

	t.Run("Pace", func(t *testing.T) {
		t.Parallel()
		w := newCase(t)
		w.unit(1, "VN", domain.KindNation, 0)
		w.unit(2, "90001", domain.KindCommune, 1)
		w.unit(3, "90002", domain.KindCommune, 1)
		w.unit(4, "90003", domain.KindCommune, 1)
		w.quota(1, 2, 551+328, "2023-12-01")
		w.quota(2, 3, 120, "2023-12-01") // 70 left on the 10th, 10 days to go: 7 a day
		w.quota(3, 4, 1000, "2023-12-01")
		w.report(2, "2023-11-26", 387)
		w.report(2, "2023-12-03", 551) // 164 in a week, 328 left: 14 days
		w.report(3, "2023-12-03", 1)
		w.report(3, "2023-12-10", 50) // 49 in a week, exactly the 7 a day required
		w.report(4, "2023-12-20", 999)
		days := w.run()
		f := w.fig(days, "2023-12-03", 2)
		if f.Projected == nil || *f.Projected != domain.MustDate("2023-12-17") || *f.Delta7 != 164 {
			t.Errorf("projected %v, want 2023-12-17 (328 left at 164 a week: 14 days)", f.Projected)
		}
		g := w.fig(days, "2023-12-10", 3)
		if g.AtRisk || *g.RequiredPace != 7 || *g.Pace7d != 7 {
			t.Errorf("on exactly the required pace is not at risk: %+v", g)
		}
		if h := w.fig(days, "2023-12-20", 4); !h.AtRisk || h.RequiredPace != nil {
			t.Errorf("the last day, short of the quota: %+v", h)
		}
	})
}
