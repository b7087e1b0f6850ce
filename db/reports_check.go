package db

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

// checkItems checks each item alone against the campaign, the units and
// metrics (rule 3), and finds their ids.
func (w *reportWrite) checkItems(ctx context.Context, tx pgx.Tx) error {
	items, label, slug := w.items, w.label, w.slug
	c, err := loadCampaignInfo(ctx, tx, slug)
	w.c = c
	if err != nil {
		return err
	} else if c == nil {
		return domain.FieldErrorf(domain.EINVALID, "campaign", "unknown campaign %q", slug)
	}
	today := domain.DateFromTime(w.now.In(loadLocation(c.timeZone)))
	codes := make([]string, len(items))
	for i, it := range items {
		codes[i] = it.UnitCode
	}
	ix, err := loadUnitIndexFor(ctx, tx, codes)
	if err != nil {
		return err
	}
	metrics, err := w.db.metricIDs(ctx, tx)
	if err != nil {
		return err
	}
	// Checks of each item alone.
	var errs domain.ImportErrors
	units := make([]unitSpan, len(items))
	mids := make([]int16, len(items))
	for i := range items {
		it := &items[i]
		row := domain.ReportRow{UnitCode: it.UnitCode, Metric: it.Metric, Date: it.Date, Value: it.Value}
		u, mid, err := checkReport(label, i, &row, ix, metrics, today)
		switch {
		case err != nil:
		case it.Date < c.start || it.Date > c.end:
			err = label.errf(i, "date", "%s is outside the campaign %s (%s to %s)", it.Date, c.slug, c.start, c.end)
		case !c.metrics[it.Metric]:
			err = label.errf(i, "metric", "campaign %s does not track %s", c.slug, it.Metric)
		case domain.TextLen(it.Note) > 2000:
			err = label.errf(i, "note", "the note is longer than 2000 characters")
		}
		if err != nil {
			errs = append(errs, err)
		}
		units[i], mids[i] = u, mid
		if len(errs) >= domain.MaxImportErrors {
			return errs
		}
	}
	if len(errs) > 0 {
		return errs
	}
	w.ids = make([]int64, len(items))
	for i := range units {
		w.ids[i] = units[i].id
	}
	w.mids = mids
	return nil
}

// checkScope: every unit inside the campaign's subtree, and a reporter's
// (FORBIDDEN naming the item otherwise).
func (w *reportWrite) checkScope(ctx context.Context, tx pgx.Tx) error {
	items, label, c, p, ids := w.items, w.label, w.c, w.p, w.ids
	var errs domain.ImportErrors
	anc, err := ancestors(ctx, tx, ids)
	if err != nil {
		return err
	}
	for i, it := range items {
		if !p.IsAdmin() && (p.UnitID == nil || !slices.Contains(anc[ids[i]], *p.UnitID)) {
			errs = append(errs, &domain.Error{Code: domain.EFORBIDDEN, Field: label(i, "unit_code"),
				Message: fmt.Sprintf("unit %s is outside the subtree of %s, the unit this token may write for", it.UnitCode, p.UnitCode)})
		} else if !slices.Contains(anc[ids[i]], c.scopeID) {
			errs = append(errs, label.errf(i, "unit_code", "unit %s is outside the scope of campaign %s", it.UnitCode, c.slug))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// stage locks the items' units and metrics, copies the items into a
// temporary table, and checks them against what is stored: duplicates, the
// cumulative order (submissions), the quota factor.
func (w *reportWrite) stage(ctx context.Context, tx pgx.Tx) error {
	items, label, ids, mids, c := w.items, w.label, w.ids, w.mids, w.c
	var errs domain.ImportErrors
	// One writer per unit and metric at a time, locked in a fixed order.
	if err := lockUnitMetrics(ctx, tx, ids, mids); err != nil {
		return err
	}
	if err := stagingTable(ctx, tx, "write_reports", `(line int, unit_id bigint, metric_id smallint, day date,
		value bigint, note text, confirmed boolean, flagged boolean NOT NULL DEFAULT false)`); err != nil {
		return err
	}
	src := make([][]any, len(items))
	for i, it := range items {
		src[i] = []any{i, ids[i], mids[i], pgDate(it.Date), it.Value, strings.TrimSpace(it.Note), it.ConfirmAboveQuota}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"write_reports"},
		[]string{"line", "unit_id", "metric_id", "day", "value", "note", "confirmed"}, pgx.CopyFromRows(src)); err != nil {
		return err
	}
	if err := duplicateErrors(ctx, tx, "write_reports", label, "item", &errs); err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs
	}
	if !w.correcting {
		if err := sequenceErrors(ctx, tx, "write_reports", label, submitSeq, &errs); err != nil {
			return err
		}
	}
	if err := quotaFactorErrors(ctx, tx, c.id, w.opt.Factor(), label, &errs); err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// quotaFactorErrors rejects staged figures above their unit's quota in force
// that day (its own revision, else its stored rolled-up quota) times factor,
// unless the item is confirmed, in which case it is flagged.
func quotaFactorErrors(ctx context.Context, tx pgx.Tx, campaignID int64, factor float64, l labeler, errs *domain.ImportErrors) error {
	if factor < 0 {
		return nil
	}
	over := `
		SELECT i.line, q.quota FROM write_reports i
		CROSS JOIN LATERAL (SELECT COALESCE(
			(SELECT q.target FROM quota_revisions q
			 WHERE q.campaign_id = $1 AND q.unit_id = i.unit_id AND q.metric_id = i.metric_id AND q.effective_from <= i.day
			 ORDER BY q.effective_from DESC, q.id DESC LIMIT 1),
			(SELECT f.quota FROM figures f
			 WHERE f.campaign_id = $1 AND f.unit_id = i.unit_id AND f.metric_id = i.metric_id AND f.day = i.day)) AS quota) q
		WHERE q.quota > 0 AND i.value > q.quota * $2::float8`
	if _, err := tx.Exec(ctx, `UPDATE write_reports w SET flagged = true FROM (`+over+`) o WHERE o.line = w.line AND w.confirmed`,
		campaignID, factor); err != nil {
		return err
	}
	return collectErrors(ctx, tx, l, errs, `
		SELECT o.line, 'value', format('%s is more than %s times the quota in force that day (%s): probably a typing error; if it is right, send it again with confirmAboveQuota: true and it is stored flagged',
			i.value, $2::float8, o.quota)
		FROM (`+over+`) o JOIN write_reports i ON i.line = o.line WHERE NOT i.confirmed ORDER BY o.line LIMIT 20`,
		campaignID, factor)
}
