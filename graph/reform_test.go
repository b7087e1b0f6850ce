package graph_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/demo"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/graph/graphtest"
	"github.com/tiendo-vn/tiendo/httpapi"
	"github.com/tiendo-vn/tiendo/reform"
)

// demoAPI serves the API over the whole demo (its clock in December 2026).
func demoAPI(t *testing.T) (*db.DB, http.Handler) {
	t.Helper()
	store := dbtest.New(t)
	if err := demo.Load(context.Background(), store, io.Discard); err != nil {
		t.Fatal(err)
	}
	res := &graph.Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC) }}
	return store, graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{Complexity: 100000, Depth: 10}))
}

// TestReform reads the demo across the 2025 reform (one load for every check).
func TestReform(t *testing.T) {
	store, h := demoAPI(t)
	t.Run("BenTreOnTodaysMap", func(t *testing.T) { benTreOnTodaysMap(t, h) })
	t.Run("Links", func(t *testing.T) { links(t, h) })
	t.Run("Search", func(t *testing.T) { search(t, h) })
	t.Run("AcrossTheReform", func(t *testing.T) { acrossTheReform(t, h) })
	t.Run("Totals", func(t *testing.T) { totals(t, store) })
	t.Run("BadInputs", func(t *testing.T) { badInputs(t, store, h) })
	t.Run("WriterAcrossTheReform", func(t *testing.T) { writerAcrossTheReform(t, store) })
}

// post runs a query and decodes its data into out; it returns the errors.
func post(t *testing.T, h http.Handler, query string, vars map[string]any, out any) []gqlError {
	t.Helper()
	var resp struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	graphtest.Decode(t, graphtest.Post(h, map[string]any{"query": query, "variables": vars}), &resp)
	if len(resp.Errors) == 0 && out != nil {
		if err := json.Unmarshal(resp.Data, out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.Errors
}

// crosswalk reads the committed crosswalk: new code → its links.
func crosswalk(t *testing.T) map[string][][3]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(reform.CrosswalkCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][3]string{}
	for _, r := range recs[1:] { // old_code,old_kind,new_code,new_kind,kind,method,source
		out[r[2]+"/"+r[3]] = append(out[r[2]+"/"+r[3]], [3]string{r[0], r[1], r[4]})
	}
	return out
}

type rankRows struct {
	Ranking struct {
		TotalCount int
		ScopeName  string
		Map        string
		Edges      []struct {
			Node rankRowsNode
		}
	}
}

const rankQuery = `query($c: String!, $m: String!, $d: Date, $l: UnitKind!, $map: ReformMap, $after: String) {
  ranking(campaign: $c, metric: $m, date: $d, level: $l, map: $map, first: 100, after: $after) {
    totalCount map scopeName
    edges { cursor node { rank figure quota comparable unit { code } partialPredecessors { kind unit { code } } } }
  }
}`

// allRows pages through a whole ranking.
func allRows(t *testing.T, h http.Handler, vars map[string]any) (rows []rankRowsNode, scope string) {
	t.Helper()
	for off := 0; ; off += 100 {
		v := map[string]any{}
		for k, x := range vars {
			v[k] = x
		}
		if off > 0 {
			v["after"] = graph.CursorAt(off - 1)
		}
		var r rankRows
		if errs := post(t, h, rankQuery, v, &r); len(errs) > 0 {
			t.Fatalf("ranking %v: %v", vars, errs)
		}
		scope = r.Ranking.ScopeName
		for _, e := range r.Ranking.Edges {
			rows = append(rows, e.Node)
		}
		if len(rows) >= r.Ranking.TotalCount || len(r.Ranking.Edges) == 0 {
			return rows, scope
		}
	}
}

type rankRowsNode = struct {
	Rank                *int
	Figure              *int64
	Quota               *int64
	Comparable          bool
	Unit                struct{ Code string }
	PartialPredecessors []struct {
		Kind string
		Unit struct{ Code string }
	}
}

// benTreOnTodaysMap: Bến Tre's 2023 campaign read on today's map
// ranks the new communes formed from Bến Tre's old communes; every one whose
// predecessors are all WHOLE (and all in the campaign) has the sum of their
// 2023 figures and quotas, and a rank; the others have no figure, no rank
// and name what prevents the sum.
func benTreOnTodaysMap(t *testing.T, h http.Handler) {
	cw := crosswalk(t)
	for _, metric := range []string{"collected", "activated"} {
		vars := map[string]any{"c": "ben-tre-cong-dan-so", "m": metric, "d": "2023-11-14", "l": "COMMUNE"}
		old, _ := allRows(t, h, vars)
		oldFig, oldQuota := map[string]int64{}, map[string]int64{}
		for _, r := range old {
			oldFig[r.Unit.Code], oldQuota[r.Unit.Code] = *r.Figure, *r.Quota
		}
		vars["map"] = "CURRENT"
		rows, scope := allRows(t, h, vars)
		if scope != "tỉnh Bến Tre (cũ), nay thuộc tỉnh Vĩnh Long" {
			t.Errorf("scope name %q", scope)
		}
		comparable, ranks := 0, map[int]bool{}
		seenOld := map[string]bool{}
		for _, r := range rows {
			links := cw[r.Unit.Code+"/commune"]
			whole := len(links) > 0
			var fig, quota int64
			for _, l := range links {
				f, in := oldFig[l[0]]
				whole = whole && l[2] == "WHOLE" && in
				fig, quota = fig+f, quota+oldQuota[l[0]]
				if in {
					seenOld[l[0]] = true
				}
			}
			if r.Comparable != whole {
				t.Fatalf("%s %s: comparable %v, its links %v", metric, r.Unit.Code, r.Comparable, links)
			}
			if !whole {
				if r.Figure != nil || r.Rank != nil || len(r.PartialPredecessors) == 0 {
					t.Errorf("%s: not comparable but figure %v rank %v partial %v", r.Unit.Code, r.Figure, r.Rank, r.PartialPredecessors)
				}
				continue
			}
			comparable++
			if r.Figure == nil || *r.Figure != fig || r.Quota == nil || *r.Quota != quota || r.Rank == nil {
				t.Errorf("%s %s: figure %v quota %v rank %v, want the sum of %v: %d / %d", metric, r.Unit.Code, r.Figure, r.Quota, r.Rank, links, fig, quota)
			} else {
				ranks[*r.Rank] = true
			}
		}
		if comparable < len(rows)/2 || !ranks[1] {
			t.Errorf("%s: %d of %d new communes comparable; ranks %v", metric, comparable, len(rows), ranks)
		}
		for code := range oldFig {
			if !seenOld[code] {
				t.Logf("old commune %s of Bến Tre has no successor in the crosswalk", code)
			}
		}
		t.Logf("%s: %d new communes, %d comparable, from %d old", metric, len(rows), comparable, len(old))
	}
}
