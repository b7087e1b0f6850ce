package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// TestRateLimitOnlyTheAPI: through the whole router, /graphql is limited
// per client while health checks, GraphiQL and the portal's files never are.
func TestRateLimitOnlyTheAPI(t *testing.T) {
	cfg := testConfig()
	cfg.Limits.Rate = httpapi.RateLimit{PerSecond: 1, Burst: 2, TokenPerSecond: 1, TokenBurst: 2}
	h := httpapi.NewRouter(dbtest.New(t), cfg, quiet)
	do := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.RemoteAddr = "203.0.113.9:5000"
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	static := func() {
		t.Helper()
		for range 5 {
			for _, path := range []string{"/healthz", "/readyz", "/", "/graphiql"} {
				if rec := do(http.MethodGet, path, ""); rec.Code != 200 {
					t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
				}
			}
		}
	}
	static()
	const q = `{"query":"{ __typename }"}`
	for i := range 2 {
		if rec := do(http.MethodPost, "/graphql", q); rec.Code != 200 {
			t.Fatalf("request %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	rec := do(http.MethodPost, "/graphql", q)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "1" ||
		!strings.Contains(rec.Body.String(), `"code":"RATE_LIMITED"`) || rec.Header().Get("X-Request-Id") == "" ||
		!strings.Contains(rec.Body.String(), rec.Header().Get("X-Request-Id")) {
		t.Fatalf("over the limit: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	// A GET query counts against the same bucket.
	if rec := do(http.MethodGet, "/graphql?query=%7B__typename%7D", ""); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("GET over the limit: %d %s", rec.Code, rec.Body)
	}
	static()
}

func TestServeRejectsBadTrustedProxies(t *testing.T) {
	err := cmdServe(context.Background(), []string{"--trusted-proxies", "10.0.0.0/8,proxy.example"}, io.Discard, quiet)
	if err == nil || !strings.Contains(err.Error(), "--trusted-proxies") || !strings.Contains(err.Error(), "proxy.example") {
		t.Fatalf("err = %v", err)
	}
}
