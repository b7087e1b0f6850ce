package httpapi_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/httpapi"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func testConfig() httpapi.Config {
	return httpapi.Config{CORSOrigins: "https://baodientu.example", RequestTimeout: 10 * time.Second,
		MaxBodyBytes: 1 << 20, Limits: httpapi.Limits{Complexity: 5000, Depth: 12}, SiteURL: "https://tiendo.example.org"}
}

// TestCORS: reads are open to pages of any origin; sending a token
// (Authorization) only from the configured origins, none by default.
func TestCORS(t *testing.T) {
	store := dbtest.New(t)
	const news, evil = "https://baodientu.example", "https://evil.example"
	type tc struct {
		origin    string
		preflight bool
		auth      bool
		want      string // Access-Control-Allow-Origin
	}
	for _, c := range []struct {
		config string
		cases  []tc
	}{
		{"", []tc{
			{evil, true, false, "*"}, {evil, false, false, "*"},
			{evil, true, true, ""}, {evil, false, true, ""},
		}},
		{news, []tc{
			{news, true, true, news}, {news, false, true, news}, {news, false, false, news},
			{evil, true, false, "*"}, {evil, false, false, "*"}, {evil, true, true, ""}, {evil, false, true, ""},
		}},
		{"*", []tc{{evil, true, true, "*"}, {evil, false, true, "*"}, {evil, false, false, "*"}}},
	} {
		cfg := testConfig()
		cfg.CORSOrigins = c.config
		h := httpapi.NewRouter(store, cfg, quiet)
		for _, k := range c.cases {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
			req.Header.Set("Content-Type", "application/json")
			// as browsers send them: lower case, sorted; Apollo's client identity too
			headers := "apollographql-client-name,apollographql-client-version,content-type"
			if k.auth {
				headers = "apollographql-client-name,apollographql-client-version,authorization,content-type"
			}
			if k.preflight {
				req = httptest.NewRequest(http.MethodOptions, "/graphql", nil)
				req.Header.Set("Access-Control-Request-Method", "POST")
				req.Header.Set("Access-Control-Request-Headers", headers)
			} else if k.auth {
				req.Header.Set("Authorization", "Bearer td_notAToken000000000000")
			}
			req.Header.Set("Origin", k.origin)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			got := rec.Header().Get("Access-Control-Allow-Origin")
			if got != k.want {
				t.Errorf("CORS_ALLOWED_ORIGINS=%q, %+v: Access-Control-Allow-Origin %q, want %q", c.config, k, got, k.want)
			}
			if exposed := rec.Header().Get("Access-Control-Expose-Headers"); got != "" && !k.preflight &&
				(!strings.Contains(exposed, "Ratelimit-Policy") || !strings.Contains(exposed, "Retry-After")) {
				t.Errorf("%+v: Access-Control-Expose-Headers %q lacks the rate-limit headers", k, exposed)
			}
		}
	}
}
