package graph

import (
	"context"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/telemetry"
)

// Request is what the HTTP layer knows of one request and graph reads:
// its id, when it began, who it acts as, its rate meter. With the
// request's loaders and the slot where telemetry names its operation, it
// is one context value (NewRequest), which the HTTP layer's middleware
// fill in place as the request goes in, instead of each copying the
// request (http.Request.WithContext) for a context value of its own: for a
// trivial query those copies were most of the garbage.
//
// Its fields are set by the request's own goroutine before the handler
// that reads them runs, never after.
type Request struct {
	ID        string            // the request id errors and logs carry
	Arrived   time.Time         // when the request reached the server's router
	Start     time.Time         // when the API began answering (see DBHealth.Failed)
	Principal *domain.Principal // who the request acts as (nil: anonymous)
	Meter     RateMeter         // the rate limit's account (nil: no limit)

	loaders *requestLoaders      // nil until LoaderMiddleware
	op      *telemetry.Operation // the operation's metrics label (nil: none)
}

type requestKey struct{}

// requestCtx is a context carrying a Request: one allocation, for the
// request's state and its context both. own holds the slots a request
// shares with the contexts derived from it (With…), when this context is
// the request's first.
type requestCtx struct {
	context.Context
	req   Request
	bound Bound // the request's deadline, once WithBound has set it
	own   struct {
		loaders requestLoaders
		op      telemetry.Operation
	}
}

func (c *requestCtx) Value(key any) any {
	switch key.(type) {
	case requestKey:
		return c
	case telemetry.OperationKey:
		if c.req.op != nil {
			return c.req.op
		}
	}
	if c.bounded() {
		return c.bound.Value(key)
	}
	return c.Context.Value(key)
}

// bounded reports whether WithBound has set the request's deadline in
// place; until it has, the context's deadline and end are its parent's.
func (c *requestCtx) bounded() bool { return !c.bound.deadline.IsZero() }

func (c *requestCtx) Deadline() (time.Time, bool) {
	if c.bounded() {
		return c.bound.Deadline()
	}
	return c.Context.Deadline()
}

func (c *requestCtx) Done() <-chan struct{} {
	if c.bounded() {
		return c.bound.Done()
	}
	return c.Context.Done()
}

func (c *requestCtx) Err() error {
	if c.bounded() {
		return c.bound.Err()
	}
	return c.Context.Err()
}

func requestOf(ctx context.Context) *requestCtx {
	c, _ := ctx.Value(requestKey{}).(*requestCtx)
	return c
}

// NewRequest returns ctx with a Request of its own (a copy of ctx's, if
// it has one), to fill in place.
func NewRequest(ctx context.Context) (context.Context, *Request) {
	c := &requestCtx{Context: ctx}
	if p := requestOf(ctx); p != nil {
		c.req = p.req
	} else if op, ok := ctx.Value(telemetry.OperationKey{}).(*telemetry.Operation); ok && op != nil {
		c.req.op = op
	} else {
		c.req.op = &c.own.op
	}
	return c, &c.req
}

// RequestOf returns ctx's Request, nil if it has none.
func RequestOf(ctx context.Context) *Request {
	if c := requestOf(ctx); c != nil {
		return &c.req
	}
	return nil
}

// with returns ctx with a copy of its Request changed by set.
func with(ctx context.Context, set func(*Request)) context.Context {
	ctx, req := NewRequest(ctx)
	set(req)
	return ctx
}

// WithRequestID stores the request id errors carry.
func WithRequestID(ctx context.Context, id string) context.Context {
	return with(ctx, func(r *Request) { r.ID = id })
}

// RequestID returns the request id, if any.
func RequestID(ctx context.Context) string {
	if c := requestOf(ctx); c != nil {
		return c.req.ID
	}
	return ""
}

// WithRequestStart notes when a request began (see Failed).
func WithRequestStart(ctx context.Context, t time.Time) context.Context {
	return with(ctx, func(r *Request) { r.Start = t })
}

func requestStart(ctx context.Context) time.Time {
	if c := requestOf(ctx); c != nil {
		return c.req.Start
	}
	return time.Time{}
}

// WithPrincipal stores who the request acts as.
func WithPrincipal(ctx context.Context, p *domain.Principal) context.Context {
	return with(ctx, func(r *Request) { r.Principal = p })
}

// PrincipalFrom returns who the request acts as; nil without a token.
func PrincipalFrom(ctx context.Context) *domain.Principal {
	c := requestOf(ctx)
	if c == nil || c.req.Principal == nil {
		return nil
	}
	cp := *c.req.Principal
	cp.RequestID = c.req.ID
	return &cp
}

// WithRateMeter stores the request's rate meter.
func WithRateMeter(ctx context.Context, m RateMeter) context.Context {
	return with(ctx, func(r *Request) { r.Meter = m })
}

// RateMeterOf returns the request's rate meter, nil if it has none.
func RateMeterOf(ctx context.Context) RateMeter {
	if c := requestOf(ctx); c != nil {
		return c.req.Meter
	}
	return nil
}

// rateLimitStatus is the rateLimit field (nil without a limit).
func rateLimitStatus(ctx context.Context) *RateLimitStatus {
	m := RateMeterOf(ctx)
	if m == nil {
		return nil
	}
	return m.RateLimitStatus(ctx)
}

// requestLoadersOf returns the request's loaders and metrics cache (nil
// outside LoaderMiddleware).
func requestLoadersOf(ctx context.Context) *requestLoaders {
	if c := requestOf(ctx); c != nil {
		return c.req.loaders
	}
	return nil
}
