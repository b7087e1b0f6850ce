package graph_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// sqlCount counts the statements whose SQL contains match.
type sqlCount struct {
	match string
	mu    sync.Mutex
	n     int
}

func (q *sqlCount) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.Contains(d.SQL, q.match) {
		q.mu.Lock()
		q.n++
		q.mu.Unlock()
	}
	return ctx
}

func (q *sqlCount) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (q *sqlCount) count() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

// tracedExample serves the spec's example through a store that counts the
// statements containing match.
func tracedExample(t *testing.T, match string) (*client.Client, *sqlCount) {
	t.Helper()
	store, qc := tracedStore(t, match)
	res := &graph.Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return dbtest.ExampleNow }}
	return client.New(graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{CacheBytes: -1}))), qc
}

// tracedStore opens the spec's example through a store that counts the
// statements containing match ("": every statement).
func tracedStore(t *testing.T, match string) (*db.DB, *sqlCount) {
	t.Helper()
	url := dbtest.NewURL(t)
	ctx := context.Background()
	seed, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dbtest.MustLoadExample(t, seed)
	seed.Close()
	qc := &sqlCount{match: match}
	store, err := db.Open(ctx, url, db.Options{Tracer: qc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	return store, qc
}

// TestMetricsLoadedOncePerRequest: campaigns { metrics } and quotas
// { metric } read the metrics once per request, not once per element.
func TestMetricsLoadedOncePerRequest(t *testing.T) {
	t.Parallel()
	c, qc := tracedExample(t, "FROM metrics")
	var resp struct {
		Campaigns struct {
			Edges []struct {
				Node struct {
					Metrics []struct{ Key string }
					Quotas  struct {
						Edges []struct {
							Node struct{ Metric struct{ Key string } }
						}
					}
				}
			}
		}
	}
	c.MustPost(`{ campaigns { edges { node { metrics { key } quotas(first: 20) { edges { node { metric { key } } } } } } } }`, &resp)
	quotas := 0
	for _, e := range resp.Campaigns.Edges {
		quotas += len(e.Node.Quotas.Edges)
	}
	if quotas < 2 {
		t.Fatalf("the example has %d quotas; the test needs several", quotas)
	}
	if n := qc.count(); n > 1 {
		t.Errorf("one request read the metrics %d times (%d quotas), want once", n, quotas)
	}
}
