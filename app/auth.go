package app

import "github.com/tiendo-vn/tiendo/domain"

// The authorisation rules of writes. Who a request is (its token) is the
// HTTP layer's business; what that principal may do is decided here. (A
// reporter's writes are further limited to its unit's subtree, which the
// store checks per item inside the write's transaction, where the units'
// validity on each day is known: FORBIDDEN naming the item.)

// Writer returns p if it may write at all: EUNAUTHENTICATED without one.
func Writer(p *domain.Principal) (*domain.Principal, error) {
	if p == nil {
		return nil, domain.Errorf(domain.EUNAUTHENTICATED, "writing needs a token: send Authorization: Bearer <token>")
	}
	return p, nil
}

// Admin returns p if it may write everything: EUNAUTHENTICATED without a
// principal, EFORBIDDEN for a reporter.
func Admin(p *domain.Principal) (*domain.Principal, error) {
	if _, err := Writer(p); err != nil {
		return nil, err
	}
	if !p.IsAdmin() {
		return nil, domain.Errorf(domain.EFORBIDDEN, "only an admin token may do this; this token is a reporter's for unit %s", p.UnitCode)
	}
	return p, nil
}
