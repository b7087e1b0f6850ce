package graph

import (
	"context"

	"github.com/tiendo-vn/tiendo/domain"
)

type principalKey struct{}

// WithPrincipal stores who the request acts as.
func WithPrincipal(ctx context.Context, p *domain.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns who the request acts as; nil without a token.
func PrincipalFrom(ctx context.Context) *domain.Principal {
	p, _ := ctx.Value(principalKey{}).(*domain.Principal)
	if p == nil {
		return nil
	}
	cp := *p
	cp.RequestID = RequestID(ctx)
	return &cp
}
