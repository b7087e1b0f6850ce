package httpapi

import (
	"net/http"
	"time"

	"github.com/tiendo-vn/tiendo/graph"
)

// Timeout bounds a request's context: its deadline is d after the request
// reached the router (or Timeout, served without NewRouter), and the
// context is cancelled when next returns. The timer behind the deadline
// starts only when something waits on the context (graph.Bound), and a
// request that carries its graph.Request (NewRouter's do) keeps the bound
// there, so the request is not copied for it.
func Timeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, bound := graph.WithBound(r.Context(), arrival(r.Context()).Add(d))
		defer bound.End()
		if ctx != r.Context() {
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}
