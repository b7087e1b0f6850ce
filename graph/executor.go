package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tiendo-vn/tiendo/domain"
)

// Limits bound what one operation may ask for.
type Limits struct {
	Complexity int // the most a query may cost (default 5000)
	Depth      int // the deepest a selection may nest (default 12)
	// PlainExecutor answers every field through gqlgen's executor, without
	// the rankings' and series' own writer (rootWriter); tests compare the two.
	PlainExecutor bool
	// Extensions are more gqlgen extensions (metrics, read routing), used
	// after the limits.
	Extensions []graphql.HandlerExtension
	// Trusted are documents known as persisted queries from the start (the
	// portal's: portal.Queries), so that a GET naming one by its hash alone
	// is answered the first time.
	Trusted []string
}

// Executor runs GraphQL operations over the schema, whatever carries them
// (httpapi serves it over HTTP): a parsed-query cache, automatic persisted
// queries, limits on the document (DocLimits, before validation), on its
// cost and depth (queryLimits, after), the rankings' and series' own
// writer, and one error presenter.
type Executor struct {
	*executor.Executor
	// Queries is the parsed-query cache: a document it holds costs no
	// parsing nor validation.
	Queries graphql.Cache[*ast.QueryDocument]
	// Health notices the database's outages (nil without a database).
	Health *DBHealth
	schema *ast.Schema
}

// NewExecutor returns the executor of r's schema under lim.
func NewExecutor(r *Resolver, lim Limits) *Executor {
	if lim.Complexity == 0 {
		lim.Complexity = 5000
	}
	if lim.Depth == 0 {
		lim.Depth = 12
	}
	es := NewExecutableSchema(Config{Resolvers: r})
	exec := executor.New(es)
	if !lim.PlainExecutor {
		exec.AroundRootFields(rootWriter{es.(*executableSchema), r}.rootField)
		exec.AroundFields(resolvedField)
	}
	queries := lru.New[*ast.QueryDocument](1000)
	exec.SetQueryCache(queries)
	// docLimits counts tokens first; the parser's own limit is a backstop.
	exec.SetParserTokenLimit(DefaultDocLimits.Tokens)
	exec.Use(extension.Introspection{})
	logger := r.Logger
	if logger == nil {
		logger = slog.Default()
	}
	apq := newAPQCache(r.DB, logger, lim.Trusted)
	exec.Use(extension.AutomaticPersistedQuery{Cache: apq})
	exec.Use(docLimits{DocLimits: DefaultDocLimits, cache: queries}) // after the persisted query is known
	exec.Use(queryLimits{model: newCostModel(es.Schema()), maxCost: lim.Complexity, maxDepth: lim.Depth})
	exec.Use(apqStore{apq}) // a registered document passed all of the above
	exec.Use(trackedRoots{})
	for _, e := range lim.Extensions {
		exec.Use(e)
	}
	health := r.Health
	if health == nil && r.DB != nil {
		health = NewDBHealth(r.DB, logger)
	}
	exec.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, logger, health, err)
	})
	exec.SetRecoverFunc(func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p))
		return errors.New("internal panic")
	})
	return &Executor{Executor: exec, Queries: queries, Health: health, schema: es.Schema()}
}

// CheckInputs checks an operation's arguments and variables, stricter than
// their coercion and saying what was wrong (nil: nothing is).
func (e *Executor) CheckInputs(oc *graphql.OperationContext, params *graphql.RawParams) *gqlerror.Error {
	if oc == nil || oc.Doc == nil || oc.Operation == nil {
		return nil
	}
	if bad := checkInputs(e.schema, oc.Doc, oc.Operation, params.Query, params.Variables); bad != nil {
		return gqlerror.WrapPath(nil, bad)
	}
	return nil
}

// RequestErrors are the errors of a request that did not run, as the
// client sees them: enum literals named as the query wrote them, and
// bounded in number (BoundErrors).
func (e *Executor) RequestErrors(query string, errs gqlerror.List) gqlerror.List {
	nameEnumLiterals(e.schema, query, errs)
	return BoundErrors(errs)
}

// presentError maps every error to the contract's extensions.code and hides
// internal details, which are logged instead. An error that says the
// database cannot be reached is UNAVAILABLE, logged once per outage by
// health (nil: no database), not once per request.
func presentError(ctx context.Context, logger *slog.Logger, health *DBHealth, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	var de *domain.Error
	switch {
	case health.Failed(ctx, err):
		gqlErr.Message = UnavailableMessage
		setCode(gqlErr, domain.EUNAVAILABLE)
		gqlErr.Extensions["retryAfter"] = OutageRetryAfter
	case errors.As(err, &de):
		gqlErr.Message = de.Error()
		setCode(gqlErr, de.Code)
		if de.Field != "" {
			gqlErr.Extensions["field"] = de.Field
		}
	case gqlErr.Extensions != nil && gqlErr.Extensions["code"] == "COMPLEXITY_LIMIT_EXCEEDED":
		setCode(gqlErr, domain.ETOOCOMPLEX)
	case gqlErr.Extensions != nil && (gqlErr.Extensions["code"] == errcode.ValidationFailed || gqlErr.Extensions["code"] == errcode.ParseFailed):
		setCode(gqlErr, domain.EINVALID)
	case errors.Is(err, context.DeadlineExceeded):
		gqlErr.Message = "the request took too long"
		setCode(gqlErr, domain.ETOOCOMPLEX)
	default:
		var inner *gqlerror.Error
		if errors.As(err, &inner) && inner.Err == nil && inner.Extensions != nil && inner.Extensions["code"] != nil {
			break // gqlgen's own input errors (bad arguments, unknown fields)
		}
		if errors.As(err, &inner) && inner.Err == nil && inner.Rule != "" {
			setCode(gqlErr, domain.EINVALID)
			break
		}
		if errors.As(err, &inner) && inner.Err == nil {
			// gqlgen's own errors about the request (argument coercion,
			// a body that is not JSON, …) wrap no other error.
			if msg, _, cut := strings.Cut(gqlErr.Message, " body:"); cut {
				gqlErr.Message = msg // do not echo the body back
			}
			setCode(gqlErr, domain.EINVALID)
			break
		}
		logger.ErrorContext(ctx, "internal error", "err", err, "path", gqlErr.Path.String(), "request_id", RequestID(ctx))
		gqlErr.Message = "internal error"
		if id := RequestID(ctx); id != "" {
			gqlErr.Message = "internal error (request " + id + ")"
		}
		setCode(gqlErr, domain.EINTERNAL)
	}
	if gqlErr.Extensions == nil || gqlErr.Extensions["code"] == nil {
		setCode(gqlErr, domain.EINVALID)
	}
	if id := RequestID(ctx); id != "" {
		gqlErr.Extensions["requestId"] = id
	}
	return gqlErr
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}
