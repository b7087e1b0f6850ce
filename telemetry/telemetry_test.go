package telemetry

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func TestHTTPCountsByOperationAndStatus(t *testing.T) {
	h := HTTP("graphql", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if op := r.URL.Query().Get("op"); op != "" {
			SetOperation(r.Context(), op)
			SetOperation(r.Context(), "ignored: the first name stays")
		}
		if r.URL.Query().Get("fail") != "" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		io.WriteString(w, "{}")
	}))
	before := testutil.ToFloat64(requests.WithLabelValues("graphql", "ranking", "200"))
	for _, u := range []string{"/?op=ranking", "/?op=ranking", "/?op=ranking&fail=1", "/"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", u, nil))
	}
	if got := testutil.ToFloat64(requests.WithLabelValues("graphql", "ranking", "200")) - before; got != 2 {
		t.Errorf("ranking 200 counted %v times, want 2", got)
	}
	if got := testutil.ToFloat64(requests.WithLabelValues("graphql", "ranking", "503")); got < 1 {
		t.Errorf("ranking 503 counted %v times", got)
	}
	if got := testutil.ToFloat64(requests.WithLabelValues("graphql", "-", "200")); got < 1 {
		t.Errorf("a request with no operation counted %v times under -", got)
	}
}

func TestOperationLabel(t *testing.T) {
	for q, want := range map[string]string{
		`{ ranking(campaign:"x") { totalCount } units { code } }`: "ranking",
		`query Q { __typename }`:                                  "__typename",
		`mutation M { submitReports(reports: []) { accepted } }`:  "mutation:submitReports",
		`subscription { figuresUpdated(campaign: "x") { date } }`: "subscription:figuresUpdated",
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			t.Fatal(err)
		}
		if got := OperationLabel(doc.Operations[0]); got != want {
			t.Errorf("%s: label %q, want %q", q, got, want)
		}
	}
}

func testPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = PGX{Pool: "primary"}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func TestTraceSpansHTTPToSQL(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	if _, err := SetupTracing(context.Background(), "test"); err != nil { // propagation only: no OTEL_* set
		t.Fatal(err)
	}
	tracing.Store(true) // as SetupTracing does when it installs an exporter
	t.Cleanup(func() { otel.SetTracerProvider(prev); tracing.Store(false) })
	pool := testPool(t)
	before := testutil.CollectAndCount(queries)
	h := HTTP("graphql", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		if err := pool.QueryRow(r.Context(), "select 41 + 1").Scan(&n); err != nil || n != 42 {
			t.Errorf("query: %v %d", err, n)
		}
		b := &pgx.Batch{}
		b.Queue("select 1")
		b.Queue("select 2")
		if err := pool.SendBatch(r.Context(), b).Close(); err != nil {
			t.Errorf("batch: %v", err)
		}
	}))
	req := httptest.NewRequest("POST", "/graphql", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	h.ServeHTTP(httptest.NewRecorder(), req)
	spans := rec.Ended()
	var httpSpan, sqlSpan, batchSpan sdktrace.ReadOnlySpan
	for _, s := range spans {
		switch s.Name() {
		case "POST graphql":
			httpSpan = s
		case "SQL":
			for _, a := range s.Attributes() {
				switch {
				case a.Key != "db.query.text":
				case a.Value.AsString() == "select 41 + 1":
					sqlSpan = s
				case a.Value.AsString() == "select 1;\nselect 2":
					batchSpan = s
				}
			}
		}
	}
	if httpSpan == nil || sqlSpan == nil || batchSpan == nil {
		t.Fatalf("spans %v: want an HTTP span, an SQL span and a batch's", spans)
	}
	if batchSpan.Parent().SpanID() != httpSpan.SpanContext().SpanID() {
		t.Error("the batch's span is not a child of the request's span")
	}
	if httpSpan.SpanContext().TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Error("the HTTP span does not continue the caller's trace")
	}
	if sqlSpan.Parent().SpanID() != httpSpan.SpanContext().SpanID() {
		t.Error("the SQL span is not a child of the request's span")
	}
	if testutil.CollectAndCount(queries) <= before && before == 0 {
		t.Error("no SQL duration recorded")
	}
}

func TestMetricsEndpoint(t *testing.T) {
	pool := testPool(t)
	if err := RegisterPool("test", pool); err != nil {
		t.Fatal(err)
	}
	if err := pool.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	CacheHit("response")
	CacheMiss("response")
	SetReplica("127.0.0.1:5433", 1500e6, false)
	RateLimited("address")
	rr := httptest.NewRecorder()
	Handler().ServeHTTP(rr, httptest.NewRequest("GET", "/metrics", nil))
	body := rr.Body.String()
	for _, want := range []string{
		`tiendo_db_pool_connections{pool="test"}`,
		`tiendo_cache_requests_total{layer="response",result="hit"} `,
		`tiendo_replica_lag_seconds{replica="127.0.0.1:5433"} 1.5`,
		`tiendo_replica_serving{replica="127.0.0.1:5433"} 0`,
		`tiendo_rate_limit_refusals_total{by="address"} `,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestDashboardNamesExportedMetrics keeps the committed Grafana dashboard in
// step with the metrics: every tiendo_* name it queries is one we export.
func TestDashboardNamesExportedMetrics(t *testing.T) {
	b, err := os.ReadFile("grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	pool := testPool(t)
	RegisterPool("dashboard", pool)
	CacheHit("x")
	ObserveRefresh("write", 1)
	SetPublicationLag("c", 1)
	SetReplica("r", 1, true)
	RateLimited("token")
	h := HTTP("graphql", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	pool.Exec(context.Background(), "select 1")
	mfs, err := Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, mf := range mfs {
		have[mf.GetName()] = true
		for _, suf := range []string{"_bucket", "_sum", "_count"} {
			have[mf.GetName()+suf] = true
		}
	}
	names := regexp.MustCompile(`tiendo_[a-z_]+`).FindAllString(string(b), -1)
	if len(names) < 10 {
		t.Fatalf("the dashboard names %d metrics", len(names))
	}
	for _, n := range names {
		if !have[n] {
			t.Errorf("the dashboard queries %s, which is not exported", n)
		}
	}
}
