package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
)

// The facts a bulletin gives as causes: why a total fell, and which
// revisions of reports and quotas a later revision of a bulletin follows.

// FiguresSnapshot returns the snapshot the campaign's stored figures were
// computed from ("" before the first computation).
func (db *DB) FiguresSnapshot(ctx context.Context, campaignID int64) (string, error) {
	var s *string
	err := db.reader(ctx).QueryRow(ctx, `SELECT snapshot::text FROM figures_state WHERE campaign_id = $1`, campaignID).Scan(&s)
	if err == pgx.ErrNoRows || s == nil {
		return "", nil
	}
	return *s, mapErr(err, "figures state")
}

// DayPair is a unit's figure for one metric on a day and the day before,
// with where each comes from.
type DayPair struct {
	UnitID     int64
	ParentID   *int64
	Value      *int64
	Source     domain.Source
	Prev       *int64
	PrevSource *domain.Source
}

// DayPairs returns the figures of a day and of the day before of every
// unit of a campaign for a metric (a caller walks from its unit down by
// ParentID).
func (db *DB) DayPairs(ctx context.Context, campaignID int64, metric string, day domain.Date) ([]DayPair, error) {
	// Two days of one metric, a range of the primary key, paired here
	// (a join of figures with itself is planned badly before figures are
	// analyzed).
	rows, err := db.reader(ctx).Query(ctx, `SELECT f.day, f.unit_id, f.parent_id, f.value, f.source FROM figures f
		WHERE f.campaign_id = $1 AND f.metric_id = (SELECT id FROM metrics WHERE key = $2) AND f.day BETWEEN $3::date - 1 AND $3
		ORDER BY f.day DESC`, campaignID, metric, pgDate(day))
	if err != nil {
		return nil, err
	}
	var out []DayPair
	at := map[int64]int{}
	var d time.Time
	var unitID int64
	var parentID, value *int64
	var source domain.Source
	_, err = pgx.ForEachRow(rows, []any{&d, &unitID, &parentID, &value, &source}, func() error {
		if toDate(d) == day {
			at[unitID] = len(out)
			out = append(out, DayPair{UnitID: unitID, ParentID: parentID, Value: value, Source: source})
		} else if i, ok := at[unitID]; ok {
			src := source
			out[i].Prev, out[i].PrevSource = value, &src
		}
		return nil
	})
	return out, mapErr(err, "figures")
}

// ReportRevision is one stored revision of a unit's report.
type ReportRevision struct {
	UnitID     int64
	Metric     string
	Day        domain.Date
	Revision   int
	Value      int64
	Previous   *int64 // the value it replaced (the revision before, or as the caller asked)
	Note       string
	Correction bool
	Quota      bool // a quota revision: Day is when it takes effect, Value the target, Note the reason
}

// LatestReports returns the latest revision of each unit's report of a
// metric on each of days, with the value of the revision before it.
func (db *DB) LatestReports(ctx context.Context, metric string, unitIDs []int64, days []domain.Date) ([]ReportRevision, error) {
	ds := make([]time.Time, len(days))
	for i, d := range days {
		ds[i] = pgDate(d)
	}
	rows, err := db.reader(ctx).Query(ctx, `
		SELECT r.unit_id, $1::text, r.day, r.revision, r.value,
			(SELECT p.value FROM report_revisions p WHERE p.day = r.day AND p.unit_id = r.unit_id AND p.metric_id = r.metric_id
			 AND p.revision = r.revision - 1), r.note, r.correction
		FROM unnest($3::date[]) d(day) CROSS JOIN unnest($2::bigint[]) u(id)
		CROSS JOIN LATERAL (SELECT * FROM report_revisions r WHERE r.day = d.day AND r.unit_id = u.id
			AND r.metric_id = (SELECT id FROM metrics WHERE key = $1) ORDER BY r.revision DESC LIMIT 1) r`, metric, unitIDs, ds)
	if err != nil {
		return nil, err
	}
	return collectRevisions(rows)
}

