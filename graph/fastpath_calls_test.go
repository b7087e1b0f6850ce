package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// TestWriterFallbackRunsResolverOnce: when the writer hands a ranking or a
// series to the executor (the resolver failed, or its answer is not one
// the writer writes), the executor answers with what the resolver already
// returned: the request runs the statements the executor alone runs, not
// twice as many.
func TestWriterFallbackRunsResolverOnce(t *testing.T) {
	t.Parallel()
	store, qc := tracedStore(t, "")
	handler := func(plain bool) http.Handler {
		res := &graph.Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Now: func() time.Time { return dbtest.ExampleNow }}
		return graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{CacheBytes: -1, PlainExecutor: plain}))
	}
	statements := func(h http.Handler, query string) (int, string) {
		body, _ := json.Marshal(map[string]any{"query": query})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		before := qc.count()
		h.ServeHTTP(rec, req)
		return qc.count() - before, rec.Body.String()
	}
	for _, tc := range []struct{ name, query string }{
		{"an unknown campaign", `{ ranking(campaign: "nope", metric: "activated", level: PROVINCE) { totalCount } }`},
		{"a day without figures", `{ ranking(campaign: "ref", metric: "activated", date: "2024-05-01", level: PROVINCE) { totalCount } }`},
		{"an unknown unit's series", `{ progress(campaign: "ref", unitCode: "nope", metric: "activated") { totalCount } }`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each handler has a resolver of its own: both start with
			// nothing cached. The store remembers campaigns
			// (db/campaigns_memory.go): a first request has it remember
			// this one for both.
			statements(handler(true), tc.query)
			want, wantBody := statements(handler(true), tc.query)
			got, gotBody := statements(handler(false), tc.query)
			if gotBody != wantBody {
				t.Fatalf("the writer answered\n%s\nthe executor\n%s", gotBody, wantBody)
			}
			if got != want {
				t.Errorf("with the writer the request ran %d statements, the executor alone %d: the resolver ran again", got, want)
			}
		})
	}
}
