package httpapi

import (
	"net/http"
	"strconv"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/graph"
)

// withRequestStart notes when a request began (see graph.DBHealth.Failed):
// when it reached the router, or withRequestStart served without it.
func withRequestStart(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, req := requestState(r)
		req.Start = arrival(r.Context())
		next.ServeHTTP(w, r)
	})
}

// requestState returns r's graph.Request, which its middleware fill in
// place, giving r one if it has none (a handler served without NewRouter).
func requestState(r *http.Request) (*http.Request, *graph.Request) {
	if req := graph.RequestOf(r.Context()); req != nil {
		return r, req
	}
	ctx, req := graph.NewRequest(r.Context())
	return r.WithContext(ctx), req
}

// writeUnavailable answers 503 with Retry-After and UNAVAILABLE.
func writeUnavailable(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", strconv.Itoa(graph.OutageRetryAfter))
	writeHTTPErrorExt(w, r, http.StatusServiceUnavailable, domain.EUNAVAILABLE, graph.UnavailableMessage,
		map[string]any{"retryAfter": graph.OutageRetryAfter})
}
