package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/graph"
)

// withRequestStart notes when a request began (see graph.DBHealth.Failed).
func withRequestStart(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(graph.WithRequestStart(r.Context(), time.Now())))
	})
}

// writeUnavailable answers 503 with Retry-After and UNAVAILABLE.
func writeUnavailable(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", strconv.Itoa(graph.OutageRetryAfter))
	writeHTTPErrorExt(w, r, http.StatusServiceUnavailable, domain.EUNAVAILABLE, graph.UnavailableMessage,
		map[string]any{"retryAfter": graph.OutageRetryAfter})
}
