package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// TestRateLimitCosts: a request costs what it asked for (an answer from
// the cache 1 point, a query 1 point per started 200 of its complexity),
// and every answer, 200 or 429, says the state of its bucket in the
// RateLimit-Policy and RateLimit headers and, for GraphQL answers, in
// extensions.rateLimit (cost, remaining, resetAt, limit).
func TestRateLimitCosts(t *testing.T) {
	t.Parallel()
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	now := time.Date(2024, 1, 10, 3, 0, 0, 0, time.UTC)
	res := &graph.Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h := graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{Rate: httpapi.RateLimit{
		PerSecond: 1, Burst: 100000, Now: func() time.Time { return now }, // a fixed clock: nothing refills
	}}))
	type rateLimit struct {
		Cost, Remaining, Limit int
		ResetAt                string
	}
	type answer struct {
		status           int
		policy, state    string
		xcache, body     string
		rl               rateLimit
		data, extensions json.RawMessage
	}
	ask := func(query string) answer {
		t.Helper()
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":`+strconv.Quote(query)+`}`))
		req.RemoteAddr = "198.51.100.7:4000"
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		a := answer{status: rec.Code, policy: rec.Header().Get("RateLimit-Policy"), state: rec.Header().Get("RateLimit"),
			xcache: rec.Header().Get("X-Cache"), body: rec.Body.String()}
		var out struct {
			Data       json.RawMessage
			Extensions struct{ RateLimit rateLimit }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s: %v", rec.Body, err)
		}
		a.rl, a.data = out.Extensions.RateLimit, out.Data
		return a
	}
	left := 100000
	check := func(what string, a answer, cost int) {
		t.Helper()
		left -= cost
		want := rateLimit{Cost: cost, Remaining: left, Limit: 100000, ResetAt: now.Add(time.Duration(100000-left) * time.Second).Format(time.RFC3339)}
		if a.status != 200 || a.rl != want {
			t.Fatalf("%s: %d, extensions.rateLimit %+v, want %+v\n%s", what, a.status, a.rl, want, a.body)
		}
		if a.policy != `"address";q=100000;w=100000` || a.state != `"address";r=`+strconv.Itoa(left)+";t="+strconv.Itoa(100000-left) {
			t.Errorf("%s: RateLimit-Policy %q, RateLimit %q", what, a.policy, a.state)
		}
	}
	check("a trivial query", ask(`{ __typename }`), 1)
	// units(first: 100) { edges { node { code name fullName } } }:
	// 1 + 100 × (edges 1 + node 1 + 3 fields) = 501, so 3 points.
	const units = `{ units(first: 100) { edges { node { code name fullName } } } }`
	first := ask(units)
	if first.xcache == "hit" {
		t.Fatal("the first ask was a hit")
	}
	check("a query of complexity 501", first, 3)
	// Asked again, it comes from the cache (once nothing else committed
	// in the cluster meanwhile: other tests do) and costs 1 point, with
	// the same data.
	for range 400 {
		a := ask(units)
		if a.xcache != "hit" {
			check("a miss", a, 3)
			time.Sleep(5 * time.Millisecond)
			continue
		}
		check("an answer from the cache", a, 1)
		if string(a.data) != string(first.data) {
			t.Fatalf("the cached answer's data differ:\n%s\n%s", a.data, first.data)
		}
		break
	}
	if left > 100000-1-3-1 {
		t.Fatal("no answer came from the cache")
	}

	// The same state as a query field (GitHub's form): it agrees with the
	// extension, and such answers are never stored.
	const withField = `{ rateLimit { cost remaining limit resetAt } units(first: 100) { edges { node { code name fullName } } } }`
	for i := range 3 {
		a := ask(withField)
		var data struct{ RateLimit rateLimit }
		json.Unmarshal(a.data, &data)
		check("the rateLimit field", a, 3)
		if data.RateLimit != a.rl || a.xcache != "" {
			t.Fatalf("ask %d: rateLimit field %+v, extension %+v, X-Cache %q", i+1, data.RateLimit, a.rl, a.xcache)
		}
	}

	// Over the limit: 429 with the same headers, nothing left.
	tight := graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{Rate: httpapi.RateLimit{
		PerSecond: 0.5, Burst: 2, Now: func() time.Time { return now },
	}}))
	for i, want := range []struct {
		status       int
		state, retry string
	}{{200, `"address";r=1;t=2`, ""}, {200, `"address";r=0;t=4`, ""}, {429, `"address";r=0;t=4`, "2"}} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		tight.ServeHTTP(rec, req)
		if rec.Code != want.status || rec.Header().Get("RateLimit") != want.state || rec.Header().Get("Retry-After") != want.retry ||
			rec.Header().Get("RateLimit-Policy") != `"address";q=2;w=4` {
			t.Errorf("request %d: %d RateLimit %q RateLimit-Policy %q Retry-After %q, want %d %q",
				i+1, rec.Code, rec.Header().Get("RateLimit"), rec.Header().Get("RateLimit-Policy"), rec.Header().Get("Retry-After"), want.status, want.state)
		}
	}
	if !regexp.MustCompile(`^"address";r=\d+;t=\d+$`).MatchString(ask(`{ __typename }`).state) {
		t.Error("RateLimit is not a structured-field item with r and t")
	}
}
