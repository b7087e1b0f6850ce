package graph_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/telemetry"
)

// TestRequestWithCopies: the With… functions give a derived context a
// changed copy of the request's state; the context it derives from keeps
// its own.
func TestRequestWithCopies(t *testing.T) {
	ctx, req := graph.NewRequest(context.Background())
	req.ID = "abc"
	p := &domain.Principal{TokenID: 7}
	child := graph.WithPrincipal(ctx, p)
	if got := graph.PrincipalFrom(child); got == nil || got.TokenID != 7 || got.RequestID != "abc" {
		t.Errorf("PrincipalFrom(child) = %+v, want token 7 of request abc", got)
	}
	if got := graph.PrincipalFrom(ctx); got != nil {
		t.Errorf("PrincipalFrom(parent) = %+v, want nil", got)
	}
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	grand := graph.WithRequestID(graph.WithRequestStart(child, start), "def")
	if graph.RequestID(grand) != "def" || graph.RequestID(child) != "abc" || graph.RequestID(ctx) != "abc" {
		t.Errorf("request ids %q %q %q, want def abc abc", graph.RequestID(grand), graph.RequestID(child), graph.RequestID(ctx))
	}
	if got := graph.RequestOf(grand); !got.Start.Equal(start) || got.Principal != p {
		t.Errorf("RequestOf(grand) = %+v, want the start and the principal", got)
	}
	if graph.RequestID(context.Background()) != "" || graph.PrincipalFrom(context.Background()) != nil || graph.RequestOf(context.Background()) != nil {
		t.Error("a context without a request has an id, a principal or a Request")
	}
}

// TestRequestNamesTheOperation: telemetry.HTTP's operation label is set
// through the request's state, from any context derived from it, whether
// the state was made outside the route (NewRouter) or inside it.
func TestRequestNamesTheOperation(t *testing.T) {
	route := "request-test"
	name := func(op string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			telemetry.SetOperation(graph.WithPrincipal(r.Context(), &domain.Principal{}), op)
		})
	}
	outside := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, _ := graph.NewRequest(r.Context())
		telemetry.HTTP(route, name("outsideOp")).ServeHTTP(w, r.WithContext(ctx))
	})
	inside := telemetry.HTTP(route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, _ := graph.NewRequest(r.Context())
		name("insideOp").ServeHTTP(w, r.WithContext(ctx))
	}))
	for _, h := range []http.Handler{outside, outside, inside} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/graphql", nil))
	}
	rec := httptest.NewRecorder()
	telemetry.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`tiendo_http_requests_total{operation="outsideOp",route="request-test",status="200"} 2`,
		`tiendo_http_requests_total{operation="insideOp",route="request-test",status="200"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the metrics lack %s", want)
		}
	}
	if strings.Contains(string(body), `operation="-",route="request-test"`) {
		t.Error("a request was counted without its operation")
	}
}
