package graph_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// A unit page's calendar reads, per day, how the unit reported: on time,
// late, not at all, and whether the report was corrected.
func TestProgressCalendar(t *testing.T) {
	t.Parallel()
	w := setupWrites(t)
	ctx := context.Background()
	admin, err := w.store.Authenticate(ctx, w.admin)
	if err != nil {
		t.Fatal(err)
	}
	vn := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, time.FixedZone("ICT", 7*3600))
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	submit := func(key, day string, value int64, now time.Time) {
		t.Helper()
		if _, err := w.store.SubmitReports(ctx, admin, domain.SubmitRequest{Campaign: "live", ClientKey: key,
			Reports: []domain.ReportItem{{UnitCode: "92001", Metric: "collected", Date: domain.MustDate(day), Value: value}}},
			dbtest.Refreshing(t, w.store, domain.WriteOptions{Now: now})); err != nil {
			t.Fatal(err)
		}
	}
	// The report for day D is due at 07:30 on D+1.
	submit("a", "2024-01-01", 10, vn("2024-01-02 07:29")) // on time
	submit("b", "2024-01-03", 30, vn("2024-01-04 07:31")) // late
	// 2 January: no report (missing).
	if _, err := w.store.CorrectReport(ctx, admin, domain.CorrectRequest{Campaign: "live", Reason: "nhập nhầm",
		ReportItem: domain.ReportItem{UnitCode: "92001", Metric: "collected", Date: domain.MustDate("2024-01-01"), Value: 12}},
		dbtest.Refreshing(t, w.store, domain.WriteOptions{Now: vn("2024-01-05 09:00")})); err != nil {
		t.Fatal(err)
	}

	var out struct {
		Progress struct {
			Edges []struct {
				Node struct {
					Date          string
					Figure        *int
					Source        string
					RevisionCount int
					Corrected     bool
					Coverage      struct{ OnTime, Late, Missing, Total int }
					AtRisk        bool
					Band          *string
					FigureText    *string
				}
			}
		}
	}
	w.must(t, "", `{ progress(campaign: "live", unitCode: "92001", metric: "collected", from: "2024-01-01", to: "2024-01-03") {
		edges { node { date figure source revisionCount corrected coverage { onTime late missing total } atRisk band figureText } } } }`, nil, &out)
	e := out.Progress.Edges
	if len(e) != 3 {
		t.Fatalf("%d days, want 3", len(e))
	}
	type want struct {
		figure                int
		source                string
		revisions             int
		corrected             bool
		onTime, late, missing int
	}
	for i, x := range []want{
		{12, "REPORTED", 2, true, 1, 0, 0},
		{12, "CARRIED", 0, false, 0, 0, 1},
		{30, "REPORTED", 1, false, 0, 1, 0},
	} {
		n := e[i].Node
		got := want{*n.Figure, n.Source, n.RevisionCount, n.Corrected, n.Coverage.OnTime, n.Coverage.Late, n.Coverage.Missing}
		if got != x || n.Coverage.Total != 1 {
			t.Errorf("%s: got %+v (total %d), want %+v", n.Date, got, n.Coverage.Total, x)
		}
	}
	// Quota 1000 by 31 January: 30 after 3 days is far behind.
	if n := e[2].Node; !n.AtRisk || n.Band == nil || *n.Band != "CHAM" {
		t.Errorf("3 January: at risk %v, band %v; want at risk, CHAM", n.AtRisk, n.Band)
	}
}

// bandCounts counts the whole ranking, not the page, in the campaign's
// band order, and agrees with the rows.
func TestRankingBandCounts(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	raw, err := os.ReadFile(filepath.Join(dbtest.ExampleDir(), "expected-2023-12-20-activated-commune-VN.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct{ Band *string }
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, r := range rows {
		k := ""
		if r.Band != nil {
			k = *r.Band
		}
		want[k]++
	}
	var resp struct {
		Ranking struct {
			TotalCount int
			Edges      []struct{ Node struct{ Rank *int } }
			BandCounts []struct {
				Band  *struct{ Key string }
				Count int
			}
		}
	}
	c.MustPost(`{ ranking(campaign: "ref", metric: "activated", date: "2023-12-20", level: COMMUNE, first: 3) {
		totalCount edges { node { rank } } bandCounts { band { key } count } } }`, &resp)
	r := resp.Ranking
	if len(r.Edges) != 3 || r.TotalCount != len(rows) {
		t.Fatalf("%d rows of %d, want 3 of %d", len(r.Edges), r.TotalCount, len(rows))
	}
	keys := []string{"HOAN_THANH", "KHA", "TRUNG_BINH", "CHAM", ""}
	if len(r.BandCounts) != len(keys) {
		t.Fatalf("%d band counts, want %d", len(r.BandCounts), len(keys))
	}
	sum := 0
	for i, bc := range r.BandCounts {
		k := ""
		if bc.Band != nil {
			k = bc.Band.Key
		}
		if k != keys[i] || bc.Count != want[k] {
			t.Errorf("band %d: %q × %d, want %q × %d", i, k, bc.Count, keys[i], want[keys[i]])
		}
		sum += bc.Count
	}
	if sum != len(rows) {
		t.Errorf("band counts sum to %d, want %d", sum, len(rows))
	}
}
