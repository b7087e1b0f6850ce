package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

const quotaColumns = `q.id, q.campaign_id, q.unit_id, m.key, q.target, q.effective_from, q.reason, q.reference, q.created_at, q.created_by`

// QuotasInForce returns, per unit and metric with a quota of its own, the
// revision in force on asOf (the latest by effective day, then by id), ordered
// by unit code and metric, and the total.
func (db *DB) QuotasInForce(ctx context.Context, f domain.QuotaFilter, asOf domain.Date) ([]*domain.QuotaRevision, int, error) {
	return db.findQuotas(ctx, `
		WITH inforce AS (
			SELECT DISTINCT ON (q.unit_id, q.metric_id) q.*
			FROM quota_revisions q JOIN metrics m ON m.id = q.metric_id
			WHERE q.campaign_id = $1 AND q.effective_from <= $2::date
			  AND ($3 = '' OR m.key = $3) AND ($4::bigint IS NULL OR q.unit_id = $4)
			ORDER BY q.unit_id, q.metric_id, q.effective_from DESC, q.id DESC
		)
		SELECT `+quotaColumns+`, count(*) OVER ()
		FROM inforce q JOIN metrics m ON m.id = q.metric_id JOIN units u ON u.id = q.unit_id
		ORDER BY u.code, m.position OFFSET $5 LIMIT $6`,
		f.CampaignID, pgDate(asOf), f.Metric, f.UnitID, f.Offset, f.Limit)
}

// QuotaHistory returns every revision of the filter's unit (required),
// oldest first, and the total.
func (db *DB) QuotaHistory(ctx context.Context, f domain.QuotaFilter) ([]*domain.QuotaRevision, int, error) {
	return db.findQuotas(ctx, `
		SELECT `+quotaColumns+`, count(*) OVER ()
		FROM quota_revisions q JOIN metrics m ON m.id = q.metric_id
		WHERE q.campaign_id = $1 AND ($2 = '' OR m.key = $2) AND q.unit_id = $3
		ORDER BY m.position, q.effective_from, q.id OFFSET $4 LIMIT $5`,
		f.CampaignID, f.Metric, f.UnitID, f.Offset, f.Limit)
}

func (db *DB) findQuotas(ctx context.Context, sql string, args ...any) ([]*domain.QuotaRevision, int, error) {
	rows, err := db.reader(ctx).Query(ctx, sql, args...)
	if err != nil {
		return nil, 0, mapErr(err, "quotas")
	}
	var total int
	qs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.QuotaRevision, error) {
		var q domain.QuotaRevision
		var eff time.Time
		err := row.Scan(&q.ID, &q.CampaignID, &q.UnitID, &q.MetricKey, &q.Target, &eff, &q.Reason, &q.Reference, &q.CreatedAt, &q.CreatedBy, &total)
		q.EffectiveFrom = toDate(eff)
		return &q, err
	})
	return qs, total, mapErr(err, "quotas")
}
