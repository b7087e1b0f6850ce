package db

import (
	"context"
	"time"

	"github.com/tiendo-vn/tiendo/domain"
)

// SeriesRow is one stored figure as the downloads write it: a campaign's
// unit, metric and day, with what a reader needs to check it.
type SeriesRow struct {
	Campaign      string
	Day           domain.Date
	UnitCode      string
	UnitName      string // full name, e.g. Huyện Ba Tri
	Level         domain.UnitKind
	ParentCode    string // "" for the campaign's scope
	Metric        string
	Figure        *int64
	Source        domain.Source
	StaleDays     int
	Quota         *int64
	QuotaRevision *int64 // the quota_revisions id in force for the unit's own quota; nil when summed or none
	Rate          *float64
	Band          *string
	Rank          *int
	RankChange    *int
	Delta         *int64
}

// SeriesFilter selects the rows of a download: one campaign (0: every
// campaign), a range of days (zero: unbounded) and one level ("": all).
type SeriesFilter struct {
	CampaignID int64
	From, To   domain.Date
	Level      domain.UnitKind
}

// EachSeriesRow calls fn for every stored figure the filter selects, by
// campaign, day, metric, level (nation first) and unit code, reading them
// from PostgreSQL one at a time: a whole campaign is never held in memory.
// The campaign's scope is ranked against nothing: its rank is left empty,
// as in the bulletin's tables. The row passed to fn is reused: fn must not
// keep it.
func (db *DB) EachSeriesRow(ctx context.Context, f SeriesFilter, fn func(*SeriesRow) error) error {
	var from, to *time.Time
	if f.From != 0 {
		t := pgDate(f.From)
		from = &t
	}
	if f.To != 0 {
		t := pgDate(f.To)
		to = &t
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT c.slug, f.day, u.code, u.full_name, f.kind, coalesce(p.code, ''), m.key, f.value, f.source, f.stale_days,
		       f.quota, f.quota_revision, f.rate, f.band,
		       CASE WHEN f.unit_id <> c.scope_unit_id THEN f.rank END, CASE WHEN f.unit_id <> c.scope_unit_id THEN f.rank_change END, f.delta
		FROM figures f
		JOIN campaigns c ON c.id = f.campaign_id
		JOIN units u ON u.id = f.unit_id
		LEFT JOIN units p ON p.id = f.parent_id
		JOIN metrics m ON m.id = f.metric_id
		WHERE ($1 = 0 OR f.campaign_id = $1) AND ($2::date IS NULL OR f.day >= $2) AND ($3::date IS NULL OR f.day <= $3)
		  AND ($4 = '' OR f.kind = $4)
		ORDER BY c.slug, f.day, m.key,
		  array_position(ARRAY['NATION','PROVINCE','DISTRICT','COMMUNE','VILLAGE','AGENCY'], f.kind), u.code`,
		f.CampaignID, from, to, string(f.Level))
	if err != nil {
		return mapErr(err, "figures")
	}
	defer rows.Close()
	var r SeriesRow
	var day time.Time
	var kind, source string
	for rows.Next() {
		if err := rows.Scan(&r.Campaign, &day, &r.UnitCode, &r.UnitName, &kind, &r.ParentCode, &r.Metric, &r.Figure, &source,
			&r.StaleDays, &r.Quota, &r.QuotaRevision, &r.Rate, &r.Band, &r.Rank, &r.RankChange, &r.Delta); err != nil {
			return err
		}
		r.Day, r.Level, r.Source = toDate(day), domain.UnitKind(kind), domain.Source(source)
		if err := fn(&r); err != nil {
			return err
		}
	}
	return mapErr(rows.Err(), "figures")
}
