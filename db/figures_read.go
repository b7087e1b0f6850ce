package db

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tiendo-vn/tiendo/domain"
)

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// subtree returns a unit and everything below it, every validity period.
func (db *DB) subtree(ctx context.Context, rootID int64) ([]*domain.Unit, error) {
	return subtreeIn(ctx, db.Pool, rootID)
}

func subtreeIn(ctx context.Context, q querier, rootID int64) ([]*domain.Unit, error) {
	rows, err := q.Query(ctx, subtreeSQL+` SELECT `+unitColumns+` FROM units u JOIN sub ON sub.id = u.id`, rootID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanUnit)
}

func (db *DB) campaignByID(ctx context.Context, id int64) (*domain.Campaign, error) {
	return campaignIn(ctx, db.Pool, id)
}

func campaignIn(ctx context.Context, q querier, id int64) (*domain.Campaign, error) {
	rows, err := q.Query(ctx, `SELECT `+campaignColumns+` FROM campaigns c WHERE c.id = $1`, id)
	if err != nil {
		return nil, mapErr(err, "campaign")
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCampaign)
	return c, mapErr(err, "campaign")
}

// CampaignIDs returns the ids of every campaign whose period overlaps
// [from, to].
func (db *DB) CampaignIDs(ctx context.Context, from, to domain.Date) ([]int64, error) {
	rows, err := db.reader(ctx).Query(ctx, `SELECT id FROM campaigns WHERE start_date <= $2 AND end_date >= $1 ORDER BY id`, pgDate(from), pgDate(to))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

const pointColumns = `f.day, f.unit_id, f.kind, f.value, f.source, f.stale_days, f.quota, f.quota_own, f.rate, f.delta, f.delta7,
	f.pace7d, f.required_pace, f.projected, f.at_risk, f.band, f.rank, f.rank_change, f.on_time, f.late, f.missing,
	coalesce(f.rules_version, 0)`

// Series returns a page of a unit's daily figures for one metric between
// from and to (inclusive), oldest first, and the total number of days,
// without their ranks (a series shows none: read through the figures view,
// they were a third of its time in PostgreSQL). It reads the figures alone
// (and metrics), so the campaign's figures version describes its answer.
func (db *DB) Series(ctx context.Context, campaignID, unitID int64, metric string, from, to domain.Date, offset, limit int) ([]*domain.Point, int, error) {
	// One short range of figures_series_idx (migration 023) per 16-day
	// span of the campaign's days asked for: a unit's days of one metric
	// and span lie together there, while the primary key keeps a day's
	// units together for rankings and refreshes.
	rows, err := db.reader(ctx).Query(ctx, `
		SELECT `+valueColumns+`, f.revisions, count(*) OVER ()
		FROM figure_values f
		WHERE f.campaign_id = $1 AND f.metric_id = (SELECT id FROM metrics WHERE key = $3) AND f.unit_id = $2
		  AND day_bucket(f.day) = ANY(ARRAY(SELECT generate_series(day_bucket(greatest($4, c.start_date)), day_bucket(least($5, c.end_date)))
			FROM campaigns c WHERE c.id = $1))
		  AND f.day BETWEEN $4 AND $5
		ORDER BY f.day OFFSET $6 LIMIT $7`, campaignID, unitID, metric, pgDate(from), pgDate(to), offset, limit)
	if err != nil {
		return nil, 0, mapErr(err, "progress")
	}
	var revisions, total int
	scan := newPointScan(nil, &revisions, &total)
	ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*domain.Point, error) {
		if err := scan.scan(row); err != nil {
			return nil, err
		}
		p := scan.point()
		p.Revisions = revisions
		return p, nil
	})
	return ps, total, mapErr(err, "progress")
}

// ComputedTo returns the last day a campaign's figures are computed for.
func (db *DB) ComputedTo(ctx context.Context, campaignID int64) (*domain.Date, error) {
	var t *time.Time
	err := db.reader(ctx).QueryRow(ctx, `SELECT computed_to FROM figures_state WHERE campaign_id = $1`, campaignID).Scan(&t)
	if err == pgx.ErrNoRows {
		return nil, nil
	}
	return toDatePtr(t), mapErr(err, "figures state")
}

// Ranking returns a page of the ranking of the campaign's own scope (the
// ranks stored at ingest) and its total. A smaller scope is renumbered by
// package app from RankingRows.
func (db *DB) Ranking(ctx context.Context, f domain.RankingFilter) ([]*domain.RankRow, int, error) {
	c := f.Campaign
	all, err := db.rankedDay(ctx, c.ID, f.Metric, f.Day, `
		SELECT `+valueColumns+`, u.code, f.parent_id
		FROM figure_values f JOIN units u ON u.id = f.unit_id
		WHERE f.campaign_id = $1 AND f.metric_id = (SELECT id FROM metrics WHERE key = $2) AND f.day = $3 AND f.kind = $4`,
		c.ID, f.Metric, pgDate(f.Day), string(f.Kind))
	if err != nil {
		return nil, 0, mapErr(err, "ranking")
	}
	sortRanked(all)
	lo, hi := min(max(f.Offset, 0), len(all)), len(all)
	if f.Limit >= 0 && f.Limit < hi-lo {
		hi = lo + f.Limit
	}
	return all[lo:hi], len(all), nil
}

