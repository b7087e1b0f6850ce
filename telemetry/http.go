package telemetry

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// tracer is this module's OpenTelemetry tracer (a no-op until SetupTracing
// installs a provider).
func tracer() trace.Tracer { return otel.Tracer("github.com/tiendo-vn/tiendo") }

// OperationKey is the context key of a request's *Operation. A context
// value that holds the rest of a request's state may answer it too
// (graph.Request does), so that HTTP adds no context value of its own.
type OperationKey struct{}

// Operation is where the GraphQL layer names the request's operation for
// the HTTP layer's metrics.
type Operation struct{ name string }

// SetOperation names the request's GraphQL operation (its first root
// field, "mutation:" before a mutation's): the label of its metrics.
func SetOperation(ctx context.Context, name string) {
	if op, ok := ctx.Value(OperationKey{}).(*Operation); ok && op != nil && op.name == "" {
		op.name = name
	}
}

// HTTP measures every request of a route: a count by status and operation,
// a latency histogram, and a server span (continuing the caller's trace
// when a traceparent header comes with it).
func HTTP(route string, next http.Handler) http.Handler {
	series := &routeSeries{route: route}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx := r.Context()
		var span trace.Span
		if tracing.Load() {
			ctx = otel.GetTextMapPropagator().Extract(ctx, propagation.HeaderCarrier(r.Header))
			ctx, span = tracer().Start(ctx, r.Method+" "+route, trace.WithSpanKind(trace.SpanKindServer),
				trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("http.route", route)))
		}
		// The request's operation: the slot its context holds already, or
		// a value of its own.
		op, _ := ctx.Value(OperationKey{}).(*Operation)
		if op != nil {
			op.name = ""
		} else {
			op = &Operation{}
			ctx = context.WithValue(ctx, OperationKey{}, op)
		}
		if ctx != r.Context() {
			r = r.WithContext(ctx)
		}
		sw := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			name := op.name
			if name == "" {
				name = "-"
			}
			m := series.of(name, sw.status)
			m.count.Inc()
			m.latency.Observe(time.Since(start).Seconds())
			if span != nil {
				span.SetAttributes(attribute.Int("http.response.status_code", sw.status), attribute.String("graphql.operation", name))
				span.End()
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// routeSeries is a route's metrics by operation and status (see known).
type routeSeries struct {
	route string
	known known[seriesKey, seriesOf]
}

type seriesKey struct {
	operation string
	status    int
}

type seriesOf struct {
	count   prometheus.Counter
	latency prometheus.Observer
}

func (s *routeSeries) of(operation string, status int) seriesOf {
	return s.known.get(seriesKey{operation, status}, func(k seriesKey) seriesOf {
		return seriesOf{requests.WithLabelValues(s.route, k.operation, statusText(k.status)), latency.WithLabelValues(s.route, k.operation)}
	})
}

// tracing is on once SetupTracing installed an exporter: without one, a
// request skips the propagator and the span (a no-op span still costs its
// allocations on every request, and the garbage collector's pauses are
// the tail of a trivial query's latency).
var tracing atomic.Bool

type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wroteHeader = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes, deadlines).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
