package graph

import "context"

// RateMeter is the rate limit's account of a request, which the HTTP layer
// (httpapi) puts in the request's context.
type RateMeter interface {
	// RateLimitStatus is the state the request leaves its bucket in once
	// it pays for its operation.
	RateLimitStatus(ctx context.Context) *RateLimitStatus
}

type rateMeterKey struct{}

// WithRateMeter stores the request's rate meter.
func WithRateMeter(ctx context.Context, m RateMeter) context.Context {
	return context.WithValue(ctx, rateMeterKey{}, m)
}

// rateLimitStatus is the rateLimit field (nil without a limit).
func rateLimitStatus(ctx context.Context) *RateLimitStatus {
	m, _ := ctx.Value(rateMeterKey{}).(RateMeter)
	if m == nil {
		return nil
	}
	return m.RateLimitStatus(ctx)
}
