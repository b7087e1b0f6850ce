package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// TestWriterMatchesExecutor sends the same ranking and series queries to
// the API with their own writer and with gqlgen's executor alone, and
// expects the same bytes: fields in order, aliases, fragments, @skip and
// @include, __typename, variables, nulls, floats, texts in both languages,
// errors, and selections the writer leaves to the executor; and a selection
// of every field the generated writer writes, whatever the schema grows.
func TestWriterMatchesExecutor(t *testing.T) {
	// Not parallel: it counts the writer's answers.
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	fast, plain := writerHandler(store, false), writerHandler(store, true)
	post := func(h http.Handler, query string, vars map[string]any) string {
		return serveQuery(h, query, vars).Body.String()
	}
	every := `rank rankChange figure quota quotaOwn rate band rulesVersion delta delta7 pace7d requiredPace projectedCompletion atRisk outcome source staleDays
		coverage { onTime late missing total } figureText quotaText rateText en: rateText(lang: EN) enFigure: figureText(lang: EN) enQuota: quotaText(lang: EN)
		unit { id code name fullName nameEn kind validFrom validTo __typename } __typename`
	cases := []struct {
		name   string
		query  string
		vars   map[string]any
		writes int64 // root fields the writer answers
	}{
		{"every field, provinces", `{ ranking(campaign: "ref", metric: "activated", date: "2023-12-10", level: PROVINCE, first: 100) {
			__typename totalCount date pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
			bandCounts { count band { key min labelVi labelEn } } edges { cursor node { ` + every + ` } } } }`, nil, 1},
		{"communes, a page further", `{ ranking(campaign: "ref", metric: "collected", date: "2023-12-20", level: COMMUNE, first: 3, after: "bzoy") {
			totalCount edges { cursor node { ` + every + ` } } pageInfo { hasNextPage endCursor } } }`, nil, 1},
		{"first day, a scope", `{ ranking(campaign: "ref", metric: "collected", date: "2023-12-01", level: COMMUNE, scopeCode: "91") {
			edges { node { ` + every + ` } } } }`, nil, 1},
		{"aliases, fragments, skip and include, variables", `query Q($c: String!, $d: Date, $l: UnitKind!, $n: Int, $lang: Lang, $no: Boolean!) {
			a: ranking(campaign: $c, metric: "activated", date: $d, level: $l, first: $n) { ...conn }
			b: ranking(campaign: $c, metric: "collected", level: DISTRICT) { t: totalCount, totalCount edges { node { r: rank, rank @skip(if: $no) figure @include(if: $no) rateText(lang: $lang) ... on RankingRow { unit { code } } } } }
			metrics { key } }
			fragment conn on RankingConnection { totalCount edges { node { ...row unit { ...u } } } }
			fragment row on RankingRow { rank figure rate }
			fragment u on Unit { code name }`,
			map[string]any{"c": "ref", "d": "2023-12-15", "l": "DISTRICT", "n": 4, "lang": "EN", "no": true}, 2},
		{"every field the writer writes, provinces", `{ ranking(campaign: "ref", metric: "activated", date: "2023-12-10", level: PROVINCE, first: 100) ` +
			graph.WriterSelection("ranking") + ` }`, nil, 1},
		{"every field the writer writes, today's map", `{ ranking(campaign: "ref", metric: "collected", date: "2023-12-20", level: COMMUNE, map: CURRENT, first: 20) ` +
			graph.WriterSelection("ranking") + ` }`, nil, 1},
		{"every field the writer writes, a series", `{ progress(campaign: "ref", unitCode: "90001", metric: "collected") ` +
			graph.WriterSelection("progress") + ` }`, nil, 1},
		{"a selection the writer leaves to the executor", `{ ranking(campaign: "ref", metric: "activated", date: "2023-12-10", level: DISTRICT, first: 5) {
			edges { node { rank unit { code parent { code } } } } } }`, nil, 0},
		{"a series, every field", `{ progress(campaign: "ref", unitCode: "VN", metric: "activated") { __typename totalCount
			pageInfo { hasNextPage hasPreviousPage startCursor endCursor } columns { dates figures quotas rates sources deltas __typename }
			edges { cursor node { date figure quota rate source staleDays delta band pace7d requiredPace projectedCompletion atRisk outcome
				coverage { onTime late missing total } revisionCount corrected rulesVersion figureText quotaText rateText en: rateText(lang: EN) enFigure: figureText(lang: EN) __typename } } } }`, nil, 1},
		{"a commune's series, a page, by columns and fragments", `query($u: String!) {
			c: progress(campaign: "ref", unitCode: $u, metric: "collected", from: "2023-12-03", first: 5, after: "bzox") { totalCount pageInfo { hasNextPage endCursor } edges { node { date figure source staleDays delta } } }
			i: progress(campaign: "ref", unitCode: $u, metric: "collected", to: "2023-12-09") { ...cols }
			a: progress(campaign: "ref", unitCode: $u, metric: "activated") { ...cols edges { node { ... on ProgressPoint { rate corrected } } } } }
			fragment cols on ProgressConnection { columns { dates figures rates deltas } }`, map[string]any{"u": "90001"}, 3},
		{"a series with its revisions, which the executor answers", `{ progress(campaign: "ref", unitCode: "90001", metric: "collected") {
			edges { node { date revisionCount revisions { revision value previousValue onTime reason submittedVia } } } } }`, nil, 0},
		{"a series error", `{ progress(campaign: "ref", unitCode: "nope", metric: "activated") { totalCount } }`, nil, 0},
		{"an error", `{ ranking(campaign: "ref", metric: "activated", date: "2024-05-01", level: PROVINCE) { totalCount } }`, nil, 0},
		{"an unknown campaign", `{ ranking(campaign: "nope", metric: "activated", level: PROVINCE) { totalCount } }`, nil, 0},
		{"a bad cursor", `{ ranking(campaign: "ref", metric: "activated", level: PROVINCE, after: "!!") { totalCount } }`, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := post(plain, tc.query, tc.vars)
			before := graph.WriterAnswers()
			got := post(fast, tc.query, tc.vars)
			if n := graph.WriterAnswers() - before; n != tc.writes {
				t.Errorf("the writer answered %d root fields, want %d", n, tc.writes)
			}
			if tc.writes > 0 && (!strings.HasPrefix(got, `{"data":`) || strings.Contains(got, `"errors"`)) {
				t.Errorf("expected data without errors: %.300s", got)
			}
			if got != want {
				t.Fatalf("the writer answered\n%s\nthe executor\n%s", got, want)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("not JSON: %s", got)
			}
		})
	}
}

