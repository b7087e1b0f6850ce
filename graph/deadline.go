package graph

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Bound is context.WithDeadline, made when first needed: the timer behind
// the deadline starts only when something waits on the context (Done,
// Err, a context derived to be cancelled with it). An answer from the
// response cache never does, and a timer, and the registration of a
// cancellable context with the request's, cost such an answer more than
// the rest of its context.
type Bound struct {
	context.Context // the parent
	deadline        time.Time
	started         atomic.Pointer[startedBound]
	mu              sync.Mutex // held to start or end
	ended           bool       // cancelled: what starts later starts cancelled
}

type startedBound struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// WithBound returns ctx bounded by deadline, as context.WithDeadline does,
// and the Bound whose End is its cancel. When ctx is a request's own
// context (NewRequest) with no bound yet, the bound is kept in it, and ctx
// is returned as it is: an HTTP handler then needs no copy of its request
// (http.Request.WithContext) to carry it.
//
// Kept in place, the bound holds for ctx and the contexts already derived
// from it by value (context.WithValue): it is set by the request's
// goroutine, before anything else waits on ctx.
func WithBound(ctx context.Context, deadline time.Time) (context.Context, *Bound) {
	if c, ok := ctx.(*requestCtx); ok && c.bound.deadline.IsZero() && !deadline.IsZero() {
		c.bound.Context, c.bound.deadline = c.Context, deadline
		return c, &c.bound
	}
	b := &Bound{Context: ctx, deadline: deadline}
	return b, b
}

// start returns the context.WithDeadline, making it the first time.
func (b *Bound) start() context.Context {
	if s := b.started.Load(); s != nil {
		return s.ctx
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if s := b.started.Load(); s != nil {
		return s.ctx
	}
	ctx, cancel := context.WithDeadline(b.Context, b.deadline)
	if b.ended {
		cancel()
	}
	b.started.Store(&startedBound{ctx, cancel})
	return ctx
}

// End cancels the context (as the cancel of context.WithDeadline).
func (b *Bound) End() {
	b.mu.Lock()
	b.ended = true
	s := b.started.Load()
	b.mu.Unlock()
	if s != nil {
		s.cancel()
	}
}

// Deadline is context.WithDeadline's: the parent's when it is earlier.
func (b *Bound) Deadline() (time.Time, bool) {
	if d, ok := b.Context.Deadline(); ok && d.Before(b.deadline) {
		return d, true
	}
	return b.deadline, true
}

func (b *Bound) Done() <-chan struct{} { return b.start().Done() }
func (b *Bound) Err() error            { return b.start().Err() }

// Value answers from the started context once there is one. Before, it
// answers from the parent, except the context package's own keys (of type
// *int: a cancellable context derived from this one looks for its
// cancellable parent, context.Cause for its cause), which start it.
func (b *Bound) Value(key any) any {
	if s := b.started.Load(); s != nil {
		return s.ctx.Value(key)
	}
	if _, internal := key.(*int); internal {
		return b.start().Value(key)
	}
	return b.Context.Value(key)
}
