package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// lateWorld is setupWrites' world plus a campaign "late" over province 92
// from 1 January 2024 whose first write, before any read, reports 92000 on
// 7, 8 and 9 January only.
func lateWorld(t *testing.T) *writeWorld {
	t.Helper()
	w := setupWrites(t)
	if _, err := w.store.CreateCampaignAs(context.Background(), domain.CLI("test"), &domain.CampaignDef{ScopeCode: "92", Campaign: domain.Campaign{
		Slug: "late", Name: "Ghi trước khi đọc", Start: domain.MustDate("2024-01-01"), End: domain.MustDate("2024-01-31"),
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone, MetricKeys: []string{"collected"},
	}}); err != nil {
		t.Fatal(err)
	}
	in := batch("late-first", report("92000", "collected", "2024-01-07", 70),
		report("92000", "collected", "2024-01-08", 80), report("92000", "collected", "2024-01-09", 90))
	in["input"].(map[string]any)["campaign"] = "late"
	w.must(t, w.admin, submitMutation, in, nil)
	return w
}

const lateProgress = `{ progress(campaign: "late", unitCode: "92000", metric: "collected", from: "2024-01-01", to: "2024-01-09") {
	totalCount edges { node { date figure source } } } }`

type progressResult struct {
	Progress struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				Date, Source string
				Figure       *int
			}
		}
	}
}

// checkLateProgress: every day from the campaign's start has figures, the
// reported days theirs.
func checkLateProgress(t *testing.T, p progressResult) {
	t.Helper()
	if p.Progress.TotalCount != 9 || len(p.Progress.Edges) != 9 {
		t.Fatalf("progress from the campaign's start: %d points, want 9 (1 to 9 January): %+v", p.Progress.TotalCount, p.Progress.Edges)
	}
	for i, e := range p.Progress.Edges {
		want := fmt.Sprintf("2024-01-%02d", i+1)
		if e.Node.Date != want {
			t.Fatalf("point %d is %s, want %s", i, e.Node.Date, want)
		}
		if i >= 6 && (e.Node.Figure == nil || *e.Node.Figure != 10*(i+1) || e.Node.Source != "REPORTED") {
			t.Fatalf("%s: %+v, want reported %d", want, e.Node, 10*(i+1))
		}
	}
}

// Issue 12, item 7: a campaign whose first write comes before any read has
// figures for every day from its start, not only from the written day
// (before: 3 points of 9).
func TestFirstWriteBeforeAnyRead(t *testing.T) {
	t.Parallel()
	w := lateWorld(t)
	var p progressResult
	w.must(t, "", lateProgress, nil, &p)
	checkLateProgress(t, p)
}

// Issue 13, bug 2: reads never write. The read queries run against a
// connection whose every transaction is read only, at a moment when the
// campaign's figures are due for days not computed yet (20 January; they
// stop on the 9th): they answer from what is stored, with the right
// figures. Before, ranking and progress refreshed the figures inside the
// request and failed ("cannot execute … in a read-only transaction").
func TestReadsNeverWrite(t *testing.T) {
	t.Parallel()
	w := lateWorld(t)
	ctx := context.Background()
	url := w.store.Pool.Config().ConnString()
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	ro, err := db.Open(ctx, url+sep+"default_transaction_read_only=on", db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Pool.Exec(ctx, `DELETE FROM figures_state`); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("the read-only store can write: %v", err)
	}
	later := time.Date(2024, 1, 20, 3, 0, 0, 0, time.UTC)
	res := &graph.Resolver{DB: ro, Logger: slog.New(slog.NewTextHandler(testWriter{t}, nil)), Now: func() time.Time { return later }}
	h := graph.LoaderMiddleware(ro, httpapi.NewHandler(res, httpapi.Limits{Complexity: 5000, Depth: 12}))
	read := func(query string, out any) {
		t.Helper()
		rw := &writeWorld{store: ro, h: h}
		resp := rw.post(t, "", query, nil)
		if resp.status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("%s\n→ %d %+v", query, resp.status, resp.Errors)
		}
		if out != nil {
			if err := json.Unmarshal(resp.Data, out); err != nil {
				t.Fatal(err)
			}
		}
	}
	var r struct {
		Ranking struct {
			TotalCount int
			Date       string
			Edges      []struct {
				Node struct {
					Rank   *int
					Figure *int
					Unit   struct{ Code string }
				}
			}
		}
	}
	// Days due but not computed yet: what is stored (nothing), no refresh.
	read(`{ ranking(campaign: "late", metric: "collected", date: "2024-01-15", level: COMMUNE) { totalCount } }`, &r)
	if r.Ranking.TotalCount != 0 {
		t.Fatalf("ranking on 15 January: %d rows, none computed", r.Ranking.TotalCount)
	}
	var p progressResult
	read(lateProgress, &p)
	checkLateProgress(t, p)
	read(`{ ranking(campaign: "late", metric: "collected", date: "2024-01-09", scopeCode: "920", level: COMMUNE) {
		totalCount date edges { node { rank figure unit { code } } } } }`, &r)
	if r.Ranking.TotalCount == 0 || r.Ranking.Edges[0].Node.Unit.Code != "92000" || *r.Ranking.Edges[0].Node.Figure != 90 {
		t.Fatalf("ranking on 9 January: %+v", r.Ranking)
	}
	read(`{ progress(campaign: "late", unitCode: "92", metric: "collected") { totalCount } }`, &p)
	if p.Progress.TotalCount != 9 {
		t.Fatalf("progress to today: %d points, want the 9 stored", p.Progress.TotalCount)
	}
	// Every other read of the schema.
	for _, q := range []string{
		`{ ranking(campaign: "live", metric: "collected", level: COMMUNE) { totalCount bandCounts { count } edges { node { rank rankChange figure quota rate band pace7d requiredPace atRisk source coverage { onTime late missing } unit { code parent { code } ancestors { code } children { totalCount } } } } } }`,
		`{ units(kind: COMMUNE, search: "xa", first: 5) { totalCount edges { node { code fullName } } } }`,
		`{ unit(code: "920") { name parent { code } ancestors { code } children { totalCount edges { node { code } } } } }`,
		`{ metrics { key } }`,
		`{ campaigns { totalCount edges { node { slug status scope { code } metrics { key } quotas { totalCount } } } } }`,
		`{ campaign(slug: "live") { slug quotas(metric: "collected") { totalCount edges { node { target } } } } }`,
		`{ progress(campaign: "live", unitCode: "92000", metric: "collected") { totalCount columns { dates figures } } }`,
		`{ bulletins { totalCount } bulletin(campaign: "late", date: "2024-01-09") { revision } }`,
	} {
		read(q, nil)
	}
}
