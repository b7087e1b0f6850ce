package graph

import (
	"context"
	"io"
	"math"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tiendo-vn/tiendo/domain"
)

// Rankings and series are the API's hottest reads: a page of up to 100 rows
// of some twenty fields each. gqlgen's executor answers every field through
// its general machinery (a context, a field context and a marshaler per
// field, a goroutine per list element), about a millisecond of CPU for the
// 63 provinces. rootWriter answers the ranking and progress root fields
// instead: it runs the same resolver (so the same arguments, checks and
// data) and writes the JSON of the selection directly, byte for byte what
// the executor writes (TestWriterMatchesExecutor compares them). It is not a
// cache: every request runs the resolver against the current figures. A
// selection it does not know (a unit's parent, ancestors or children, which
// need their own resolvers) goes to the executor.

// writerSelectable is, for each type a ranking's or a series' selection can
// reach, its fields the writer answers, and the type of those that are
// objects.
var writerSelectable = map[string]map[string]string{
	"ProgressConnection": {"edges": "ProgressEdge", "pageInfo": "PageInfo", "totalCount": "", "columns": "ProgressColumns"},
	"ProgressEdge":       {"cursor": "", "node": "ProgressPoint"},
	"ProgressPoint": {"date": "", "figure": "", "quota": "", "rate": "", "source": "", "staleDays": "", "delta": "", "band": "",
		"pace7d": "", "requiredPace": "", "projectedCompletion": "", "atRisk": "", "coverage": "Coverage", "revisionCount": "",
		"corrected": "", "figureText": "", "quotaText": "", "rateText": "", "outcome": "", "rulesVersion": ""},
	"ProgressColumns":   {"dates": "", "figures": "", "quotas": "", "rates": "", "sources": "", "deltas": ""},
	"RankingConnection": {"edges": "RankingEdge", "pageInfo": "PageInfo", "totalCount": "", "date": "", "bandCounts": "BandCount"},
	"RankingEdge":       {"cursor": "", "node": "RankingRow"},
	"RankingRow": {"rank": "", "rankChange": "", "unit": "Unit", "figure": "", "quota": "", "quotaOwn": "", "rate": "", "band": "",
		"delta": "", "delta7": "", "pace7d": "", "requiredPace": "", "projectedCompletion": "", "atRisk": "", "source": "",
		"staleDays": "", "coverage": "Coverage", "figureText": "", "quotaText": "", "rateText": "", "outcome": "", "rulesVersion": ""},
	"Unit":      {"id": "", "code": "", "name": "", "fullName": "", "nameEn": "", "kind": "", "validFrom": "", "validTo": ""},
	"PageInfo":  {"hasNextPage": "", "hasPreviousPage": "", "startCursor": "", "endCursor": ""},
	"BandCount": {"band": "Band", "count": ""},
	"Band":      {"key": "", "min": "", "labelVi": "", "labelEn": ""},
	"Coverage":  {"onTime": "", "late": "", "missing": "", "total": ""},
}

// writerAnswers counts the root fields the writer answered (for tests).
var writerAnswers atomic.Int64

// rootWriter is a RootResolverMiddleware for the ranking and progress fields.
type rootWriter struct {
	es *executableSchema
	r  *Resolver
}

