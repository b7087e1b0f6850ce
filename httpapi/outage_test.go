package httpapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/graph/graphtest"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// TestDatabaseUnreachable: with no PostgreSQL behind the pool, reads and
// token lookups answer 503 with Retry-After and UNAVAILABLE (not 200 or
// 500 with INTERNAL), and the outage is logged once, not once a request.
func TestDatabaseUnreachable(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(t.Context(), "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	store := &db.DB{Pool: pool}
	var logs graphtest.LogBuffer
	res := &graph.Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	h := graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{}))
	for i, c := range []struct{ accept, bearer string }{
		{"", ""}, {"application/graphql-response+json", ""}, {"", "td_someTokenThatIsLongEnough"}, {"", ""},
	} {
		for range 10 {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ campaigns(first: 1) { edges { node { slug } } } }"}`))
			req.Header.Set("Content-Type", "application/json")
			if c.accept != "" {
				req.Header.Set("Accept", c.accept)
			}
			if c.bearer != "" {
				req.Header.Set("Authorization", "Bearer "+c.bearer)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var body struct{ Errors []gqlError }
			json.Unmarshal(rec.Body.Bytes(), &body)
			if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "5" || len(body.Errors) == 0 ||
				body.Errors[0].Extensions["code"] != "UNAVAILABLE" || body.Errors[0].Extensions["retryAfter"] != 5.0 {
				t.Fatalf("case %d: %d Retry-After %q %s; want 503, Retry-After 5, UNAVAILABLE", i, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
			}
			if msg := body.Errors[0].Message; !strings.Contains(msg, "retry after 5 seconds") || strings.Contains(msg, "127.0.0.1") {
				t.Errorf("message %q: should say when to retry and show nothing of the connection", msg)
			}
		}
	}
	// Some data came through (a nullable field failed): 200 under
	// application/graphql-response+json, whose spec asks 2xx then, with
	// Retry-After all the same; 503 under application/json.
	for accept, want := range map[string]int{"application/graphql-response+json": 200, "application/json": 503} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename campaign(slug: \"x\") { slug } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want || rec.Header().Get("Retry-After") != "5" || !strings.Contains(rec.Body.String(), `"__typename":"Query"`) ||
			!strings.Contains(rec.Body.String(), "UNAVAILABLE") {
			t.Errorf("partial data, Accept %s: %d Retry-After %q %s; want %d", accept, rec.Code, rec.Header().Get("Retry-After"), rec.Body, want)
		}
	}
	if lines := strings.Count(logs.String(), "\n"); lines != 1 || !strings.Contains(logs.String(), "level=ERROR") ||
		!strings.Contains(logs.String(), "database unreachable") {
		t.Errorf("40 failed requests logged %d lines, want the outage once:\n%s", lines, logs.String())
	}
}