func collectRevisions(rows pgx.Rows) ([]ReportRevision, error) {
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReportRevision, error) {
		var r ReportRevision
		var day time.Time
		err := row.Scan(&r.UnitID, &r.Metric, &day, &r.Revision, &r.Value, &r.Previous, &r.Note, &r.Correction)
		r.Day = toDate(day)
		return r, err
	})
	return out, mapErr(err, "report revisions")
}

// RevisionsBetween returns the revisions of reports and quotas that the
// figures of snapshot cur see and those of snapshot prev did not, for the
// units of a campaign, which can change what its bulletins of day say:
// reports of days up to it whose value still counts within its last eight
// days (a figure, its change since the day before, its 7-day pace), and
// quotas in force on the day or the day before. Each report is given once,
// its latest revision, with the value prev saw (Previous; nil when prev
// saw none). Reports first, by unit and day.
func (db *DB) RevisionsBetween(ctx context.Context, campaignID int64, day domain.Date, prev, cur string) ([]ReportRevision, error) {
	rows, err := db.reader(ctx).Query(ctx, `
		-- The revisions since prev first (a range of the xid index), then
		-- those of the campaign's units.
		WITH since AS MATERIALIZED (
			SELECT r.unit_id, r.metric_id, r.day, r.revision, r.value, r.note, r.correction
			FROM report_revisions r
			WHERE r.xid >= pg_snapshot_xmin($3::pg_snapshot) AND NOT pg_visible_in_snapshot(r.xid, $3::pg_snapshot)
			  AND pg_visible_in_snapshot(r.xid, $4::pg_snapshot) AND r.day <= $2),
		rep AS (
			SELECT DISTINCT ON (r.unit_id, r.metric_id, r.day) r.*
			FROM since r
			WHERE EXISTS (SELECT 1 FROM figures f WHERE f.campaign_id = $1 AND f.metric_id = r.metric_id AND f.day = $2 AND f.unit_id = r.unit_id)
			ORDER BY r.unit_id, r.metric_id, r.day, r.revision DESC)
		SELECT * FROM (
			SELECT false AS quota, rep.unit_id, m.key, rep.day, rep.revision, rep.value,
				(SELECT p.value FROM report_revisions p WHERE p.day = rep.day AND p.unit_id = rep.unit_id AND p.metric_id = rep.metric_id
				 AND pg_visible_in_snapshot(p.xid, $3::pg_snapshot) ORDER BY p.revision DESC LIMIT 1) AS previous,
				rep.note, rep.correction
			FROM rep JOIN metrics m ON m.id = rep.metric_id
			WHERE rep.day >= $2::date - 7 OR NOT EXISTS (SELECT 1 FROM report_between(rep.unit_id, rep.metric_id, rep.day + 1, $2::date - 7))
			UNION ALL
			SELECT true, q.unit_id, m.key, q.effective_from, 0, q.target, NULL, q.reason, false
			FROM quota_revisions q JOIN metrics m ON m.id = q.metric_id
			WHERE q.campaign_id = $1 AND q.xid >= pg_snapshot_xmin($3::pg_snapshot) AND NOT pg_visible_in_snapshot(q.xid, $3::pg_snapshot)
			  AND pg_visible_in_snapshot(q.xid, $4::pg_snapshot) AND q.effective_from <= $2
			  AND NOT EXISTS (SELECT 1 FROM quota_revisions o WHERE o.campaign_id = q.campaign_id AND o.unit_id = q.unit_id
				AND o.metric_id = q.metric_id AND pg_visible_in_snapshot(o.xid, $4::pg_snapshot)
				AND o.effective_from > q.effective_from AND o.effective_from <= $2::date - 1)
		) x ORDER BY quota, unit_id, key, day`,
		campaignID, pgDate(day), prev, cur)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReportRevision, error) {
		var r ReportRevision
		var day time.Time
		err := row.Scan(&r.Quota, &r.UnitID, &r.Metric, &day, &r.Revision, &r.Value, &r.Previous, &r.Note, &r.Correction)
		r.Day = toDate(day)
		return r, err
	})
	return out, mapErr(err, "revisions")
}
