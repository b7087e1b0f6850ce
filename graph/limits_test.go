package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/graph/graphtest"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// defaultLimitsHandler serves the spec's example at the server's default
// limits (httpapi.Limits{}: cost 5000, depth 12).
func defaultLimitsHandler(t *testing.T) http.Handler {
	t.Helper()
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	res := &graph.Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return dbtest.ExampleNow }}
	return graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{CacheBytes: -1}))
}

type limitsAnswer struct {
	status int
	Data   json.RawMessage
	Errors []gqlError
}

func postGraphQL(t *testing.T, h http.Handler, body map[string]any) limitsAnswer {
	t.Helper()
	rec := graphtest.Post(h, body, "Accept", "application/graphql-response+json")
	a := limitsAnswer{status: rec.Code}
	graphtest.Decode(t, rec, &a)
	return a
}

// TestIntrospectionServed: the standard introspection queries of
// graphql-js 16 (every option on) and of GraphiQL answer 200 with the
// schema at the default limits; before, the depth limit refused them
// ("nests 15 levels deep, limit 12").
func TestIntrospectionServed(t *testing.T) {
	t.Parallel()
	h := defaultLimitsHandler(t)
	files, _ := filepath.Glob("testdata/introspection/*.graphql")
	for _, f := range files {
		q, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a := postGraphQL(t, h, map[string]any{"query": string(q), "operationName": "IntrospectionQuery"})
		if a.status != http.StatusOK || len(a.Errors) > 0 || !bytes.Contains(a.Data, []byte(`"name":"ranking"`)) {
			t.Errorf("%s: HTTP %d, errors %v, data %.200s", filepath.Base(f), a.status, a.Errors, a.Data)
		}
	}
}

// TestLimitErrorsSayWhat: each limit refuses with TOO_COMPLEX and says in
// extensions what it measured, the value and the limit.
func TestLimitErrorsSayWhat(t *testing.T) {
	t.Parallel()
	h := defaultLimitsHandler(t)
	dump, err := os.ReadFile("testdata/introspection/graphql-js-16-all-options.graphql")
	if err != nil {
		t.Fatal(err)
	}
	threeDumps := strings.Replace(string(dump), "__schema {", "a: __schema { types { name } } b: __schema { types { ...FullType } } c: __schema { types { ...FullType } } __schema {", 1)
	chain := func(n int) string { return strings.Repeat("ofType { ", n) + "name" + strings.Repeat(" }", n) }
	var frags, spreads strings.Builder
	for i := range 60 {
		fmt.Fprintf(&spreads, " ...F%d", i)
		fmt.Fprintf(&frags, " fragment F%d on Query { metrics { key } }", i)
	}
	cases := []struct {
		name, query, measure string
		value                func(float64) bool
		limit                float64
	}{
		{"Tokens", "{ metrics { key " + strings.Repeat("key ", 10000) + "} }", "tokens", func(v float64) bool { return v == 10006 }, 10000},
		{"Fragments", "{" + spreads.String() + " }" + frags.String(), "fragments", func(v float64) bool { return v == 60 }, 50},
		{"Selections", "{ metrics { " + strings.Repeat("key ", 600) + "} }", "selections", func(v float64) bool { return v == 601 }, 500},
		{"Directives", "{ metrics { key " + strings.Repeat("@skip(if: false) ", 51) + "} }", "directives", func(v float64) bool { return v == 51 }, 50},
		{"Variables", "query Q(" + strings.Repeat("$v: Int ", 51) + ") { metrics { key } }", "variables", func(v float64) bool { return v == 51 }, 50},
		{"ThreeSchemaDumps", threeDumps, "cost", func(v float64) bool { return v > 5000 }, 5000},
		{"OfTypeChainOfEveryField", "{ __schema { types { fields { type { " + chain(40) + " } } } } }", "depth", func(v float64) bool { return v == 45 }, 20},
		{"OfTypeChain", `{ __type(name: "Query") { ` + chain(40) + " } }", "depth", func(v float64) bool { return v == 42 }, 20},
		{"RankingAncestorsChildren", `{ ranking(campaign: "ref", metric: "collected", level: COMMUNE, first: 100) { edges { node { unit { ancestors { children(first: 100) { totalCount } } } } } } }`, "cost", func(v float64) bool { return v > 5000 }, 5000},
		{"Depth", `{ unit(code: "VN") {` + strings.Repeat(" parent {", 12) + " code" + strings.Repeat(" }", 12) + " } }", "depth", func(v float64) bool { return v == 14 }, 12},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := postGraphQL(t, h, map[string]any{"query": c.query, "operationName": nil})
			if a.status != http.StatusBadRequest || len(a.Errors) != 1 || a.Data != nil {
				t.Fatalf("HTTP %d, data %.100s, errors %+v", a.status, a.Data, a.Errors)
			}
			e := a.Errors[0].Extensions
			value, _ := e[c.measure].(float64)
			if e["code"] != "TOO_COMPLEX" || e["measure"] != c.measure || !c.value(value) || e["limit"] != c.limit {
				t.Errorf("extensions %v, message %q", e, a.Errors[0].Message)
			}
			if _, ok := e["cost"]; !ok && (c.measure == "cost" || c.measure == "depth") {
				t.Errorf("no cost in extensions %v", e)
			}
		})
	}
}

// TestErrorListBounded: a query with 60 mistakes gets the first 50 errors
// and one saying how many more there were (before: all 60; 10,000 unknown
// directives made a 3.3 MB answer).
func TestErrorListBounded(t *testing.T) {
	t.Parallel()
	h := defaultLimitsHandler(t)
	var fields strings.Builder
	for i := range 60 {
		fmt.Fprintf(&fields, " unknown%d", i)
	}
	a := postGraphQL(t, h, map[string]any{"query": "{ metrics {" + fields.String() + " } }"})
	if len(a.Errors) != 51 {
		t.Fatalf("%d errors", len(a.Errors))
	}
	last := a.Errors[50]
	if last.Message != "10 more errors omitted (at most 50 are listed)" || last.Extensions["omitted"] != 10.0 || last.Extensions["code"] != "BAD_INPUT" {
		t.Errorf("last error %+v", last)
	}
}
