package httpapi

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tiendo-vn/tiendo/app"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/graph"
)

// readRouting is a gqlgen extension that sends queries' reads to the
// replicas and keeps writers reading their own writes: after a mutation it
// notes the primary's WAL position for the token (and returns it as the
// response extension writeLSN); that token's next queries read a replica
// only once it has replayed that position (bounded wait, else the
// primary). A client that writes through one server and reads through
// another sends the position back in the Tiendo-Min-LSN header.
//
// A write is acknowledged before the figures it changed are refreshed
// (app/figures.go): the token's next queries, on any server, first wait,
// bounded, for those refreshes (the notes of figures due name the token),
// then read at the primary's position after them; with replicas, a token's
// query reads at least at the primary's position as it starts, so that a
// refresh committed a moment ago through another server is in it. If the
// wait ends first, the answer says so (extension ownWritesPending).
type readRouting struct {
	store   *db.DB
	app     *app.App
	written *lru.Cache[int64, db.LSN] // token id → its last write's position (per server)
}

func newReadRouting(store *db.DB, uses *app.App) readRouting {
	c, _ := lru.New[int64, db.LSN](100000)
	return readRouting{store: store, app: uses, written: c}
}

var (
	_ graphql.HandlerExtension     = readRouting{}
	_ graphql.OperationInterceptor = readRouting{}
)

func (readRouting) ExtensionName() string                   { return "ReadRouting" }
func (readRouting) Validate(graphql.ExecutableSchema) error { return nil }

func (rr readRouting) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil {
		return next(ctx)
	}
	p := graph.PrincipalFrom(ctx)
	switch oc.Operation.Operation {
	case ast.Query:
		var after db.LSN
		if h := oc.Headers.Get("Tiendo-Min-LSN"); h != "" {
			after, _ = db.ParseLSN(h)
		}
		if p == nil {
			return next(db.PinReader(db.ReadFromReplica(ctx, after)))
		}
		own := rr.app.AwaitOwnWrites(ctx, p)
		if own != app.OwnWritesNone || rr.store.Replicated() {
			// After the refreshes of its writes (through any server), or
			// those done a moment ago on a replica behind: at the primary's
			// position.
			if lsn, err := rr.store.WALPosition(ctx); err == nil {
				rr.written.Add(p.TokenID, lsn)
			}
		}
		if l, ok := rr.written.Get(p.TokenID); ok && l > after {
			after = l
		}
		rh := next(db.PinReader(db.ReadFromReplica(ctx, after)))
		if own != app.OwnWritesPending {
			return rh
		}
		return func(ctx context.Context) *graphql.Response {
			resp := rh(ctx)
			if resp != nil {
				if resp.Extensions == nil {
					resp.Extensions = map[string]any{}
				}
				resp.Extensions["ownWritesPending"] = true
			}
			return resp
		}
	case ast.Mutation:
		rh := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := rh(ctx)
			lsn, err := rr.store.WALPosition(ctx)
			if err != nil || resp == nil {
				return resp
			}
			if p != nil {
				rr.written.Add(p.TokenID, lsn)
			}
			if resp.Extensions == nil {
				resp.Extensions = map[string]any{}
			}
			resp.Extensions["writeLSN"] = lsn.String()
			return resp
		}
	}
	return next(ctx)
}
