package graph

import (
	"context"
	"io"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Rankings and series are the API's hottest reads: a page of up to 100 rows
// of some twenty fields each. gqlgen's executor answers every field through
// its general machinery (a context, a field context and a marshaler per
// field, a goroutine per list element), about a millisecond of CPU for the
// 63 provinces. rootWriter answers the ranking and progress root fields
// instead: it runs the same resolver (so the same arguments, checks and
// data) and writes the JSON of the selection directly, byte for byte what
// the executor writes (TestWriterMatchesExecutor compares them). It is not a
// cache: every request runs the resolver against the current figures.
//
// The writer is generated with gqlgen's code (go generate ./...: the root
// fields are named in generate.go) from gqlgen's own binding of each field
// to its Go field or method: fastpath_write_gen.go. A selection of a field
// it leaves to the executor (writerFallback: a unit's parent, ancestors or
// children, which need their own resolvers, ...) sends the root field
// there, as does a value the executor would refuse (a null where the
// schema says non-null, a float that is not finite), which the executor
// then reports.

// writerAnswers counts the root fields the writer answered (for tests).
var writerAnswers atomic.Int64

// writerSizes are, per root type, the length of the last answer written:
// the next one's buffer starts that large.
var writerSizes [len(writerTypeNames)]atomic.Int64

// rootWriter is a RootResolverMiddleware for the ranking and progress fields.
type rootWriter struct {
	es *executableSchema
	r  *Resolver
}

func (rw rootWriter) rootField(ctx context.Context, next graphql.RootResolver) (m graphql.Marshaler) {
	// The executor recovers from a resolver's panic inside next, not
	// here: if anything here panics, let the executor answer (and report),
	// with the resolver's answer if it has one (a value it cannot write
	// either, such as a nil embedded pointer).
	var field *ast.Field
	var res any
	var err error
	defer func() {
		if p := recover(); p != nil {
			if res != nil || err != nil {
				ctx = withResolved(ctx, field, res, err)
			}
			m = next(ctx)
		}
	}()
	rf := graphql.GetRootFieldContext(ctx)
	if rf == nil || rf.Field.Field == nil || rf.Field.ObjectDefinition == nil || rf.Field.ObjectDefinition.Name != "Query" {
		return next(ctx)
	}
	typ := writerRootType(rf.Field.Name)
	if typ == wtNone {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return next(ctx)
	}
	ec := newExecutionContext(oc, rw.es, nil)
	p, ok := compile(ctx, ec, rf.Field.Selections, typ)
	if !ok {
		return next(ctx)
	}
	field = rf.Field.Field
	res, ok, err = writerResolve(ctx, ec, rw.r, rf.Field.Name, rf.Field.ArgumentMap(oc.Variables))
	if !ok {
		return next(ctx) // the executor reports the arguments' error
	}
	if err != nil || res == nil {
		return next(withResolved(ctx, field, res, err))
	}
	hint := &writerSizes[typ]
	b, ok := writeObject(make([]byte, 0, hint.Load()+512), p, res)
	if !ok {
		return next(withResolved(ctx, field, res, err))
	}
	hint.Store(int64(len(b)))
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

func withResolved(ctx context.Context, f *ast.Field, res any, err error) context.Context {
	return context.WithValue(ctx, resolvedKey{}, &resolved{field: f, res: res, err: err})
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
