package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The response cache answers a repeated anonymous query from memory, and
// never once anything was committed since: a write through the API, a
// write straight into the database by another process, or a token.
func TestResponseCache(t *testing.T) {
	t.Parallel()
	w := setupWrites(t)
	const q = `{ progress(campaign: "live", unitCode: "92001", metric: "collected", from: "2024-01-05", to: "2024-01-05") { edges { node { figure } } } }`
	get := func(token, query string) (string, string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		w.h.ServeHTTP(rec, req)
		if vary := strings.Join(rec.Header().Values("Vary"), ","); !strings.Contains(vary, "Accept") {
			t.Errorf("X-Cache %q: Vary %q lacks Accept", rec.Header().Get("X-Cache"), vary)
		}
		return rec.Body.String(), rec.Header().Get("X-Cache")
	}
	// The snapshot is the whole PostgreSQL cluster's, and other tests commit
	// in their own databases all the time, each of which makes the next
	// request a miss: a hit is expected within a few tries, not at once.
	hit := func(query string) (string, bool) {
		t.Helper()
		for range 400 {
			if body, c := get("", query); c == "hit" {
				return body, true
			}
			time.Sleep(5 * time.Millisecond)
		}
		return "", false
	}
	first, c1 := get("", q)
	second, ok := hit(q)
	if c1 != "" || !ok || first != second {
		t.Fatalf("a repeated query: X-Cache %q then hit=%v, bodies %s / %s; want a miss then a hit with the same body", c1, ok, first, second)
	}
	if _, c := get(w.admin, q); c != "" {
		t.Errorf("a request with a token was answered from the cache")
	}
	if _, c := get("", `{ nope }`); c != "" {
		t.Fatal("an error answer was a hit on its first request")
	}
	if _, c := get("", `{ nope }`); c != "" {
		t.Error("an error answer was cached")
	}

	// A write through the API: the next read sees it.
	w.must(t, w.admin, `mutation($input: SubmitReportsInput!) { submitReports(input: $input) { written } }`,
		batch("k1", report("92001", "collected", "2024-01-05", 77)), nil)
	after, c := get("", q)
	if c == "hit" || !strings.Contains(after, `"figure":77`) {
		t.Fatalf("after a write: X-Cache %q, %s; want a miss showing 77", c, after)
	}
	if body, ok := hit(q); !ok || !strings.Contains(body, `"figure":77`) {
		t.Errorf("the answer after the write was not cached: hit=%v %s", ok, body)
	}

	// A commit by someone else (another server, psql): the snapshot moves.
	if _, err := w.store.Pool.Exec(context.Background(), `UPDATE figure_values SET value = 78 WHERE unit_id = (SELECT id FROM units WHERE code = '92001')
		AND day = '2024-01-05' AND metric_id = (SELECT id FROM metrics WHERE key = 'collected')`); err != nil {
		t.Fatal(err)
	}
	if body, c := get("", q); c == "hit" || !strings.Contains(body, `"figure":78`) {
		t.Errorf("after another process's commit: X-Cache %q, %s; want a miss showing 78", c, body)
	}
}
