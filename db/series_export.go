package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

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

// seriesPage is the rows of one campaign and day: the unit of
// EachSeriesRow's reads.
type seriesPage struct {
	campaignID, scopeUnit int64
	slug                  string
	metricIDs             []int16 // the metrics with figures that day (the primary key's second column)
	day                   time.Time
}

// EachSeriesRow calls fn for every stored figure the filter selects, by
// campaign (slug), day, metric, level (nation first) and unit code.
//
// It reads one campaign and day at a time (a page: at most one row per
// unit of the campaign's scope and metric, found through the figures'
// primary key)
// into memory, then hands its rows to fn: memory is bounded by a page, never
// a whole campaign, and no statement stays open while fn writes to a slow
// reader (a single query over every campaign did, and ran into the
// statement timeout). The pages are read in one read-only REPEATABLE READ
// transaction, so the file is one consistent version of the figures even if
// they are refreshed meanwhile.
//
// The campaign's scope is ranked against nothing: its rank is left empty,
// as in the bulletin's tables. The row passed to fn is reused: fn must not
// keep it.
func (db *DB) EachSeriesRow(ctx context.Context, f SeriesFilter, fn func(*SeriesRow) error) error {
	tx, err := db.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return mapErr(err, "figures")
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	pages, err := seriesPages(ctx, tx, f)
	if err != nil {
		return err
	}
	var buf []SeriesRow
	for _, p := range pages {
		if buf, err = readSeriesPage(ctx, tx, p, f.Level, buf[:0]); err != nil {
			return err
		}
		for i := range buf {
			if err := fn(&buf[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// seriesPages lists the pages the filter selects, in the files' order.
func seriesPages(ctx context.Context, tx pgx.Tx, f SeriesFilter) ([]seriesPage, error) {
	var from, to *time.Time
	if f.From != 0 {
		t := pgDate(f.From)
		from = &t
	}
	if f.To != 0 {
		t := pgDate(f.To)
		to = &t
	}
	rows, err := tx.Query(ctx, `
		SELECT c.id, c.scope_unit_id, c.slug, p.day, p.metrics
		FROM (SELECT f.campaign_id, f.day, array_agg(DISTINCT f.metric_id) AS metrics FROM figures f
		      WHERE ($1 = 0 OR f.campaign_id = $1) AND ($2::date IS NULL OR f.day >= $2) AND ($3::date IS NULL OR f.day <= $3)
		        AND ($4 = '' OR f.kind = $4)
		      GROUP BY f.campaign_id, f.day) p
		JOIN campaigns c ON c.id = p.campaign_id
		ORDER BY c.slug, p.day`, f.CampaignID, from, to, string(f.Level))
	if err != nil {
		return nil, mapErr(err, "figures")
	}
	var pages []seriesPage
	for rows.Next() {
		var p seriesPage
		if err := rows.Scan(&p.campaignID, &p.scopeUnit, &p.slug, &p.day, &p.metricIDs); err != nil {
			rows.Close()
			return nil, err
		}
		pages = append(pages, p)
	}
	return pages, mapErr(rows.Err(), "figures")
}

// readSeriesPage appends a page's rows (of one level when level is set) to
// buf, by metric, level (nation first) and unit code.
func readSeriesPage(ctx context.Context, tx pgx.Tx, p seriesPage, level domain.UnitKind, buf []SeriesRow) ([]SeriesRow, error) {
	rows, err := tx.Query(ctx, `
		SELECT m.key, u.code, u.full_name, f.kind, coalesce(pu.code, ''), f.value, f.source, f.stale_days,
		       f.quota, f.quota_revision, f.rate, f.band,
		       CASE WHEN f.unit_id <> $4 THEN f.rank END, CASE WHEN f.unit_id <> $4 THEN f.rank_change END, f.delta
		FROM figures f
		JOIN metrics m ON m.id = f.metric_id
		JOIN units u ON u.id = f.unit_id
		LEFT JOIN units pu ON pu.id = f.parent_id
		WHERE f.campaign_id = $1 AND f.metric_id = ANY($2) AND f.day = $3 AND ($5 = '' OR f.kind = $5)
		ORDER BY m.key, array_position(ARRAY['NATION','PROVINCE','DISTRICT','COMMUNE','VILLAGE','AGENCY'], f.kind), u.code`,
		p.campaignID, p.metricIDs, p.day, p.scopeUnit, string(level))
	if err != nil {
		return buf, mapErr(err, "figures")
	}
	defer rows.Close()
	day := toDate(p.day)
	var kind, source string
	for rows.Next() {
		buf = append(buf, SeriesRow{Campaign: p.slug, Day: day})
		r := &buf[len(buf)-1]
		if err := rows.Scan(&r.Metric, &r.UnitCode, &r.UnitName, &kind, &r.ParentCode, &r.Figure, &source,
			&r.StaleDays, &r.Quota, &r.QuotaRevision, &r.Rate, &r.Band, &r.Rank, &r.RankChange, &r.Delta); err != nil {
			return buf, err
		}
		r.Level, r.Source = domain.UnitKind(kind), domain.Source(source)
	}
	return buf, mapErr(rows.Err(), "figures")
}
