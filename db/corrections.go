package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

const revisionColumns = `r.id, r.unit_id, m.key, r.day, r.revision, r.value,
	(SELECT p.value FROM report_revisions p WHERE p.day = r.day AND p.unit_id = r.unit_id AND p.metric_id = r.metric_id
		AND p.revision = r.revision - 1),
	r.reported_at, r.received_at, r.note, r.correction, r.submitted_via, r.submitter_role, r.submitter_unit_id`

func scanRevision(row pgx.CollectableRow, extra ...any) (*domain.Revision, error) {
	var v domain.Revision
	var day time.Time
	dest := append([]any{&v.ID, &v.UnitID, &v.Metric, &day, &v.Revision, &v.Value, &v.Previous, &v.ReportedAt, &v.RecordedAt,
		&v.Note, &v.Correction, &v.Via, &v.SubmitterRole, &v.SubmitterUnitID}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	v.Day = toDate(day)
	return &v, nil
}

// RevisionsOf returns the revisions of the reports keys name, each oldest
// first, in one query (a report with none has an empty list).
func (db *DB) RevisionsOf(ctx context.Context, keys []domain.RevisionKey) (map[domain.RevisionKey][]*domain.Revision, error) {
	units := make([]int64, len(keys))
	metrics := make([]string, len(keys))
	days := make([]time.Time, len(keys))
	for i, k := range keys {
		units[i], metrics[i], days[i] = k.UnitID, k.Metric, pgDate(k.Day)
	}
	rows, err := db.reader(ctx).Query(ctx, `
		SELECT `+revisionColumns+`
		FROM (SELECT DISTINCT * FROM unnest($1::bigint[], $2::text[], $3::date[]) AS k(unit_id, metric, day)) k
		JOIN metrics m ON m.key = k.metric
		JOIN report_revisions r ON r.day = k.day AND r.unit_id = k.unit_id AND r.metric_id = m.id
		ORDER BY r.unit_id, m.key, r.day, r.revision`, units, metrics, days)
	if err != nil {
		return nil, mapErr(err, "revisions")
	}
	revs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.Revision, error) { return scanRevision(row) })
	if err != nil {
		return nil, mapErr(err, "revisions")
	}
	out := make(map[domain.RevisionKey][]*domain.Revision, len(keys))
	for _, v := range revs {
		k := domain.RevisionKey{UnitID: v.UnitID, Metric: v.Metric, Day: v.Day}
		out[k] = append(out[k], v)
	}
	return out, nil
}

// correctionsFrom selects the corrections of a CorrectionFilter: $1 the
// scope, $2 the campaign, $3 and $4 the days, $5 the metric. It walks up
// from the corrections (few: a partial index holds them) to their scopes,
// rather than down from each scope through its thousands of units.
const correctionsFrom = `
	WITH RECURSIVE cand AS (
		SELECT r.* FROM report_revisions r WHERE (r.revision > 1 OR r.correction) AND r.day BETWEEN $3 AND $4
	), up(rid, id) AS (
		SELECT id, unit_id FROM cand
		UNION ALL SELECT up.rid, u.parent_id FROM units u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL
	)
	SELECT %s
	FROM cand r
	JOIN up ON up.rid = r.id
	JOIN campaigns c ON up.id = coalesce($1::bigint, c.scope_unit_id) AND ($2::bigint IS NULL OR c.id = $2)
		AND r.day BETWEEN c.start_date AND c.end_date
	JOIN campaign_metrics cm ON cm.campaign_id = c.id AND cm.metric_id = r.metric_id
	JOIN metrics m ON m.id = r.metric_id
	WHERE ($5 = '' OR m.key = $5)`

// Corrections returns a page of the corrections f selects, newest first (by
// the time they were reported, then the order they were stored), and how
// many there are.
func (db *DB) Corrections(ctx context.Context, f domain.CorrectionFilter) ([]*domain.Correction, int, error) {
	var campaignID *int64
	if f.Campaign != nil {
		campaignID = &f.Campaign.ID
	}
	args := []any{f.ScopeID, campaignID, pgDate(f.From), pgDate(f.To), f.Metric}
	rows, err := db.reader(ctx).Query(ctx, fmt.Sprintf(correctionsFrom, revisionColumns+`, c.id,
			EXISTS (SELECT 1 FROM bulletins b WHERE b.campaign_id = c.id AND b.scope_unit_id = c.scope_unit_id AND b.day = r.day
				AND b.published_at < r.received_at)
			AND EXISTS (SELECT 1 FROM bulletins b WHERE b.campaign_id = c.id AND b.scope_unit_id = c.scope_unit_id AND b.day = r.day
				AND b.revision > 1 AND b.published_at >= r.received_at),
			count(*) OVER ()`)+`
		ORDER BY r.reported_at DESC, r.id DESC, c.id OFFSET $6 LIMIT $7`, append(args, f.Offset, f.Limit)...)
	if err != nil {
		return nil, 0, mapErr(err, "corrections")
	}
	var total int
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.Correction, error) {
		var c domain.Correction
		v, err := scanRevision(row, &c.CampaignID, &c.BulletinRevised, &total)
		if v != nil {
			c.Revision = *v
		}
		return &c, err
	})
	if err != nil {
		return nil, 0, mapErr(err, "corrections")
	}
	if len(cs) == 0 && f.Offset > 0 {
		// Past the last page: count without the window.
		total, err = db.CountCorrections(ctx, f)
	}
	return cs, total, err
}

// CountCorrections returns how many corrections f selects (its offset and
// limit aside).
func (db *DB) CountCorrections(ctx context.Context, f domain.CorrectionFilter) (int, error) {
	var campaignID *int64
	if f.Campaign != nil {
		campaignID = &f.Campaign.ID
	}
	var n int
	err := db.reader(ctx).QueryRow(ctx, fmt.Sprintf(correctionsFrom, "count(*)"), f.ScopeID, campaignID, pgDate(f.From), pgDate(f.To), f.Metric).Scan(&n)
	return n, mapErr(err, "corrections")
}