func (rw rootWriter) rootField(ctx context.Context, next graphql.RootResolver) (m graphql.Marshaler) {
	// The executor recovers from a resolver's panic inside next, not
	// here: if anything here panics, let the executor answer (and report).
	defer func() {
		if p := recover(); p != nil {
			m = next(ctx)
		}
	}()
	rf := graphql.GetRootFieldContext(ctx)
	if rf == nil || rf.Field.Field == nil || rf.Field.ObjectDefinition == nil || rf.Field.ObjectDefinition.Name != "Query" {
		return next(ctx)
	}
	var typ string
	switch rf.Field.Name {
	case "ranking":
		typ = "RankingConnection"
	case "progress":
		typ = "ProgressConnection"
	default:
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query || !selectable(oc, rf.Field.Selections, typ) {
		return next(ctx)
	}
	ec := newExecutionContext(oc, rw.es, nil)
	raw := rf.Field.ArgumentMap(oc.Variables)
	var v any
	var rows int
	if typ == "RankingConnection" {
		args, err := ec.field_Query_ranking_args(ctx, raw)
		if err != nil {
			return next(ctx) // the executor reports it
		}
		conn, err := rw.r.Query().Ranking(ctx, args["campaign"].(string), args["metric"].(string), args["date"].(*domain.Date),
			args["scopeCode"].(*string), args["level"].(domain.UnitKind), args["first"].(*int), args["after"].(*string), args["map"].(*ReformMap))
		if err != nil || !writableRanking(conn) {
			return next(withResolved(ctx, rf.Field.Field, conn, err))
		}
		v, rows = conn, len(conn.Edges)
	} else {
		args, err := ec.field_Query_progress_args(ctx, raw)
		if err != nil {
			return next(ctx)
		}
		conn, err := rw.r.Query().Progress(ctx, args["campaign"].(string), args["unitCode"].(string), args["metric"].(string),
			args["from"].(*domain.Date), args["to"].(*domain.Date), args["first"].(*int), args["after"].(*string), args["map"].(*ReformMap))
		if err != nil || !writableProgress(conn) {
			return next(withResolved(ctx, rf.Field.Field, conn, err))
		}
		v, rows = conn, len(conn.Edges)
	}
	b := compile(oc, rf.Field.Selections, typ).write(make([]byte, 0, 256+rows*256), v)
	writerAnswers.Add(1)
	return graphql.WriterFunc(func(w io.Writer) { w.Write(b) })
}

// resolved is a root field's answer the writer got from its resolver but
// leaves to the executor to write: the executor takes it (resolvedField)
// rather than run the resolver a second time.
type resolved struct {
	field *ast.Field
	res   any
	err   error
	taken atomic.Bool
}

type resolvedKey struct{}

func withResolved[T any](ctx context.Context, f *ast.Field, res *T, err error) context.Context {
	r := &resolved{field: f, err: err}
	if res != nil {
		r.res = res // a nil *T stays a nil any, as the executor expects
	}
	return context.WithValue(ctx, resolvedKey{}, r)
}

// resolvedField is a field middleware: the root field the writer handed
// over is answered with what its resolver returned, once; every other
// field runs its resolver.
func resolvedField(ctx context.Context, next graphql.Resolver) (any, error) {
	if r, ok := ctx.Value(resolvedKey{}).(*resolved); ok {
		if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field == r.field && r.taken.CompareAndSwap(false, true) {
			return r.res, r.err
		}
	}
	return next(ctx)
}

// selectable reports whether the writer answers every field of a selection
// on type typ.
func selectable(oc *graphql.OperationContext, sel ast.SelectionSet, typ string) bool {
	fields := writerSelectable[typ]
	for _, f := range graphql.CollectFields(oc, sel, []string{typ}) {
		if f.Name == "__typename" {
			continue
		}
		child, ok := fields[f.Name]
		if !ok || len(f.Directives) > 0 && hasCustomDirective(f.Directives) {
			return false
		}
		if child != "" && !selectable(oc, f.Selections, child) {
			return false
		}
	}
	return true
}

// hasCustomDirective: @skip and @include are applied by CollectFields; any
// other directive goes to the executor.
func hasCustomDirective(ds ast.DirectiveList) bool {
	for _, d := range ds {
		if d.Name != "skip" && d.Name != "include" {
			return true
		}
	}
	return false
}

func finite(f *float64) bool { return f == nil || !math.IsInf(*f, 0) && !math.IsNaN(*f) }

// writableProgress reports whether every value can be written as the
// executor would: non-null fields present, floats finite (the executor
// turns anything else into an error, which it should report).
func writableProgress(c *ProgressConnection) bool {
	if c == nil || c.PageInfo == nil || c.Columns == nil {
		return false
	}
	for _, e := range c.Edges {
		if e == nil || e.Node == nil || e.Node.Coverage == nil {
			return false
		}
		n := e.Node
		if !finite(n.Rate) || !finite(n.Pace7d) || !finite(n.RequiredPace) {
			return false
		}
	}
	for i := range c.Columns.Rates {
		if !finite(c.Columns.Rates[i]) {
			return false
		}
	}
	return true
}

// writableRanking is writableProgress for a ranking.
func writableRanking(c *RankingConnection) bool {
	if c == nil || c.PageInfo == nil {
		return false
	}
	for _, e := range c.Edges {
		if e == nil || e.Node == nil || e.Node.RankRow == nil || e.Node.Unit == nil {
			return false
		}
		n := e.Node
		if !finite(n.Rate) || !finite(n.Pace7d) || !finite(n.RequiredPace) {
			return false
		}
	}
	for _, b := range c.BandCounts {
		if b == nil || b.Band != nil && !finite(&b.Band.Min) {
			return false
		}
	}
	return true
}
