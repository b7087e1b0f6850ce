package engine_test

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// nationalInput is a synthetic national campaign of the size the engine
// serves: 1 nation, 63 provinces, 693 districts (11 each), 10,395 communes
// (15 each), quotas on every commune, two metrics, 30 days, each commune
// reporting on nine days out of ten (its figures growing), the rest carried.
func nationalInput(tb testing.TB) engine.Input {
	tb.Helper()
	in := campaignInput("bench", "2023-12-01", "2023-12-30")
	c := in.Campaign
	r := rand.New(rand.NewPCG(63, 10395))
	add := func(kind domain.UnitKind, parent *domain.Unit) *domain.Unit {
		u := &domain.Unit{ID: int64(len(in.Units) + 1), Kind: kind}
		u.Code = string(kind[:1]) + string(rune('0'+u.ID%10)) + string(rune('A'+u.ID/10%26)) + string(rune('A'+u.ID/260%26)) + string(rune('A'+u.ID/6760%26))
		if parent != nil {
			u.ParentID = &parent.ID
		}
		in.Units = append(in.Units, u)
		return u
	}
	nation := add(domain.KindNation, nil)
	for range 63 {
		p := add(domain.KindProvince, nation)
		for range 11 {
			d := add(domain.KindDistrict, p)
			for range 15 {
				u := add(domain.KindCommune, d)
				for _, m := range c.MetricKeys {
					quota := 500 + r.Int64N(5000)
					in.Quotas = append(in.Quotas, domain.QuotaRevision{ID: int64(len(in.Quotas) + 1), CampaignID: c.ID,
						UnitID: u.ID, MetricKey: m, Target: quota, EffectiveFrom: c.Start})
					v := int64(0)
					for day := c.Start; day <= c.End; day++ {
						v += r.Int64N(quota / 20)
						if r.IntN(10) == 0 {
							continue
						}
						in.Reports = append(in.Reports, engine.Report{UnitID: u.ID, Metric: m, Day: day, Value: v,
							FirstReportedAt: day.Time(c.Location()).Add(20 * 3600e9)})
					}
				}
			}
		}
	}
	return in
}

// BenchmarkCompute is a whole campaign's figures: every unit, metric and
// day (what a refresh after a rules change or an import recomputes).
func BenchmarkCompute(b *testing.B) {
	in := nationalInput(b)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := engine.Compute(in, func(day []engine.Figure) error { n += len(day); return nil }); err != nil {
			b.Fatal(err)
		}
		if n != 2*30*len(in.Units) {
			b.Fatalf("%d figures", n)
		}
	}
}

// BenchmarkComputeOneDay is the refresh after a day's reports: the last
// day only, every unit and metric, from the full history.
func BenchmarkComputeOneDay(b *testing.B) {
	in := nationalInput(b)
	in.From = in.To
	b.ReportAllocs()
	for b.Loop() {
		if err := engine.Compute(in, func([]engine.Figure) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResumeOneDay is a report morning's refresh of its day, the
// reports read as the store reads them (the day, the eight before it and
// the last report before those): computed, as the first refresh of the
// day is, and resumed from the day's checkpoint, as the next ones are.
func BenchmarkResumeOneDay(b *testing.B) {
	in := nationalInput(b)
	in.From = in.To
	in.Reports = window(in.Reports, in.From-8)
	none := func([]engine.Figure) error { return nil }
	b.Run("computed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := engine.Compute(in, none); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("resumed", func(b *testing.B) {
		cp, err := engine.Resume(in, nil, none)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := engine.Resume(in, cp, none); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// window keeps the reports of days from lo on and, for each unit and
// metric without one on lo, its last report before lo.
func window(reports []engine.Report, lo domain.Date) []engine.Report {
	type key struct {
		unit   int64
		metric string
	}
	last := map[key]engine.Report{}
	var out []engine.Report
	for _, r := range reports {
		if r.Day >= lo {
			out = append(out, r)
		} else if l, ok := last[key{r.UnitID, r.Metric}]; !ok || l.Day < r.Day {
			last[key{r.UnitID, r.Metric}] = r
		}
	}
	for _, r := range last {
		out = append(out, r)
	}
	return out
}

// BenchmarkRankCommunes is a scoped re-ranking's hot path: the nation's
// communes of one day sorted by rule 4 (engine.Compare) and numbered.
func BenchmarkRankCommunes(b *testing.B) {
	in := nationalInput(b)
	in.From = in.To
	var communes []engine.Figure
	if err := engine.Compute(in, func(day []engine.Figure) error {
		for _, f := range day {
			if f.Kind == domain.KindCommune && f.Metric == "collected" {
				communes = append(communes, f)
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	ranked := make([]*engine.Figure, len(communes))
	b.ReportAllocs()
	for b.Loop() {
		for i := range communes {
			ranked[i] = &communes[i]
		}
		slices.SortFunc(ranked, engine.Compare)
		engine.Number(ranked)
	}
}

// TestResumeKeepsItsWork: a report morning's refreshes resume one after
// another, each with a few more reports than the last; each reuses the
// buffers the last one left (a window, states, indexes: megabytes for the
// nation) rather than allocating them again. (Not parallel: it counts the
// bytes the process allocates.)
func TestResumeKeepsItsWork(t *testing.T) {
	if testing.Short() {
		t.Skip("a national input")
	}
	in := nationalInput(t)
	in.From = in.To
	in.Reports = window(in.Reports, in.From-8)
	none := func([]engine.Figure) error { return nil }
	cp, err := engine.Resume(in, nil, none)
	if err != nil {
		t.Fatal(err)
	}
	// allocated is what one refresh of in allocates.
	allocated := func() uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if cp, err = engine.Resume(in, cp, none); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	for batch := range 5 {
		same := allocated() // the figures' own numbers, the checkpoint's parts: what any refresh allocates
		// The batch: reports of the day for units that had none.
		added := 0
		for _, u := range in.Units[len(in.Units)-50*(batch+1):] {
			r := engine.Report{UnitID: u.ID, Metric: in.Campaign.MetricKeys[0], Day: in.From, Value: 1, FirstReportedAt: in.From.Time(in.Campaign.Location())}
			if !slices.ContainsFunc(in.Reports, func(x engine.Report) bool { return x.UnitID == r.UnitID && x.Metric == r.Metric && x.Day == r.Day }) {
				in.Reports = append(in.Reports, r)
				added++
			}
		}
		// The window's reports take 16 bytes each in the buffers.
		if got, limit := allocated(), same+uint64(16*added)+64<<10; got > limit {
			t.Errorf("batch %d (%d reports added, %d in all): the refresh allocated %d bytes, more than %d (%d with none added): its buffers were not reused", batch, added, len(in.Reports), got, limit, same)
		}
	}
}
