package graph

import (
	"context"
	"strings"

	"github.com/tiendo-vn/tiendo/domain"
)

// The mutations' arguments as the application's requests, and its results
// as the API's.

func submitRequest(input SubmitReportsInput) domain.SubmitRequest {
	req := domain.SubmitRequest{Campaign: input.Campaign, ClientKey: input.ClientKey, Reports: make([]domain.ReportItem, len(input.Reports))}
	for i, it := range input.Reports {
		req.Reports[i] = domain.ReportItem{UnitCode: it.UnitCode, Metric: it.Metric, Date: it.Date, Value: int64(it.Value),
			Note: deref(it.Note), ConfirmAboveQuota: deref(it.ConfirmAboveQuota)}
	}
	return req
}

func correctRequest(input CorrectReportInput) domain.CorrectRequest {
	return domain.CorrectRequest{Campaign: input.Campaign, Reason: input.Reason, ClientKey: deref(input.ClientKey),
		ReportItem: domain.ReportItem{UnitCode: input.UnitCode, Metric: input.Metric, Date: input.Date, Value: int64(input.Value),
			ConfirmAboveQuota: deref(input.ConfirmAboveQuota)}}
}

func campaignDef(input CreateCampaignInput) (*domain.CampaignDef, error) {
	def := &domain.CampaignDef{ScopeCode: input.ScopeCode, Campaign: domain.Campaign{
		Slug: strings.TrimSpace(input.Slug), Name: input.Name, NameEN: deref(input.NameEn), LegalRef: deref(input.LegalRef),
		Start: input.StartDate, End: input.EndDate, MetricKeys: input.Metrics, DeadlineDays: 1, DeadlineMinutes: 450,
		TimeZone: domain.DefaultTimeZone, Bands: bandsOf(input.Bands), Milestones: milestonesOf(input.Milestones)}}
	var err error
	if input.ReportDeadline != nil {
		if def.DeadlineMinutes, err = parseClock("input.reportDeadline", *input.ReportDeadline); err != nil {
			return nil, err
		}
	}
	if d, err := int32Of("input.deadlineDays", input.DeadlineDays); err != nil {
		return nil, err
	} else if d != nil {
		def.DeadlineDays = *d
	}
	if input.TimeZone != nil {
		def.TimeZone = *input.TimeZone
	}
	return def, nil
}

func campaignPatch(input UpdateCampaignInput) (domain.CampaignPatch, error) {
	patch := domain.CampaignPatch{Name: input.Name, NameEN: input.NameEn, LegalRef: input.LegalRef, Start: input.StartDate,
		End: input.EndDate, TimeZone: input.TimeZone, MetricKeys: input.Metrics, Bands: bandsOf(input.Bands), BandsFrom: input.EffectiveFrom}
	if input.ReportDeadline != nil {
		m, err := parseClock("input.reportDeadline", *input.ReportDeadline)
		if err != nil {
			return patch, err
		}
		patch.DeadlineMinutes = &m
	}
	var err error
	if patch.DeadlineDays, err = int32Of("input.deadlineDays", input.DeadlineDays); err != nil {
		return patch, err
	}
	if input.Milestones != nil {
		ms := milestonesOf(input.Milestones)
		patch.Milestones = &ms
	}
	return patch, nil
}

func setQuotasRequest(input SetQuotasInput) domain.SetQuotasRequest {
	req := domain.SetQuotasRequest{Campaign: input.Campaign, Reason: deref(input.Reason), Reference: deref(input.Reference),
		Quotas: make([]domain.QuotaChange, len(input.Quotas))}
	for i, q := range input.Quotas {
		req.Quotas[i] = domain.QuotaChange{UnitCode: q.UnitCode, Metric: q.Metric, Target: int64(q.Target), EffectiveFrom: q.EffectiveFrom,
			Reason: deref(q.Reason), Reference: deref(q.Reference)}
	}
	return req
}

func targetRuleRequest(input SetTargetsFromRuleInput) domain.TargetRuleRequest {
	return domain.TargetRuleRequest{Campaign: input.Campaign, Metric: input.Metric, Rule: string(input.Rule), Level: input.Level,
		ScopeCode: deref(input.ScopeCode), BaseCampaign: deref(input.BaseCampaign), BaseMetric: deref(input.BaseMetric),
		AsOf: input.AsOf, ThresholdPercent: int64(deref(input.ThresholdPercent)), BelowPercent: int64(deref(input.BelowPercent)),
		AtOrAbovePercent: int64(deref(input.AtOrAbovePercent)), EffectiveFrom: input.EffectiveFrom,
		Reason: deref(input.Reason), Reference: deref(input.Reference)}
}

func targetRuleResult(res *domain.TargetsResult) *TargetRuleResult {
	skipped := res.Skipped
	if skipped == nil {
		skipped = []string{}
	}
	return &TargetRuleResult{Campaign: res.Campaign, Written: res.Written, Unchanged: res.Unchanged,
		Items: quotaOutcomes(res.Items), Skipped: skipped}
}

func unitRows(input UpsertUnitsInput) []domain.UnitRow {
	rows := make([]domain.UnitRow, len(input.Units))
	for i, u := range input.Units {
		rows[i] = domain.UnitRow{Code: strings.TrimSpace(u.Code), Name: u.Name, Kind: u.Kind, ParentCode: strings.TrimSpace(deref(u.ParentCode)),
			FullName: deref(u.FullName), NameEN: deref(u.NameEn), ValidFrom: u.ValidFrom, ValidTo: u.ValidTo}
	}
	return rows
}

// upsertUnitsResult counts the outcomes and gives each its unit.
func (r *Resolver) upsertUnitsResult(ctx context.Context, outs []domain.UnitWriteOutcome) (*UpsertUnitsResult, error) {
	res := &UpsertUnitsResult{}
	for _, o := range outs {
		u, err := r.unitByID(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		switch o.Status {
		case domain.StatusCreated:
			res.Created++
		case domain.StatusUpdated:
			res.Updated++
		default:
			res.Unchanged++
		}
		res.Items = append(res.Items, &UnitOutcome{Index: o.Index, Code: o.Code, Status: WriteStatus(o.Status), Unit: u})
	}
	return res, nil
}

func auditConnection(pg page, es []*domain.AuditRecord, total int) *AuditConnection {
	c := &AuditConnection{}
	c.Edges, c.PageInfo, c.TotalCount = connection(pg, es, total, func(cur string, e *domain.AuditRecord) *AuditEdge {
		return &AuditEdge{Cursor: cur, Node: auditEntry(e)}
	})
	return c
}
