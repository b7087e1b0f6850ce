package engine_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// campaignInput is the input of a campaign over start–end (default bands,
// reports due 07:30 on D+1 in Asia/Ho_Chi_Minh) tracking collected and
// activated, computed for every day, with no units yet.
func campaignInput(slug, start, end string) engine.Input {
	c := &domain.Campaign{ID: 1, Slug: slug, Start: domain.MustDate(start), End: domain.MustDate(end),
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone, Bands: domain.DefaultBands(),
		MetricKeys: []string{"collected", "activated"}}
	return engine.Input{Campaign: c, From: c.Start, To: c.End}
}

// exampleInput reads the spec's worked example (testdata/example, a copy
// of spec/example: 1 nation, 3 provinces, 6 districts, 23 communes, 20
// days) through the contract's CSV readers into the engine's input.
func exampleInput(tb testing.TB) engine.Input {
	tb.Helper()
	in := campaignInput("ref", "2023-12-01", "2023-12-20")
	c := in.Campaign
	ids := map[string]int64{}
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join("testdata", "example", name))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { f.Close() })
		return f
	}
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(csvio.ReadUnits(open("units.csv"), "units.csv", func(l csvio.Line[domain.UnitRow]) error {
		u := &domain.Unit{ID: int64(len(in.Units) + 1), Code: l.Row.Code, Name: l.Row.Name, Kind: l.Row.Kind}
		if l.Row.ParentCode != "" {
			p := ids[l.Row.ParentCode]
			u.ParentID = &p
		}
		ids[u.Code] = u.ID
		in.Units = append(in.Units, u)
		return nil
	}))
	must(csvio.ReadQuotas(open("quotas.csv"), "quotas.csv", func(l csvio.Line[domain.QuotaRow]) error {
		in.Quotas = append(in.Quotas, domain.QuotaRevision{ID: int64(len(in.Quotas) + 1), CampaignID: c.ID,
			UnitID: ids[l.Row.UnitCode], MetricKey: l.Row.Metric, Target: l.Row.Target, EffectiveFrom: l.Row.EffectiveFrom})
		return nil
	}))
	must(csvio.ReadReports(open("reports.csv"), "reports.csv", func(l csvio.Line[domain.ReportRow]) error {
		in.Reports = append(in.Reports, engine.Report{UnitID: ids[l.Row.UnitCode], Metric: l.Row.Metric, Day: l.Row.Date,
			Value: l.Row.Value, FirstReportedAt: l.Row.Date.Time(c.Location())})
		return nil
	}))
	return in
}

// TestSpecExample checks the engine against the spec's worked example:
// every expected-DATE-METRIC-LEVEL-SCOPE.json is the ranking of the units
// of LEVEL under SCOPE on DATE (rules 2 and 4), numbered within the scope.
func TestSpecExample(t *testing.T) {
	t.Parallel()
	in := exampleInput(t)
	days := collect(t, engine.Compute, in)
	parent := map[int64]*int64{}
	for _, u := range in.Units {
		parent[u.ID] = u.ParentID
	}
	under := func(id int64, scope string) bool {
		for p := &id; p != nil; p = parent[*p] {
			if in.Units[*p-1].Code == scope {
				return true
			}
		}
		return false
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "example", "expected-*.json"))
	if len(files) != 3 {
		t.Fatalf("%d expected files, want 3", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "expected-"), ".json")
		t.Run(name, func(t *testing.T) {
			parts := strings.Split(name, "-") // 2023 12 10 metric level scope
			day, metric, level, scope := domain.MustDate(strings.Join(parts[:3], "-")), parts[3], domain.UnitKind(strings.ToUpper(parts[4])), parts[5]
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var want []map[string]any // code, figure, quota, rate, source, rank, band
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			var ranked []*engine.Figure
			for _, d := range days {
				for i := range d {
					f := &d[i]
					if f.Metric == metric && f.Day == day && f.Kind == level && under(f.UnitID, scope) {
						ranked = append(ranked, f)
					}
				}
			}
			slices.SortFunc(ranked, engine.Compare)
			engine.Number(ranked)
			if len(ranked) != len(want) {
				t.Fatalf("%d units ranked, want %d", len(ranked), len(want))
			}
			for i, w := range want {
				f := ranked[i]
				got := map[string]any{"code": f.Code, "figure": float64(f.Value), "quota": float64(f.Quota), "rate": nil,
					"source": string(f.Source), "rank": float64(f.Rank), "band": f.Band}
				if r, ok := w["rate"].(float64); ok && f.Rate != nil && math.Abs(*f.Rate-r) <= 1e-12 {
					got["rate"] = r // the same float, but for the last bits of a division
				} else if f.Rate != nil {
					got["rate"] = *f.Rate
				}
				if !reflect.DeepEqual(got, w) {
					t.Errorf("row %d: got %v, want %v", i+1, got, w)
				}
			}
		})
	}
}
