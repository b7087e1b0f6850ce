package publish_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/demo"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/graph/graphtest"
	"github.com/tiendo-vn/tiendo/httpapi"
	"github.com/tiendo-vn/tiendo/publish"
)

// TestExportData: the static copy's data/ files hold, for a published day,
// what the API answers for it: the campaigns, a ranking row for row, a
// unit's series and its place in the tree, and the day's bulletin.
func TestExportData(t *testing.T) {
	ctx := context.Background()
	store := dbtest.New(t)
	if err := demo.Load(ctx, store, io.Discard); err != nil {
		t.Fatal(err)
	}
	svc := &publish.Service{DB: store, Logger: slog.New(slog.DiscardHandler)}
	if _, err := svc.PublishDue(ctx); err != nil {
		t.Fatal(err)
	}
	api := graph.LoaderMiddleware(store, httpapi.NewHandler(&graph.Resolver{DB: store, Bulletins: svc}, httpapi.Limits{CacheBytes: -1}))
	dir := t.TempDir()
	st, err := svc.ExportData(ctx, dir, api)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("data: %d files, %d bytes", st.Files, st.Bytes)
	read := func(name string, v any) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, "data", filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	ask := func(query string, v any) {
		t.Helper()
		rec := graphtest.Query(api, query)
		var out struct{ Data json.RawMessage }
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		if err := json.Unmarshal(out.Data, v); err != nil {
			t.Fatal(err)
		}
	}

	var index struct {
		Campaigns []struct {
			Slug string
			Days []string
		}
	}
	read("index.json", &index)
	var slugs []string
	days := map[string][]string{}
	for _, c := range index.Campaigns {
		slugs = append(slugs, c.Slug)
		days[c.Slug] = c.Days
	}
	if len(slugs) != 6 || len(days["ben-tre-cong-dan-so"]) != 75 {
		t.Fatalf("index.json: campaigns %v, Bến Tre's days %d; want the demo's 6, and 75 days", slugs, len(days["ben-tre-cong-dan-so"]))
	}

	// The day's ranking of the districts, row for row.
	var r struct {
		Ranking struct {
			Date  string
			Edges []struct {
				Node struct {
					Rank, RankChange *int
					Unit             struct{ Code string }
					Figure, Quota    *int64
					Rate             *float64
					Band             *string
				}
			}
		}
	}
	ask(`{ ranking(campaign: "ben-tre-cong-dan-so", metric: "activated", date: "2023-11-14", level: DISTRICT, first: 100) {
		date edges { node { rank rankChange unit { code } figure quota rate band } } } }`, &r)
	var day struct {
		Date    string
		Metrics map[string][][]any
	}
	read("ben-tre-cong-dan-so/2023-11-14/DISTRICT.json", &day)
	rows := day.Metrics["activated"]
	if r.Ranking.Date != day.Date || len(rows) != len(r.Ranking.Edges) || len(rows) != 9 {
		t.Fatalf("ranking of %s: %d rows; data file of %s: %d rows", r.Ranking.Date, len(r.Ranking.Edges), day.Date, len(rows))
	}
	for i, e := range r.Ranking.Edges {
		n := e.Node
		want := []any{n.Unit.Code, num(n.Figure), num(n.Quota), fnum(n.Rate), str(n.Band), num(n.Rank), num(n.RankChange)}
		if got := rows[i][:7]; !reflect.DeepEqual(got, want) {
			t.Errorf("row %d: data %v, API %v", i, got, want)
		}
	}

	// A district's series, day for day.
	var p struct {
		Progress struct {
			Edges []struct {
				Node struct {
					Date          string
					Figure, Quota *int64
					Rate          *float64
				}
			}
		}
	}
	ask(`{ progress(campaign: "ben-tre-cong-dan-so", unitCode: "831", metric: "collected", to: "2023-12-15", first: 100) {
		edges { node { date figure quota rate } } } }`, &p)
	var bundle map[string]map[string][][]any
	read("ben-tre-cong-dan-so/series/83.json", &bundle)
	series := bundle["831"]["collected"]
	if len(series) != len(p.Progress.Edges) || len(series) != 75 {
		t.Fatalf("series of 831: data %d days, API %d", len(series), len(p.Progress.Edges))
	}
	for i, e := range p.Progress.Edges {
		n := e.Node
		if want := []any{n.Date, num(n.Figure), num(n.Quota), fnum(n.Rate)}; !reflect.DeepEqual(series[i][:4], want) {
			t.Errorf("series day %d: data %v, API %v", i, series[i][:4], want)
		}
	}

	// The tree: the province, its 9 districts, each district's communes.
	var units struct{ Units [][]any }
	read("ben-tre-cong-dan-so/units.json", &units)
	for _, u := range units.Units {
		if u[0] == "83" && (u[3] != "PROVINCE" || u[6] != 9.0) {
			t.Errorf("unit 83 in units.json: %v; want a province with 9 districts", u)
		}
		if u[0] == "831" && (u[4] != "83" || u[7].(float64) < 1) {
			t.Errorf("unit 831 in units.json: %v; want a district of 83 with communes", u)
		}
	}

	// A commune's quota history.
	var q struct {
		Campaign struct {
			QuotaHistory struct {
				Edges []struct {
					Node struct {
						Metric                           struct{ Key string }
						Target                           int64
						EffectiveFrom, Reason, Reference string
					}
				}
			}
		}
	}
	ask(`{ campaign(slug: "ben-tre-cong-dan-so") { quotaHistory(unitCode: "28855", first: 100) {
		edges { node { metric { key } target effectiveFrom reason reference } } } } }`, &q)
	var quotas map[string][][]any
	read("ben-tre-cong-dan-so/quotas.json", &quotas)
	if len(quotas["28855"]) != len(q.Campaign.QuotaHistory.Edges) || len(quotas["28855"]) == 0 {
		t.Fatalf("quotas of 28855: data %v, API %+v", quotas["28855"], q.Campaign.QuotaHistory.Edges)
	}
	for i, e := range q.Campaign.QuotaHistory.Edges {
		n := e.Node
		if want := []any{n.Metric.Key, float64(n.Target), n.EffectiveFrom, n.Reason, n.Reference}; !reflect.DeepEqual(quotas["28855"][i], want) {
			t.Errorf("quota %d: data %v, API %v", i, quotas["28855"][i], want)
		}
	}

	// The day's bulletin lead, in both languages.
	var b struct {
		VI, EN []struct{ Date, Lead string }
	}
	read("ben-tre-cong-dan-so/bulletins.json", &b)
	var live struct{ VI, EN struct{ Lead string } }
	ask(`{ vi: bulletin(campaign: "ben-tre-cong-dan-so", date: "2023-11-14", lang: VI) { lead }
		en: bulletin(campaign: "ben-tre-cong-dan-so", date: "2023-11-14", lang: EN) { lead } }`, &live)
	for _, x := range b.VI {
		if x.Date == "2023-11-14" && x.Lead != live.VI.Lead {
			t.Errorf("bulletin lead: data %q, API %q", x.Lead, live.VI.Lead)
		}
	}
	if len(b.VI) != 75 || len(b.EN) != 75 || b.EN[0].Lead == b.VI[0].Lead {
		t.Errorf("bulletins.json: %d vi, %d en leads; want 75 of each, in their language", len(b.VI), len(b.EN))
	}
}

// num, fnum and str are a figure as JSON decodes it into any (null: nil).
func num[T int | int64](p *T) any {
	if p == nil {
		return nil
	}
	return float64(*p)
}

func fnum(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func str(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}
