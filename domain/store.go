package domain

import (
	"context"
	"time"
)

// The stores below are what the application layer (package app) asks of
// persistence; package db implements them over PostgreSQL. Each method's
// comment lists the error codes it returns; any other error is internal.

// UnitStore reads and writes the administrative tree.
type UnitStore interface {
	// FindUnits returns a page of units valid on f.AsOf, by code, and the
	// total. ENOTFOUND for an unknown f.ParentCode.
	FindUnits(ctx context.Context, f UnitFilter) ([]*Unit, int, error)
	// UnitByCode returns the unit with code valid on asOf. ENOTFOUND.
	UnitByCode(ctx context.Context, code string, asOf Date) (*Unit, error)
	// UnitByID returns one unit. ENOTFOUND.
	UnitByID(ctx context.Context, id int64) (*Unit, error)
	// UnitsByID returns the units with ids, in order (nil where none).
	UnitsByID(ctx context.Context, ids []int64) ([]*Unit, error)
	// Ancestors returns the units above id, root first.
	Ancestors(ctx context.Context, id int64) ([]*Unit, error)
	// IsDescendant reports whether id is ancestor or below it.
	IsDescendant(ctx context.Context, id, ancestor int64) (bool, error)
	// FormerUnits returns units ended before asOf whose name matches
	// search and that have successors.
	FormerUnits(ctx context.Context, search string, asOf Date, limit int) ([]*Unit, error)
	// LinksOf returns the reform's links whose new end (successors false)
	// or old end (successors true) is one of ids.
	LinksOf(ctx context.Context, ids []int64, successors bool) ([]Link, error)
	// UpsertUnits creates or updates units, all or nothing. EINVALID
	// naming the item, ECONFLICT for an overlapping validity.
	UpsertUnits(ctx context.Context, p *Principal, units []UnitRow, opt WriteOptions) ([]UnitWriteOutcome, error)
}

// CampaignStore reads and writes campaigns and metrics.
type CampaignStore interface {
	// FindCampaigns returns a page of campaigns, newest start first, and
	// the total.
	FindCampaigns(ctx context.Context, offset, limit int) ([]*Campaign, int, error)
	// CampaignBySlug returns one campaign. ENOTFOUND.
	CampaignBySlug(ctx context.Context, slug string) (*Campaign, error)
	// CampaignByID returns one campaign. ENOTFOUND.
	CampaignByID(ctx context.Context, id int64) (*Campaign, error)
	// CampaignFigures returns one campaign and the state of its stored
	// figures in one round trip. ENOTFOUND.
	CampaignFigures(ctx context.Context, slug string) (*Campaign, FiguresState, error)
	// CreateCampaignAs stores a new campaign. EINVALID (every problem
	// named), ECONFLICT for a taken slug.
	CreateCampaignAs(ctx context.Context, p *Principal, def *CampaignDef) (*Campaign, error)
	// UpdateCampaign changes a campaign's settings. ENOTFOUND, EINVALID.
	UpdateCampaign(ctx context.Context, p *Principal, slug string, patch CampaignPatch, opt WriteOptions) (*Campaign, error)
	// Metrics returns every metric in display order.
	Metrics(ctx context.Context) ([]*Metric, error)
}

// QuotaStore reads and writes quota revisions.
type QuotaStore interface {
	// QuotasInForce returns a page of the revisions in force on asOf and
	// the total.
	QuotasInForce(ctx context.Context, f QuotaFilter, asOf Date) ([]*QuotaRevision, int, error)
	// QuotaHistory returns a page of one unit's revisions, oldest first,
	// and the total.
	QuotaHistory(ctx context.Context, f QuotaFilter) ([]*QuotaRevision, int, error)
	// SetQuotas stores quota revisions, all or nothing. EINVALID naming
	// the item, ENOTFOUND for an unknown campaign.
	SetQuotas(ctx context.Context, p *Principal, req SetQuotasRequest, opt WriteOptions) (*QuotaResult, error)
	// SetTargetsFromRule derives targets from figures and stores them as
	// SetQuotas does. EINVALID, ENOTFOUND.
	SetTargetsFromRule(ctx context.Context, p *Principal, req TargetRuleRequest, opt WriteOptions) (*TargetsResult, error)
}

// ReportStore writes reports and reads their revisions.
type ReportStore interface {
	// SubmitReports stores a checked batch (rules 1 and 3), all or
	// nothing. EINVALID naming the item, EFORBIDDEN for a unit outside a
	// reporter's subtree, ECONFLICT for a reused client key, ENOTFOUND
	// for an unknown campaign. Figures due are reported to opt.Due.
	SubmitReports(ctx context.Context, p *Principal, req SubmitRequest, opt WriteOptions) (*ReportResult, error)
	// CorrectReport stores a new revision of one figure, as SubmitReports
	// does, with the same codes.
	CorrectReport(ctx context.Context, p *Principal, req CorrectRequest, opt WriteOptions) (*ReportResult, error)
	// RevisionsOf returns each report's revisions, oldest first.
	RevisionsOf(ctx context.Context, keys []RevisionKey) (map[RevisionKey][]*Revision, error)
	// Corrections returns a page of corrections, newest first, and the
	// total.
	Corrections(ctx context.Context, f CorrectionFilter) ([]*Correction, int, error)
}

// FigureStore reads the stored figures and recomputes them.
type FigureStore interface {
	// Series returns a page of a unit's figures from from to to, oldest
	// first, and the total; their ranks are not read (nil). ENOTFOUND for
	// an unknown metric.
	Series(ctx context.Context, campaignID, unitID int64, metric string, from, to Date, offset, limit int) ([]*Point, int, error)
	// Ranking returns a page of the stored ranking of the campaign's own
	// scope and its total.
	Ranking(ctx context.Context, f RankingFilter) ([]*RankRow, int, error)
	// RankingRows returns every row of f's kind inside f.ScopeID on day,
	// in the stored rank order (their ranks are the campaign scope's).
	RankingRows(ctx context.Context, f RankingFilter, day Date) ([]*RankRow, error)
	// CurrentCandidates returns the units of today's map that a ranking
	// on map CURRENT lists.
	CurrentCandidates(ctx context.Context, c *Campaign, metric string, scopeID int64, kind UnitKind, day, today Date) ([]*Unit, error)
	// CurrentFigures returns units' figures on today's map, per day.
	CurrentFigures(ctx context.Context, c *Campaign, metric string, units []*Unit, lo, hi Date) ([][]*MappedPoint, error)
	// RefreshFiguresAfter brings a campaign's figures up to date from day
	// from on, one refresh of a campaign at a time across processes: it
	// reads its inputs after any other refresh of the campaign committed.
	RefreshFiguresAfter(ctx context.Context, campaignID int64, from Date, now time.Time) error
	// WriterFiguresDue returns the newest note of figures due that the
	// writes of token tokenID left, among those numbered upTo or less, as
	// its number (0: none). It reads the primary: the writes may have gone
	// through another server.
	WriterFiguresDue(ctx context.Context, tokenID, upTo int64) (int64, error)
}

// AuditStore reads the audit log.
type AuditStore interface {
	// AuditLog returns a page of the audit log, newest first, and the
	// total.
	AuditLog(ctx context.Context, offset, limit int) ([]*AuditRecord, int, error)
}
