package telemetry

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.39.0"
	"go.opentelemetry.io/otel/trace"
)

// TracingEnabled reports whether the standard OTLP environment asks for
// traces (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
// OTEL_SDK_DISABLED=true turns them off).
func TracingEnabled() bool {
	if strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") {
		return false
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// SetupTracing installs an OTLP/HTTP trace exporter configured by the
// standard OTEL_* environment when TracingEnabled, and W3C trace-context
// propagation; shutdown flushes what is pending. Off, it installs nothing
// and tracing costs a no-op span per request.
func SetupTracing(ctx context.Context, version string) (shutdown func(context.Context) error, err error) {
	otel.SetTextMapPropagator(propagation.TraceContext{})
	if !TracingEnabled() {
		return func(context.Context) error { return nil }, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, err
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(
		semconv.ServiceName("tiendo"), semconv.ServiceVersion(version)))
	if err != nil {
		return nil, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	tracing.Store(true)
	return tp.Shutdown, nil
}

// GraphQL is a gqlgen extension that names the operation for the metrics
// (SetOperation) and gives each root field a span.
type GraphQL struct{}

var (
	_ graphql.HandlerExtension     = GraphQL{}
	_ graphql.OperationInterceptor = GraphQL{}
	_ graphql.RootFieldInterceptor = GraphQL{}
)

func (GraphQL) ExtensionName() string                   { return "Telemetry" }
func (GraphQL) Validate(graphql.ExecutableSchema) error { return nil }
func (GraphQL) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil {
		SetOperation(ctx, OperationLabel(oc.Operation))
	}
	return next(ctx)
}

// OperationLabel is an operation's metrics label: its first root field
// (a schema name, so the labels stay few), "mutation:" or "subscription:"
// before one that is not a query.
func OperationLabel(op *ast.OperationDefinition) string {
	name := "-"
	for _, s := range op.SelectionSet {
		if f, ok := s.(*ast.Field); ok {
			name = f.Name
			break
		}
	}
	if op.Operation != ast.Query && op.Operation != "" {
		name = string(op.Operation) + ":" + name
	}
	return name
}

func (GraphQL) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return next(ctx)
	}
	name := "field"
	if rf := graphql.GetRootFieldContext(ctx); rf != nil {
		name = rf.Object + "." + rf.Field.Name
	}
	ctx, span := tracer().Start(ctx, name, trace.WithAttributes(attribute.String("graphql.field", name)))
	defer span.End()
	return next(ctx)
}

// PGX is a pgx tracer: every statement's duration in the
// db_query_duration_seconds histogram (labelled with its pool), and a
// client span under the request's span when tracing is on. Statements are
// the server's own SQL; their arguments are not recorded.
type PGX struct{ Pool string }

type pgxStartKey struct{}

type pgxStart struct {
	at   time.Time
	span trace.Span
}

var (
	_ pgx.QueryTracer    = PGX{}
	_ pgx.CopyFromTracer = PGX{}
	_ pgx.BatchTracer    = PGX{}
)

func (p PGX) start(ctx context.Context, name, stmt string) context.Context {
	st := &pgxStart{at: time.Now()}
	if trace.SpanFromContext(ctx).IsRecording() {
		if len(stmt) > 2000 {
			stmt = stmt[:2000]
		}
		ctx, st.span = tracer().Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("db.system.name", "postgresql"), attribute.String("db.query.text", stmt),
				attribute.String("db.pool", p.Pool)))
	}
	return context.WithValue(ctx, pgxStartKey{}, st)
}

func (p PGX) end(ctx context.Context, err error) {
	st, ok := ctx.Value(pgxStartKey{}).(*pgxStart)
	if !ok {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	queryObserver(p.Pool, outcome).Observe(time.Since(st.at).Seconds())
	if st.span != nil {
		if err != nil {
			st.span.SetStatus(codes.Error, err.Error())
		}
		st.span.End()
	}
}

var queryObservers known[[2]string, prometheus.Observer]

func queryObserver(pool, outcome string) prometheus.Observer {
	return queryObservers.get([2]string{pool, outcome}, func(k [2]string) prometheus.Observer { return queries.WithLabelValues(k[0], k[1]) })
}

func (p PGX) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	return p.start(ctx, "SQL", d.SQL)
}

func (p PGX) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	p.end(ctx, d.Err)
}

// TraceBatchStart: a batch (a ranking's read: its rows and the day's ranks
// in one round trip) is one statement here, its text the batch's.
func (p PGX) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	var text []string
	if trace.SpanFromContext(ctx).IsRecording() && d.Batch != nil {
		for _, q := range d.Batch.QueuedQueries {
			text = append(text, q.SQL)
		}
	}
	return p.start(ctx, "SQL", strings.Join(text, ";\n"))
}

func (PGX) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (p PGX) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchEndData) {
	p.end(ctx, d.Err)
}

func (p PGX) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromStartData) context.Context {
	return p.start(ctx, "COPY "+strings.Join(d.TableName, "."), "COPY "+strings.Join(d.TableName, "."))
}

func (p PGX) TraceCopyFromEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromEndData) {
	p.end(ctx, d.Err)
}
