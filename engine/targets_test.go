package engine_test

import (
	"math"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

func TestBoostRule(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		figure, quota int64
		add           int64
		below, ok     bool
	}{
		// Seed 002: Kon Tum city on 10/12/2023, 81.238 issued of 141.485 (57,42%):
		// at or over half, add 10% of 141.485 = 14.148,5, rounded up to 14.149.
		{"Seed002KonTumCity", 81238, 141485, 14149, false, true},
		// The same quota with 64.437 (the city's activated figure, 45,54%):
		// under half, add 15% = 21.222,75 → 21.223.
		{"Seed002UnderHalf", 64437, 141485, 21223, true, true},
		{"ExactlyHalf", 500, 1000, 100, false, true}, // "at or over 50%" adds 10%
		{"JustUnderHalf", 499, 1000, 150, true, true},
		{"OddQuotaHalf", 50, 101, 16, true, true}, // 50/101 < 1/2: 15% of 101 = 15,15 → 16
		{"OddQuotaOverHalf", 51, 101, 11, false, true},
		{"Zero", 0, 1000, 150, true, true},
		{"Complete", 1000, 1000, 100, false, true},
		{"OverQuota", 1200, 1000, 100, false, true},
		{"WholeAlready", 0, 20, 3, true, true}, // 15% of 20 = 3 exactly: not rounded up further
		{"QuotaZero", 5, 0, 0, false, false},
		{"NegativeFigure", -1, 10, 0, false, false},
		{"HugeQuota", 0, math.MaxInt64, 1383505805528216372, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			add, below, ok := engine.KonTumBoost.Increment(tc.figure, tc.quota)
			if add != tc.add || below != tc.below || ok != tc.ok {
				t.Errorf("Increment(%d, %d) = %d, %v, %v; want %d, %v, %v", tc.figure, tc.quota, add, below, ok, tc.add, tc.below, tc.ok)
			}
			target, ok := engine.KonTumBoost.Target(tc.figure, tc.quota)
			if ok != tc.ok || ok && target != tc.figure+tc.add {
				t.Errorf("Target(%d, %d) = %d, %v", tc.figure, tc.quota, target, ok)
			}
		})
	}
	if _, ok := engine.KonTumBoost.Target(math.MaxInt64, 1000); ok {
		t.Error("Target overflowed")
	}
}

// TestTargetsFromFigures derives seed 002's targets from the engine's figures
// of the drive's first day.
func TestTargetsFromFigures(t *testing.T) {
	t.Parallel()
	w := newCase(t)
	c := w.in.Campaign
	c.Start, c.End = domain.MustDate("2023-12-15"), domain.MustDate("2023-12-30")
	c.MetricKeys = []string{"issued"}
	w.in.From, w.in.To = c.Start, c.Start
	w.unit(1, "62", domain.KindProvince, 0)  // its quota is its children's
	w.unit(2, "608", domain.KindDistrict, 1) // TP. Kon Tum
	w.unit(3, "23281", domain.KindCommune, 2)
	w.unit(4, "23284", domain.KindCommune, 2)
	w.unit(5, "23287", domain.KindCommune, 2) // no figure yet: no target
	w.unit(6, "23290", domain.KindCommune, 2) // no quota: no target
	quota := func(id, unit, target int64) {
		w.in.Quotas = append(w.in.Quotas, domain.QuotaRevision{ID: id, UnitID: unit, MetricKey: "issued", Target: target, EffectiveFrom: c.Start})
	}
	report := func(unit int64, value int64) {
		w.in.Reports = append(w.in.Reports, engine.Report{UnitID: unit, Metric: "issued", Day: domain.MustDate("2023-12-10"), Value: value,
			FirstReportedAt: c.Deadline(domain.MustDate("2023-12-10"))})
	}
	quota(1, 2, 141485)
	quota(2, 3, 100000)
	quota(3, 4, 41485)
	quota(4, 5, 1000)
	report(3, 61238) // 61,24%: +10% → 10.000
	report(4, 20000) // 48,21%: +15% of 41.485 = 6.222,75 → 6.223
	report(6, 0)
	days := collect(t, engine.Compute, w.in)
	ts := engine.KonTumBoost.Targets(days[0])
	want := map[string]int64{"62": 81238 + 14149, "608": 81238 + 14149, "23281": 61238 + 10000, "23284": 20000 + 6223}
	if len(ts) != len(want) {
		t.Fatalf("%d targets, want %d: %+v", len(ts), len(want), ts)
	}
	for _, tg := range ts {
		if tg.Target != want[tg.Code] || tg.Metric != "issued" {
			t.Errorf("%s: target %d, want %d", tg.Code, tg.Target, want[tg.Code])
		}
	}
	rows := engine.QuotaRows("kon-tum-15-ngay", c.Start, "Kế hoạch 15 ngày, đêm", ts)
	if r := rows[1]; r.UnitCode != "608" || r.Target != 95387 || r.EffectiveFrom != c.Start ||
		r.Reason != "81.238/141.485 (57,42%) tính đến ngày 15/12/2023: tăng thêm 10% chỉ tiêu (14.149)" {
		t.Errorf("quota row: %+v", r)
	}

	// 100% of issued accounts activated: the activated target is the issued figure.
	fs := engine.FollowTargets(days[0], "activated")
	if len(fs) != 5 { // every unit with an issued figure, 23290 included
		t.Fatalf("%d follow targets: %+v", len(fs), fs)
	}
	for _, f := range fs {
		if f.Metric != "activated" || f.Follows != "issued" || f.Target != f.Figure {
			t.Errorf("follow target: %+v", f)
		}
	}
	rows = engine.QuotaRows("kon-tum-15-ngay", c.Start, "", fs)
	if !strings.HasPrefix(rows[0].Reason, "100% số liệu issued (81.238) tính đến ngày 15/12/2023") {
		t.Errorf("reason: %q", rows[0].Reason)
	}
}