// A resolver that panics under the writer is answered by the executor,
// which recovers and reports an internal error on the field (so the other
// root fields of the request keep their answers).
func TestWriterPanicIsAnInternalError(t *testing.T) {
	t.Parallel()
	res := &graph.Resolver{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))} // no DB: the resolver panics
	h := httpapi.NewHandler(res, httpapi.Limits{CacheBytes: -1})
	body := `{"query":"{ ranking(campaign: \"ref\", metric: \"activated\", level: PROVINCE) { totalCount } }"}`
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `"path":["ranking"]`) || !strings.Contains(rec.Body.String(), `"INTERNAL"`) {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

// writerHandler is the API over store with the rankings' and series'
// writer, or with gqlgen's executor alone (plain); no response cache.
func writerHandler(store *db.DB, plain bool) http.Handler {
	res := &graph.Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return dbtest.ExampleNow }}
	return graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{Complexity: 20000, Depth: 10, CacheBytes: -1, PlainExecutor: plain}))
}

// serveQuery posts a query with its variables to h.
func serveQuery(h http.Handler, query string, vars map[string]any) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// writerAcrossTheReform: on today's map, the rows that are not comparable
// name their partial predecessors (UnitLink); the writer writes them as
// the executor does.
func writerAcrossTheReform(t *testing.T, store *db.DB) {
	q := `{ ranking(campaign: "vinh-long-he-2025", metric: "activated_l2", date: "2025-06-20", level: COMMUNE, scopeCode: "01", map: CURRENT, first: 100) ` +
		graph.WriterSelection("ranking") + ` }`
	want := serveQuery(writerHandler(store, true), q, nil).Body.String()
	before := graph.WriterAnswers()
	got := serveQuery(writerHandler(store, false), q, nil).Body.String()
	if graph.WriterAnswers() == before {
		t.Errorf("the writer did not answer: %.300s", got)
	}
	if !strings.Contains(got, `"partialPredecessors":[{`) {
		t.Errorf("no row with partial predecessors: %.300s", got)
	}
	if got != want {
		t.Fatalf("the writer answered\n%s\nthe executor\n%s", got, want)
	}
}
