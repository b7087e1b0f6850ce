package graph

import (
	"context"
	"errors"
	"testing"
	"time"
)

type boundKey struct{}

// TestBoundStartsWhenWatched: a Bound's values and deadline start no timer;
// Done does; a cancellable context derived from it is registered with the
// started deadline (so it ends with it), both for a bound kept in a
// request's own context and for one wrapping another context.
func TestBoundStartsWhenWatched(t *testing.T) {
	parent := context.WithValue(context.Background(), boundKey{}, "v")
	for _, own := range []bool{true, false} {
		in := parent
		if own {
			in, _ = NewRequest(parent)
		}
		ctx, b := WithBound(in, time.Now().Add(30*time.Millisecond))
		if kept := ctx == in; kept != own {
			t.Errorf("own %v: kept in place = %v", own, kept)
		}
		if ctx.Value(boundKey{}) != "v" {
			t.Errorf("own %v: the parent's value is lost", own)
		}
		if own && RequestOf(ctx) == nil {
			t.Error("the request's state is lost")
		}
		if _, ok := ctx.Deadline(); !ok {
			t.Errorf("own %v: no deadline", own)
		}
		if b.started.Load() != nil {
			t.Errorf("own %v: values and the deadline started the timer", own)
		}
		child, cancel := context.WithCancel(ctx)
		if b.started.Load() == nil {
			t.Errorf("own %v: a derived cancellable context did not start the timer", own)
		}
		select {
		case <-child.Done():
		case <-time.After(5 * time.Second):
			t.Fatalf("own %v: the deadline did not end the derived context", own)
		}
		if !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
			t.Errorf("own %v: Cause = %v, want DeadlineExceeded", own, context.Cause(ctx))
		}
		cancel()
		b.End()
	}
}

// TestBoundOnce: a request's context keeps one bound; a second WithBound
// wraps it, and a request's context without a bound is its parent's in
// deadline and end.
func TestBoundOnce(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	in, _ := NewRequest(parent)
	if _, ok := in.Deadline(); ok {
		t.Error("an unbounded request has a deadline of its own")
	}
	if in.Done() != parent.Done() {
		t.Error("an unbounded request's Done is not its parent's")
	}
	first, b1 := WithBound(in, time.Now().Add(time.Hour))
	second, b2 := WithBound(first, time.Now().Add(time.Minute))
	if first != in || second == first {
		t.Error("the second bound did not wrap the first")
	}
	if d, _ := second.Deadline(); time.Until(d) > time.Minute {
		t.Errorf("second's deadline %v is not the earlier", d)
	}
	cancel()
	<-second.Done()
	if !errors.Is(first.Err(), context.Canceled) {
		t.Errorf("Err = %v after the parent ended", first.Err())
	}
	b2.End()
	b1.End()
}
