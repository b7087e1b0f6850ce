package graph

import "context"

// RateMeter is the rate limit's account of a request, which the HTTP layer
// (httpapi) puts in the request's context.
type RateMeter interface {
	// RateLimitStatus is the state the request leaves its bucket in once
	// it pays for its operation.
	RateLimitStatus(ctx context.Context) *RateLimitStatus
}
