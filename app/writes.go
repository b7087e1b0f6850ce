package app

import (
	"context"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
)

// The writes. Each checks who may write and the request's shape here, then
// hands the request to the store, which checks it against what is stored
// (rules 1 and 3, in the write's transaction), writes it and notes which
// figures it left due; it returns once that is committed, and the figures
// are refreshed after it (figures.go).

// SubmitReports writes a batch of cumulative figures for one campaign, all
// or nothing. EUNAUTHENTICATED without a principal; EINVALID for a missing
// or long client key, an empty or too large batch, and (from the store)
// each item's problem; EFORBIDDEN for a unit outside a reporter's subtree;
// ECONFLICT for a client key reused with another batch.
func (a *App) SubmitReports(ctx context.Context, p *domain.Principal, req domain.SubmitRequest) (*domain.ReportResult, error) {
	if _, err := Writer(p); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.ClientKey) == "" {
		return nil, domain.FieldErrorf(domain.EINVALID, "clientKey", "a batch needs a client key (any unique string, e.g. a UUID), so that a retry does not write twice")
	}
	if err := clientKey(req.ClientKey); err != nil {
		return nil, err
	}
	if len(req.Reports) == 0 {
		return nil, domain.FieldErrorf(domain.EINVALID, "reports", "the batch is empty")
	}
	if len(req.Reports) > domain.MaxBatch {
		return nil, domain.FieldErrorf(domain.EINVALID, "reports", "the batch has %d reports; at most %d are accepted at once", len(req.Reports), domain.MaxBatch)
	}
	opt, due := a.writeOptions()
	res, err := a.Store.SubmitReports(ctx, p, req, opt)
	return settle(a, p, due, res, err)
}

// CorrectReport stores a new revision of one figure with a reason. The
// codes of SubmitReports; EINVALID for a blank reason.
func (a *App) CorrectReport(ctx context.Context, p *domain.Principal, req domain.CorrectRequest) (*domain.ReportResult, error) {
	if _, err := Writer(p); err != nil {
		return nil, err
	}
	if blank(req.Reason) {
		return nil, domain.FieldErrorf(domain.EINVALID, "reason", "a correction needs a reason saying why the figure changes")
	}
	if err := clientKey(req.ClientKey); err != nil {
		return nil, err
	}
	opt, due := a.writeOptions()
	res, err := a.Store.CorrectReport(ctx, p, req, opt)
	return settle(a, p, due, res, err)
}

// clientKey: EINVALID for a client key longer than 200 characters.
func clientKey(k string) error {
	if domain.TextLen(k) > 200 {
		return domain.FieldErrorf(domain.EINVALID, "clientKey", "the client key is longer than 200 characters")
	}
	return nil
}

// blank reports whether s has nothing but spaces, tabs and line breaks.
func blank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}

// SetQuotas stores quota revisions of one campaign, all or nothing. Admins
// only (EUNAUTHENTICATED, EFORBIDDEN); EINVALID naming each item's problem.
func (a *App) SetQuotas(ctx context.Context, p *domain.Principal, req domain.SetQuotasRequest) (*domain.QuotaResult, error) {
	if _, err := Admin(p); err != nil {
		return nil, err
	}
	opt, due := a.writeOptions()
	res, err := a.Store.SetQuotas(ctx, p, req, opt)
	return settle(a, p, due, res, err)
}

// SetTargetsFromRule derives targets from figures and stores them as quota
// revisions. Admins only; EINVALID, ENOTFOUND.
func (a *App) SetTargetsFromRule(ctx context.Context, p *domain.Principal, req domain.TargetRuleRequest) (*domain.TargetsResult, error) {
	if _, err := Admin(p); err != nil {
		return nil, err
	}
	opt, due := a.writeOptions()
	res, err := a.Store.SetTargetsFromRule(ctx, p, req, opt)
	return settle(a, p, due, res, err)
}

// UpsertUnits creates or updates units, all or nothing, and forgets the
// units cached. Admins only; EINVALID naming the item, ECONFLICT.
func (a *App) UpsertUnits(ctx context.Context, p *domain.Principal, units []domain.UnitRow) ([]domain.UnitWriteOutcome, error) {
	if _, err := Admin(p); err != nil {
		return nil, err
	}
	opt, due := a.writeOptions()
	out, err := a.Store.UpsertUnits(ctx, p, units, opt)
	a.forgetUnits()
	return settle(a, p, due, out, err)
}

// CreateCampaign stores a new campaign. Admins only; EINVALID (every
// problem named), ECONFLICT for a taken slug.
func (a *App) CreateCampaign(ctx context.Context, p *domain.Principal, def *domain.CampaignDef) (*domain.Campaign, error) {
	if _, err := Admin(p); err != nil {
		return nil, err
	}
	return a.Store.CreateCampaignAs(ctx, p, def)
}

// UpdateCampaign changes a campaign's settings. Admins only; ENOTFOUND,
// EINVALID.
func (a *App) UpdateCampaign(ctx context.Context, p *domain.Principal, slug string, patch domain.CampaignPatch) (*domain.Campaign, error) {
	if _, err := Admin(p); err != nil {
		return nil, err
	}
	opt, due := a.writeOptions()
	c, err := a.Store.UpdateCampaign(ctx, p, slug, patch, opt)
	return settle(a, p, due, c, err)
}

// AuditLog returns a page of the audit log, newest first, and the total.
// Admins only (EUNAUTHENTICATED, EFORBIDDEN).
func (a *App) AuditLog(ctx context.Context, p *domain.Principal, offset, limit int) ([]*domain.AuditRecord, int, error) {
	if _, err := Admin(p); err != nil {
		return nil, 0, err
	}
	return a.Store.AuditLog(ctx, offset, limit)
}

// settle queues the refreshes of what a write left due (whether or not it
// then failed: what it reported due is committed) and returns its result.
func settle[T any](a *App, p *domain.Principal, due dueCollector, res T, err error) (T, error) {
	a.afterWrite(p, due)
	return res, err
}