// sortRanked puts rows in rank order: by rank, the unranked last, then by
// code. (Sorted here rather than in PostgreSQL: a row's rank comes from its
// figure_ranks row, whose arrays a sort or window there carries along
// with every row: 88 against 37 ms for the nation's communes.)
func sortRanked(rows []*domain.RankRow) {
	slices.SortFunc(rows, func(a, b *domain.RankRow) int {
		switch {
		case a.Rank == nil && b.Rank != nil:
			return 1
		case a.Rank != nil && b.Rank == nil:
			return -1
		case a.Rank != nil && *a.Rank != *b.Rank:
			return cmp.Compare(*a.Rank, *b.Rank)
		}
		return strings.Compare(a.Code, b.Code)
	})
}

// RankingRows returns every stored row of f's kind inside the subtree of
// f.ScopeID on day, in the stored rank order; their ranks are those of the
// campaign's scope.
func (db *DB) RankingRows(ctx context.Context, f domain.RankingFilter, day domain.Date) ([]*domain.RankRow, error) {
	out, err := db.rankedDay(ctx, f.Campaign.ID, f.Metric, day, subtreeSQL+`
		SELECT `+valueColumns+`, u.code, f.parent_id
		FROM figure_values f JOIN sub ON sub.id = f.unit_id JOIN units u ON u.id = f.unit_id
		WHERE f.campaign_id = $2 AND f.metric_id = (SELECT id FROM metrics WHERE key = $3) AND f.day = $4 AND f.kind = $5`,
		f.ScopeID, f.Campaign.ID, f.Metric, pgDate(day), string(f.Kind))
	if err != nil {
		return nil, mapErr(err, "ranking")
	}
	sortRanked(out)
	return out, nil
}

// rankRowScan reads rows of pointColumns, then the unit's code and parent.
type rankRowScan struct {
	*pointScan
	code   string
	parent pgtype.Int8
	// unranked leaves the rows' ranks to be set later (dayRanks.set), each
	// with its nulls.
	unranked bool
	nulls    []*pointNulls
}

func newRankRowScan() *rankRowScan {
	s := &rankRowScan{}
	s.pointScan = newPointScan(nil, &s.code, &s.parent)
	return s
}

// row reads a row into a rank row allocated with its nullable values.
func (s *rankRowScan) row(row pgx.CollectableRow) (*domain.RankRow, error) {
	if err := s.scan(row); err != nil {
		return nil, err
	}
	b := new(struct {
		r      domain.RankRow
		n      pointNulls
		parent int64
	})
	s.fill(&b.r.Point, &b.n)
	if s.unranked { // valueColumns read no rank: dayRanks.set puts it in b.n
		s.nulls = append(s.nulls, &b.n)
	}
	b.r.Code = s.code
	if s.parent.Valid {
		b.parent = s.parent.Int64
		b.r.ParentID = &b.parent
	}
	return &b.r, nil
}

// valueColumns are pointColumns read from figure_values alone: the ranks
// are put in place by rankedDay.
var valueColumns = strings.Replace(pointColumns, "f.rank, f.rank_change", "NULL::int, NULL::int", 1)

// rankedDay reads the rank rows a statement selects from one campaign's
// figure_values of one metric and day (valueColumns, the unit's code and
// parent) with their ranks, in one snapshot.
//
// The ranks are read apart, the day's few figure_ranks rows (85 for the
// nation's communes), and put in place here. Joined in PostgreSQL (the
// figures view), the plan follows the day's statistics, and a day newer
// than the tables' last ANALYZE (each report morning's, until autovacuum
// comes) is estimated at one row: a nested loop that scans the day's
// blocks again for each of the nation's 10,035 communes, 270 ms against
// 32 ms with the statistics fresh (2026-12-03). Apart, neither read
// depends on them.
func (db *DB) rankedDay(ctx context.Context, campaignID int64, metric string, day domain.Date, sql string, args ...any) ([]*domain.RankRow, error) {
	var out []*domain.RankRow
	scan := newRankRowScan()
	scan.unranked = true
	ranks := dayRanks{}
	// One round trip: the batch's statements run in one snapshot.
	b := &pgx.Batch{}
	b.Queue(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`)
	b.Queue(sql, args...).Query(func(rows pgx.Rows) (err error) {
		out, err = pgx.CollectRows(rows, scan.row)
		return err
	})
	b.Queue(`SELECT block, ranks, rank_changes FROM figure_ranks
		WHERE campaign_id = $1 AND metric_id = (SELECT id FROM metrics WHERE key = $2) AND day = $3`,
		campaignID, metric, pgDate(day)).Query(func(rows pgx.Rows) error {
		_, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
			var block int64
			var b rankBlock
			err := row.Scan(&block, &b.ranks, &b.changes)
			ranks[block] = b
			return struct{}{}, err
		})
		return err
	})
	b.Queue(`COMMIT`)
	if err := db.reader(ctx).SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	for i, r := range out {
		ranks.set(&r.Point, scan.nulls[i])
	}
	return out, nil
}

// FiguresVersion returns the last day a campaign's figures are computed for
// and a token that changes whenever they are rewritten (for caches).
func (db *DB) FiguresVersion(ctx context.Context, campaignID int64) (*domain.Date, string, error) {
	var t *time.Time
	var version string
	err := db.reader(ctx).QueryRow(ctx, `SELECT computed_to, updated_at::text FROM figures_state WHERE campaign_id = $1`, campaignID).Scan(&t, &version)
	if err == pgx.ErrNoRows {
		return nil, "", nil
	}
	return toDatePtr(t), version, mapErr(err, "figures state")
}
