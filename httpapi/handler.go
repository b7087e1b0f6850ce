// Package httpapi serves the GraphQL API over HTTP: the GraphQL-over-HTTP
// transport around graph's executor, and the middleware of every route
// (bearer-token authentication, rate limits, the response cache, request
// ids, timeouts, CORS, compression, body limits, the access log), and the
// routes of the process (NewRouter). graph knows nothing of HTTP; it reads
// what this package puts in the request's context (the principal, the
// request id, the rate meter).
package httpapi

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"runtime"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tiendo-vn/tiendo/graph"
)

// Limits bound what one request may ask for, and how often a client may ask.
type Limits struct {
	Complexity int       // the most a query may cost (default 5000)
	Depth      int       // the deepest a selection may nest (default 12)
	Rate       RateLimit // requests per client (the zero value: no limit)
	// CacheBytes bounds the response cache (see responseCache): 0 means
	// 64 MiB, a negative value turns it off.
	CacheBytes int
	// PlainExecutor answers every field through gqlgen's executor, without
	// the rankings' and series' own writer; tests compare the two.
	PlainExecutor bool
	// Extensions are more gqlgen extensions (metrics, read routing).
	Extensions []graphql.HandlerExtension
	// Trusted are documents known as persisted queries from the start (see
	// graph.Limits); NewRouter adds the portal's.
	Trusted []string
}

// NewHandler returns the GraphQL endpoint: GraphQL over HTTP (GET for
// queries, POST for anything, OPTIONS; see httpTransport) around graph's
// executor (graph.NewExecutor: the query cache, persisted queries, document
// and cost limits, the error presenter); behind bearer-token
// authentication (authMiddleware), per-client rate limiting (RateLimit),
// the response cache, and a guard that keeps mutations off GET (httpGuard).
func NewHandler(r *graph.Resolver, lim Limits) http.Handler {
	exec := graph.NewExecutor(r, graph.Limits{Complexity: lim.Complexity, Depth: lim.Depth, PlainExecutor: lim.PlainExecutor, Extensions: lim.Extensions, Trusted: lim.Trusted})
	srv := &server{exec: exec, transports: []graphql.Transport{
		transport.Options{},
		httpTransport{exec: exec, admit: newAdmission()},
	}}
	h := httpGuard(srv)
	health := exec.Health
	if r.DB != nil && lim.CacheBytes >= 0 {
		c := newResponseCache(r.DB.Snapshot, cmp.Or(lim.CacheBytes, 64<<20))
		c.health = health
		if r.Live != nil {
			c.versions = r.Live
		}
		if r.Now != nil {
			c.now = r.Now
		}
		h = c.middleware(h)
	}
	limiter := newRateLimiter(lim.Rate)
	if limiter != nil {
		h = limiter.middleware(h)
	}
	if r.DB != nil {
		h = authMiddleware(r.DB, limiter, health, h)
	}
	return withRequestStart(h)
}

// server hands a request to the first transport that supports it, as
// gqlgen's handler.Server does.
type server struct {
	exec       *graph.Executor
	transports []graphql.Transport
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			gqlErr, _ := s.exec.PresentRecoveredError(r.Context(), p).(*gqlerror.Error)
			b, _ := json.Marshal(&graphql.Response{Errors: []*gqlerror.Error{gqlErr}})
			w.WriteHeader(http.StatusInternalServerError)
			w.Write(b)
		}
	}()
	r = r.WithContext(graphql.StartOperationTrace(r.Context()))
	for _, t := range s.transports {
		if t.Supports(r) {
			t.Do(w, r, s.exec)
			return
		}
	}
	w.WriteHeader(http.StatusBadRequest)
	b, _ := json.Marshal(&graphql.Response{Errors: []*gqlerror.Error{{Message: "transport not supported"}}})
	w.Write(b)
}

// admission lets a bounded number of requests at a time read a large body
// or parse and validate a document the query cache does not hold: one less
// than the CPUs (at least one), so a CPU is always left for the requests
// the cache answers, whatever arrives.
type admission chan struct{}

// largeBody is the body size above which reading it needs an admission.
const largeBody = 16 << 10

func newAdmission() admission { return make(admission, max(1, runtime.GOMAXPROCS(0)-1)) }

// enter waits for an admission; false when ctx ends first.
func (a admission) enter(ctx context.Context) bool {
	select {
	case a <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (a admission) leave() { <-a }
