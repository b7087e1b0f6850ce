package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/graph"
)

// serveTimeout runs Timeout(d) around f with a parent context, and
// returns the context f saw. With own, the request carries a
// graph.Request of its own, as NewRouter's do (Timeout keeps its bound
// there); without, Timeout wraps the parent.
func serveTimeout(parent context.Context, own bool, d time.Duration, f func(ctx context.Context)) context.Context {
	if own {
		parent, _ = graph.NewRequest(parent)
	}
	var seen context.Context
	h := Timeout(d, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Context()
		f(seen)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil).WithContext(parent))
	return seen
}

type valueKey struct{}

// TestTimeoutDeadline: Timeout's context behaves as context.WithTimeout's:
// its deadline ends it, and what was derived from it; the parent's end
// ends it; it ends when the handler returns; values come from the parent.
// Each runs with the bound kept in the request's own context and with the
// bound wrapping the parent.
func TestTimeoutDeadline(t *testing.T) {
	for _, own := range []bool{true, false} {
		t.Run(fmt.Sprintf("own=%v", own), func(t *testing.T) { testTimeoutDeadline(t, own) })
	}
}

func testTimeoutDeadline(t *testing.T, own bool) {
	serveTimeout := func(parent context.Context, d time.Duration, f func(ctx context.Context)) context.Context {
		return serveTimeout(parent, own, d, f)
	}
	parent := context.WithValue(context.Background(), valueKey{}, "v")
	t.Run("DeadlineExceeded", func(t *testing.T) {
		serveTimeout(parent, 20*time.Millisecond, func(ctx context.Context) {
			if d, ok := ctx.Deadline(); !ok || time.Until(d) > 20*time.Millisecond {
				t.Errorf("Deadline = %v, %v", d, ok)
			}
			if ctx.Value(valueKey{}) != "v" {
				t.Error("the parent's value is lost")
			}
			child, cancel := context.WithCancel(ctx)
			defer cancel()
			select {
			case <-child.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("the deadline did not end a derived context")
			}
			if !errors.Is(ctx.Err(), context.DeadlineExceeded) || !errors.Is(child.Err(), context.DeadlineExceeded) ||
				!errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
				t.Errorf("Err = %v, child's %v, Cause %v; want DeadlineExceeded", ctx.Err(), child.Err(), context.Cause(ctx))
			}
		})
	})
	t.Run("DeadlineNotWatched", func(t *testing.T) {
		serveTimeout(parent, time.Millisecond, func(ctx context.Context) {
			time.Sleep(10 * time.Millisecond)
			if !errors.Is(context.Cause(ctx), context.DeadlineExceeded) || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
				t.Errorf("Cause = %v, Err = %v past a deadline nothing watched; want DeadlineExceeded", context.Cause(ctx), ctx.Err())
			}
		})
	})
	t.Run("ParentEarlier", func(t *testing.T) {
		early, cancel := context.WithTimeout(parent, time.Minute)
		defer cancel()
		want, _ := early.Deadline()
		serveTimeout(early, time.Hour, func(ctx context.Context) {
			if d, _ := ctx.Deadline(); !d.Equal(want) {
				t.Errorf("Deadline = %v, want the parent's %v", d, want)
			}
		})
	})
	t.Run("ParentCancelled", func(t *testing.T) {
		p, cancel := context.WithCancelCause(parent)
		gone := errors.New("client gone")
		serveTimeout(p, time.Hour, func(ctx context.Context) {
			if ctx.Err() != nil {
				t.Errorf("Err = %v before anything ended", ctx.Err())
			}
			cancel(gone)
			<-ctx.Done()
			if !errors.Is(ctx.Err(), context.Canceled) || !errors.Is(context.Cause(ctx), gone) {
				t.Errorf("Err = %v, Cause = %v; want Canceled, %v", ctx.Err(), context.Cause(ctx), gone)
			}
		})
	})
	t.Run("EndsWithTheHandler", func(t *testing.T) {
		for _, watched := range []bool{false, true} {
			ctx := serveTimeout(parent, time.Hour, func(ctx context.Context) {
				if watched {
					ctx.Done()
				}
			})
			select {
			case <-ctx.Done():
			default:
				t.Errorf("watched %v: the context did not end with the handler", watched)
			}
			if !errors.Is(ctx.Err(), context.Canceled) {
				t.Errorf("watched %v: Err = %v after the handler, want Canceled", watched, ctx.Err())
			}
		}
	})
}

// TestTimeoutKeepsTheRequest: a request carrying its graph.Request (as
// NewRouter's do) reaches the handler as it is, not copied for the
// deadline; one without is given a context of its own.
func TestTimeoutKeepsTheRequest(t *testing.T) {
	for _, own := range []bool{true, false} {
		ctx := context.Background()
		if own {
			ctx, _ = graph.NewRequest(ctx)
		}
		in := httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx)
		var seen *http.Request
		Timeout(time.Hour, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen = r
			if _, ok := r.Context().Deadline(); !ok {
				t.Errorf("own %v: the handler's context has no deadline", own)
			}
		})).ServeHTTP(httptest.NewRecorder(), in)
		if copied := seen != in; copied == own {
			t.Errorf("own %v: request copied = %v", own, copied)
		}
	}
}
