package db

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// SetQuotas stores quota revisions of one campaign, all or nothing, each
// with a reason (required) and a reference. The caller (package app) lets admins only
// write quotas. A change equal to the revision in force on its day is
// UNCHANGED. Errors name the item: unknown unit or metric, a metric the
// campaign does not track, a unit outside the campaign's scope, a negative
// target, a day after the campaign ends, a missing reason, a duplicate.
func (db *DB) SetQuotas(ctx context.Context, p *domain.Principal, req domain.SetQuotasRequest, opt domain.WriteOptions) (*domain.QuotaResult, error) {
	if len(req.Quotas) == 0 {
		return nil, domain.FieldErrorf(domain.EINVALID, "quotas", "no quotas to set")
	}
	if len(req.Quotas) > 20*domain.MaxBatch {
		return nil, domain.FieldErrorf(domain.EINVALID, "quotas", "%d quotas; at most %d are accepted at once", len(req.Quotas), 20*domain.MaxBatch)
	}
	return db.setQuotas(ctx, p, "set", req, itemLabel("quotas"), opt)
}

func (db *DB) setQuotas(ctx context.Context, p *domain.Principal, action string, req domain.SetQuotasRequest, label labeler, opt domain.WriteOptions) (*domain.QuotaResult, error) {
	now := opt.Clock()
	var res *domain.QuotaResult
	var campaignID int64
	var from domain.Date
	err := db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		res = nil
		c, err := loadCampaignInfo(ctx, tx, req.Campaign)
		if err != nil {
			return err
		} else if c == nil {
			return domain.FieldErrorf(domain.EINVALID, "campaign", "unknown campaign %q", req.Campaign)
		}
		campaignID = c.id
		// One quota writer per campaign at a time.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('tiendo.quotas'), $1::int)`, int32(c.id)); err != nil {
			return err
		}
		codes := make([]string, len(req.Quotas))
		for i, q := range req.Quotas {
			codes[i] = q.UnitCode
		}
		ix, err := loadUnitIndexFor(ctx, tx, codes)
		if err != nil {
			return err
		}
		metrics, err := db.metricIDs(ctx, tx)
		if err != nil {
			return err
		}
		var errs domain.ImportErrors
		rows := make([]domain.QuotaRow, len(req.Quotas))
		ids := make([]int64, len(req.Quotas))
		mids := make([]int16, len(req.Quotas))
		for i, in := range req.Quotas {
			q := domain.QuotaRow{Campaign: c.slug, UnitCode: in.UnitCode, Metric: in.Metric, Target: in.Target,
				EffectiveFrom: c.start, Reason: strings.TrimSpace(in.Reason), Reference: strings.TrimSpace(in.Reference)}
			if in.EffectiveFrom != nil {
				q.EffectiveFrom = *in.EffectiveFrom
			}
			if q.Reason == "" {
				q.Reason = strings.TrimSpace(req.Reason)
			}
			if q.Reference == "" {
				q.Reference = strings.TrimSpace(req.Reference)
			}
			rows[i] = q
			u, mid, err := checkQuota(label, i, &q, c, ix, metrics)
			if err == nil && q.EffectiveFrom < c.start {
				err = label.errf(i, "effective_from", "%s is before the campaign starts (%s)", q.EffectiveFrom, c.start)
			}
			if err != nil {
				errs = append(errs, err)
			}
			ids[i], mids[i] = u.id, mid
			if len(errs) >= domain.MaxImportErrors {
				return errs
			}
		}
		if len(errs) > 0 {
			return errs
		}
		places := make([]quotaPlace, len(rows))
		for i, q := range rows {
			places[i] = quotaPlace{item: i, campaign: c, unit: ids[i], code: q.UnitCode, metric: mids[i], day: q.EffectiveFrom, target: q.Target, reason: q.Reason}
		}
		if errs, err = quotaPlaceErrors(ctx, tx, label, "item", places); err != nil {
			return err
		} else if len(errs) > 0 {
			return errs
		}
		res = &domain.QuotaResult{Campaign: c.slug, Items: make([]domain.QuotaChangeOutcome, len(rows))}
		var auditBefore, auditAfter []map[string]any
		for i, q := range rows {
			o := domain.QuotaChangeOutcome{Index: i, UnitCode: q.UnitCode, Metric: q.Metric, Target: q.Target, EffectiveFrom: q.EffectiveFrom,
				Reason: q.Reason, Status: domain.StatusUnchanged}
			var prevTarget *int64
			var prevFrom *time.Time
			err := tx.QueryRow(ctx, `SELECT target, effective_from FROM quota_revisions
				WHERE campaign_id = $1 AND unit_id = $2 AND metric_id = $3 AND effective_from <= $4
				ORDER BY effective_from DESC, id DESC LIMIT 1`, c.id, ids[i], mids[i], pgDate(q.EffectiveFrom)).Scan(&prevTarget, &prevFrom)
			if err != nil && err != pgx.ErrNoRows {
				return err
			}
			o.Previous = prevTarget
			if prevTarget != nil && *prevTarget == q.Target && toDate(*prevFrom) == q.EffectiveFrom {
				res.Unchanged++
				res.Items[i] = o
				continue
			}
			if err := tx.QueryRow(ctx, `INSERT INTO quota_revisions (campaign_id, unit_id, metric_id, target, effective_from, reason, reference, created_at, created_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
				c.id, ids[i], mids[i], q.Target, pgDate(q.EffectiveFrom), q.Reason, q.Reference, now, p.Actor()).Scan(&o.RevisionID); err != nil {
				return mapErr(err, "quota")
			}
			o.Status = domain.StatusWritten
			if res.Written == 0 || q.EffectiveFrom < from {
				from = q.EffectiveFrom
			}
			res.Written++
			res.Items[i] = o
			k := map[string]any{"unit": q.UnitCode, "metric": q.Metric, "effectiveFrom": q.EffectiveFrom.String()}
			auditBefore = append(auditBefore, merge(k, map[string]any{"target": prevTarget}))
			auditAfter = append(auditAfter, merge(k, map[string]any{"target": q.Target, "revision": o.RevisionID,
				"reason": q.Reason, "reference": q.Reference}))
		}
		if res.Written == 0 {
			return nil
		}
		if err := markCampaignDue(ctx, tx, p, c.id, from); err != nil {
			return err
		}
		return db.auditAs(ctx, tx, p, action, "quotas", c.slug,
			map[string]any{"quotas": auditBefore}, map[string]any{"quotas": auditAfter, "written": res.Written, "unchanged": res.Unchanged})
	})
	if err != nil {
		return nil, err
	}
	if res.Written > 0 {
		reportDue(opt, []int64{campaignID}, from)
	}
	return res, nil
}

// SetTargetsFromRule derives targets (engine.BoostRule or
// engine.FollowTargets) from the base campaign's figures of one day for
// every unit of a level inside a scope, and stores them as quota revisions
// through SetQuotas, with a reason saying how each was derived (admins only: package app checks).
func (db *DB) SetTargetsFromRule(ctx context.Context, p *domain.Principal, req domain.TargetRuleRequest, opt domain.WriteOptions) (*domain.TargetsResult, error) {
	c, err := db.CampaignBySlug(ctx, req.Campaign)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, domain.FieldErrorf(domain.EINVALID, "campaign", "unknown campaign %q", req.Campaign)
	} else if err != nil {
		return nil, err
	}
	base := c
	if req.BaseCampaign != "" && req.BaseCampaign != c.Slug {
		if base, err = db.CampaignBySlug(ctx, req.BaseCampaign); domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, domain.FieldErrorf(domain.EINVALID, "baseCampaign", "unknown campaign %q", req.BaseCampaign)
		} else if err != nil {
			return nil, err
		}
	}
	if req.BaseMetric == "" {
		if req.Rule == domain.RuleFollow {
			return nil, domain.FieldErrorf(domain.EINVALID, "baseMetric", "rule FOLLOW needs the metric whose figure the target follows")
		}
		req.BaseMetric = req.Metric
	}
	if !slices.Contains(c.MetricKeys, req.Metric) {
		return nil, domain.FieldErrorf(domain.EINVALID, "metric", "campaign %s does not track %q", c.Slug, req.Metric)
	}
	if !slices.Contains(base.MetricKeys, req.BaseMetric) {
		return nil, domain.FieldErrorf(domain.EINVALID, "baseMetric", "campaign %s does not track %q", base.Slug, req.BaseMetric)
	}
	asOf := c.Start
	if req.AsOf != nil {
		asOf = *req.AsOf
	}
	if asOf < base.Start || asOf > base.End {
		return nil, domain.FieldErrorf(domain.EINVALID, "asOf", "%s is outside the campaign %s (%s to %s), whose figures the rule reads", asOf, base.Slug, base.Start, base.End)
	}
	now := opt.Clock()
	if asOf > domain.DateFromTime(now.In(base.Location())) {
		return nil, domain.FieldErrorf(domain.EINVALID, "asOf", "%s is in the future", asOf)
	}
	rule := engine.KonTumBoost
	if req.ThresholdPercent != 0 {
		rule.ThresholdNum, rule.ThresholdDen = req.ThresholdPercent, 100
	}
	if req.BelowPercent != 0 {
		rule.BelowPercent = req.BelowPercent
	}
	if req.AtOrAbovePercent != 0 {
		rule.AtOrAbovePercent = req.AtOrAbovePercent
	}
	if rule.ThresholdNum < 0 || rule.BelowPercent < 0 || rule.AtOrAbovePercent < 0 {
		return nil, domain.Errorf(domain.EINVALID, "the rule's percentages must not be negative")
	}
	if req.Rule != domain.RuleBoost && req.Rule != domain.RuleFollow {
		return nil, domain.FieldErrorf(domain.EINVALID, "rule", "unknown rule %q", req.Rule)
	}
	scopeID := c.ScopeUnitID
	if req.ScopeCode != "" {
		u, err := db.UnitByCode(ctx, req.ScopeCode, max(min(asOf, c.End), c.Start))
		if err != nil {
			return nil, domain.FieldErrorf(domain.EINVALID, "scopeCode", "unit %s does not exist on %s", req.ScopeCode, asOf)
		}
		scopeID = u.ID
	}
	// The base campaign's figures must reach asOf.
	done, err := db.ComputedTo(ctx, base.ID)
	if err != nil {
		return nil, err
	}
	if done == nil || *done < asOf {
		from := base.Start
		if done != nil {
			from = *done + 1
		}
		if err := db.RefreshFiguresAfter(ctx, base.ID, from, now); err != nil {
			return nil, err
		}
	}
	rows, err := db.reader(ctx).Query(ctx, subtreeSQL+`
		SELECT f.unit_id, u.code, f.value, f.quota FROM figures f JOIN sub ON sub.id = f.unit_id JOIN units u ON u.id = f.unit_id
		WHERE f.campaign_id = $2 AND f.metric_id = (SELECT id FROM metrics WHERE key = $3) AND f.day = $4 AND f.kind = $5
		ORDER BY u.code`, scopeID, base.ID, req.BaseMetric, pgDate(asOf), string(req.Level))
	if err != nil {
		return nil, mapErr(err, "figures")
	}
	var figs []engine.Figure
	var f engine.Figure
	var value, quota *int64
	if _, err := pgx.ForEachRow(rows, []any{&f.UnitID, &f.Code, &value, &quota}, func() error {
		g := engine.Figure{UnitID: f.UnitID, Code: f.Code, Metric: req.BaseMetric, Day: asOf}
		if value != nil {
			g.HasValue, g.Value = true, *value
		}
		if quota != nil {
			g.HasQuota, g.Quota = true, *quota
		}
		figs = append(figs, g)
		return nil
	}); err != nil {
		return nil, mapErr(err, "figures")
	}
	var derived []engine.DerivedTarget
	if req.Rule == domain.RuleBoost {
		derived = rule.Targets(figs)
		for i := range derived {
			derived[i].Metric = req.Metric
		}
	} else {
		derived = engine.FollowTargets(figs, req.Metric)
	}
	got := map[int64]bool{}
	for _, d := range derived {
		got[d.UnitID] = true
	}
	out := &domain.TargetsResult{}
	for _, g := range figs {
		if !got[g.UnitID] {
			out.Skipped = append(out.Skipped, g.Code)
		}
	}
	if len(derived) == 0 {
		return nil, domain.Errorf(domain.EINVALID, "no %s unit in the scope has the figures the rule needs on %s", strings.ToLower(string(req.Level)), asOf)
	}
	eff := c.Start
	if req.EffectiveFrom != nil {
		eff = *req.EffectiveFrom
	}
	q := domain.SetQuotasRequest{Campaign: c.Slug, Reference: req.Reference}
	for _, row := range engine.QuotaRows(c.Slug, eff, req.Reference, derived) {
		reason := row.Reason
		if r := strings.TrimSpace(req.Reason); r != "" {
			reason = r + ": " + reason
		}
		q.Quotas = append(q.Quotas, domain.QuotaChange{UnitCode: row.UnitCode, Metric: row.Metric, Target: row.Target,
			EffectiveFrom: &row.EffectiveFrom, Reason: reason, Reference: row.Reference})
	}
	res, err := db.setQuotas(ctx, p, "setTargetsFromRule", q, itemLabel("targets"), opt)
	if res != nil {
		out.QuotaResult = *res
	}
	if err != nil {
		return out, err
	}
	return out, nil
}
