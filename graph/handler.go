package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tiendo-vn/tiendo/domain"
)

// Limits bound what one request may ask for.
type Limits struct {
	Complexity int // the most a query may cost (default 5000)
	Depth      int // the deepest a selection may nest (default 12)
}

// NewHandler returns the GraphQL endpoint: GET, POST and OPTIONS transports, a
// parsed-query cache, automatic persisted queries, complexity and depth
// limits, and one error presenter; behind bearer-token authentication
// (AuthMiddleware) and a guard that keeps mutations off GET (httpGuard).
func NewHandler(r *Resolver, lim Limits) http.Handler {
	if lim.Complexity == 0 {
		lim.Complexity = 5000
	}
	if lim.Depth == 0 {
		lim.Depth = 12
	}
	cfg := Config{Resolvers: r}
	setComplexity(&cfg.Complexity)
	srv := handler.New(NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(extension.FixedComplexityLimit(lim.Complexity))
	srv.Use(depthLimit{max: lim.Depth})
	logger := r.Logger
	if logger == nil {
		logger = slog.Default()
	}
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, logger, err)
	})
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p))
		return errors.New("internal panic")
	})
	var h http.Handler = srv
	if r.DB != nil {
		h = AuthMiddleware(r.DB, h)
	}
	return httpGuard(h)
}

// presentError maps every error to the contract's extensions.code and hides
// internal details, which are logged instead.
func presentError(ctx context.Context, logger *slog.Logger, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	var de *domain.Error
	switch {
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

type requestIDKey struct{}

// WithRequestID stores the request id errors carry.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id, if any.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// depthLimit rejects operations that nest deeper than max.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (d depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (d depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Doc.Operations.ForName(oc.OperationName)
	if op == nil {
		return nil
	}
	if depth := selectionDepth(op.SelectionSet, oc.Doc.Fragments, 0); depth > d.max {
		err := gqlerror.Errorf("operation nests %d levels deep, which exceeds the limit of %d", depth, d.max)
		err.Extensions = map[string]any{"code": domain.ETOOCOMPLEX, "depth": depth, "limit": d.max}
		return err
	}
	return nil
}

func selectionDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, seen int) int {
	if seen > 64 {
		return seen
	}
	deepest := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.SelectionSet) == 0 {
				d = 1
			} else {
				d = 1 + selectionDepth(s.SelectionSet, frags, seen+1)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, frags, seen+1)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				d = selectionDepth(f.SelectionSet, frags, seen+1)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// pageCost is what a connection field costs: its page size times what each
// node costs, plus one.
func pageCost(child int, first *int, def int) int {
	n := def
	if first != nil && *first >= 0 {
		n = *first
	}
	return 1 + n*max(child, 1)
}

func setComplexity(c *ComplexityRoot) {
	c.Query.Units = func(child int, _ *string, _ *domain.UnitKind, _ *string, _ *domain.Date, first *int, _ *string) int {
		return pageCost(child, first, 50)
	}
	c.Query.Campaigns = func(child int, first *int, _ *string) int { return pageCost(child, first, 50) }
	c.Query.Progress = func(child int, _, _, _ string, _, _ *domain.Date, first *int, _ *string) int {
		return pageCost(child, first, 100)
	}
	c.Unit.Children = func(child int, _ *domain.UnitKind, _ *domain.Date, first *int, _ *string) int {
		return pageCost(child, first, 50)
	}
	c.Campaign.Quotas = func(child int, _ *string, _ *string, _ *domain.Date, first *int, _ *string) int {
		return pageCost(child, first, 50)
	}
	c.Campaign.QuotaHistory = func(child int, _ string, _ *string, first *int, _ *string) int {
		return pageCost(child, first, 50)
	}
	c.Query.AuditLog = func(child int, first *int, _ *string) int { return pageCost(child, first, 50) }
}

// Timeout bounds a request's context.
func Timeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
