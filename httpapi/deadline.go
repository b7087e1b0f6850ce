package httpapi

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Timeout bounds a request's context: its deadline is d after the request
// reached the router (or Timeout, served without NewRouter), and the context is cancelled when next returns. The
// timer behind the deadline starts only when something waits on the
// context (Done, Err, a context derived to be cancelled with it): an
// answer from the response cache never does, and a timer, and the
// registration of a cancellable context with the request's, cost such an
// answer more than the rest of its context.
func Timeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := &lazyDeadline{Context: r.Context(), deadline: arrival(r.Context()).Add(d)}
		defer ctx.end()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// lazyDeadline is context.WithDeadline(Context, deadline), made when first
// needed (started).
type lazyDeadline struct {
	context.Context // the parent
	deadline        time.Time
	started         atomic.Pointer[startedDeadline]
	mu              sync.Mutex // held to start or end
	ended           bool       // cancelled: what starts later starts cancelled
}

type startedDeadline struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// start returns the context.WithDeadline, making it the first time.
func (c *lazyDeadline) start() context.Context {
	if s := c.started.Load(); s != nil {
		return s.ctx
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.started.Load(); s != nil {
		return s.ctx
	}
	ctx, cancel := context.WithDeadline(c.Context, c.deadline)
	if c.ended {
		cancel()
	}
	c.started.Store(&startedDeadline{ctx, cancel})
	return ctx
}

// end cancels the context (as the cancel of context.WithDeadline).
func (c *lazyDeadline) end() {
	c.mu.Lock()
	c.ended = true
	s := c.started.Load()
	c.mu.Unlock()
	if s != nil {
		s.cancel()
	}
}

// Deadline is context.WithDeadline's: the parent's when it is earlier.
func (c *lazyDeadline) Deadline() (time.Time, bool) {
	if d, ok := c.Context.Deadline(); ok && d.Before(c.deadline) {
		return d, true
	}
	return c.deadline, true
}

func (c *lazyDeadline) Done() <-chan struct{} { return c.start().Done() }
func (c *lazyDeadline) Err() error            { return c.start().Err() }

// Value answers from the started context once there is one. Before, it
// answers from the parent, except the context package's own keys (of type
// *int: a cancellable context derived from this one looks for its
// cancellable parent, context.Cause for its cause), which start it.
func (c *lazyDeadline) Value(key any) any {
	if s := c.started.Load(); s != nil {
		return s.ctx.Value(key)
	}
	if _, internal := key.(*int); internal {
		return c.start().Value(key)
	}
	return c.Context.Value(key)
}
