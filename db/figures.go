package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// subtreeSQL selects the ids of a unit's subtree ($1 is the root id).
const subtreeSQL = `WITH RECURSIVE sub(id) AS (
	SELECT $1::bigint UNION ALL SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)`

// RefreshFigures recomputes the figures of a campaign from day from (clamped
// to the campaign's start) to the campaign's last day that has begun, and
// stores them, replacing what was there for those days. It returns the
// number of figure rows written.
func (db *DB) RefreshFigures(ctx context.Context, campaignID int64, from domain.Date, now time.Time) (int, error) {
	c, err := db.campaignByID(ctx, campaignID)
	if err != nil {
		return 0, err
	}
	from = max(from, c.Start)
	to := min(c.End, domain.DateFromTime(now.In(c.Location())))
	var lastReport *time.Time
	if err := db.Pool.QueryRow(ctx, subtreeSQL+`
		SELECT max(rc.day) FROM report_current rc JOIN sub ON sub.id = rc.unit_id
		WHERE rc.day <= $2`, c.ScopeUnitID, pgDate(c.End)).Scan(&lastReport); err != nil {
		return 0, err
	}
	if lastReport != nil {
		to = max(to, min(toDate(*lastReport), c.End))
	}
	in := engine.Input{Campaign: c, From: from, To: to}
	if in.Units, err = db.subtree(ctx, c.ScopeUnitID); err != nil {
		return 0, err
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT q.id, q.campaign_id, q.unit_id, m.key, q.target, q.effective_from
		FROM quota_revisions q JOIN metrics m ON m.id = q.metric_id WHERE q.campaign_id = $1`, c.ID)
	if err != nil {
		return 0, err
	}
	in.Quotas, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.QuotaRevision, error) {
		var q domain.QuotaRevision
		var eff time.Time
		err := row.Scan(&q.ID, &q.CampaignID, &q.UnitID, &q.MetricKey, &q.Target, &eff)
		q.EffectiveFrom = toDate(eff)
		return q, err
	})
	if err != nil {
		return 0, err
	}
	// The reports the days from..to depend on: those of the days the engine
	// computes (from eight days before, for changes and pace) and, for each
	// unit and metric, the last one before them, which is carried forward.
	lo := from - 8
	rows, err = db.Pool.Query(ctx, subtreeSQL+`,
		ms AS (SELECT id, key FROM metrics WHERE key = ANY($4))
		SELECT rc.unit_id, ms.key, rc.day, rc.value, rc.first_reported_at
		FROM report_current rc JOIN sub ON sub.id = rc.unit_id JOIN ms ON ms.id = rc.metric_id
		WHERE rc.day BETWEEN $2 AND $3
		UNION ALL
		SELECT l.unit_id, ms.key, l.day, l.value, l.first_reported_at
		FROM sub CROSS JOIN ms CROSS JOIN LATERAL (
			SELECT rc.unit_id, rc.day, rc.value, rc.first_reported_at FROM report_current rc
			WHERE rc.unit_id = sub.id AND rc.metric_id = ms.id AND rc.day < $2
			ORDER BY rc.day DESC LIMIT 1) l`, c.ScopeUnitID, pgDate(lo), pgDate(to), c.MetricKeys)
	if err != nil {
		return 0, err
	}
	var r engine.Report
	var day time.Time
	_, err = pgx.ForEachRow(rows, []any{&r.UnitID, &r.Metric, &day, &r.Value, &r.FirstReportedAt}, func() error {
		r.Day = toDate(day)
		in.Reports = append(in.Reports, r)
		return nil
	})
	if err != nil {
		return 0, err
	}
	metricIDs := map[string]int16{}
	written := 0
	err = db.inTx(ctx, pgx.TxOptions{}, func(tx pgx.Tx) error {
		// One refresh of a campaign at a time.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('tiendo.figures'), $1::int)`, int32(c.ID)); err != nil {
			return err
		}
		if metricIDs, err = db.metricIDs(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM figures WHERE campaign_id = $1 AND day >= $2`, c.ID, pgDate(from)); err != nil {
			return err
		}
		src := &figureSource{ch: make(chan []any, 4096)}
		done := make(chan error, 1)
		go func() {
			n, err := tx.CopyFrom(ctx, pgx.Identifier{"figures"}, figureColumns, src)
			written = int(n)
			done <- err
		}()
		cerr := engine.Compute(in, func(day []engine.Figure) error {
			for i := range day {
				select {
				case src.ch <- figureRow(c.ID, metricIDs, &day[i]):
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
		close(src.ch)
		if err := <-done; err != nil {
			return err
		}
		if cerr != nil {
			return cerr
		}
		_, err := tx.Exec(ctx, `INSERT INTO figures_state (campaign_id, computed_to) VALUES ($1, $2)
			ON CONFLICT (campaign_id) DO UPDATE SET computed_to = $2, updated_at = now()`, c.ID, pgDate(to))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("refresh figures of %s: %w", c.Slug, err)
	}
	return written, nil
}

var figureColumns = []string{"campaign_id", "metric_id", "day", "unit_id", "kind", "parent_id", "value", "source",
	"stale_days", "quota", "quota_own", "quota_revision", "rate", "delta", "delta7", "pace7d", "required_pace",
	"projected", "at_risk", "band", "rank", "rank_change", "on_time", "late", "missing"}

func figureRow(campaignID int64, metricIDs map[string]int16, f *engine.Figure) []any {
	var value, quota, qrev any
	if f.HasValue {
		value = f.Value
	}
	if f.HasQuota {
		quota = f.Quota
	}
	if f.QuotaOwn {
		qrev = f.QuotaRevisionID
	}
	var projected any
	if f.Projected != nil {
		projected = pgDate(*f.Projected)
	}
	var band, rank any
	if f.Band != "" {
		band = f.Band
	}
	if f.Rank > 0 {
		rank = f.Rank
	}
	return []any{campaignID, metricIDs[f.Metric], pgDate(f.Day), f.UnitID, string(f.Kind), f.ParentID, value, string(f.Source),
		f.StaleDays, quota, f.QuotaOwn, qrev, f.Rate, f.Delta, f.Delta7, f.Pace7d, f.RequiredPace,
		projected, f.AtRisk, band, rank, f.RankChange, f.OnTime, f.Late, f.Missing}
}

type figureSource struct {
	ch  chan []any
	cur []any
}

func (s *figureSource) Next() bool {
	row, ok := <-s.ch
	s.cur = row
	return ok
}
func (s *figureSource) Values() ([]any, error) { return s.cur, nil }
func (s *figureSource) Err() error             { return nil }

// subtree returns a unit and everything below it, every validity period.
func (db *DB) subtree(ctx context.Context, rootID int64) ([]*domain.Unit, error) {
	rows, err := db.Pool.Query(ctx, subtreeSQL+` SELECT `+unitColumns+` FROM units u JOIN sub ON sub.id = u.id`, rootID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanUnit)
}

func (db *DB) campaignByID(ctx context.Context, id int64) (*domain.Campaign, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+campaignColumns+` FROM campaigns c WHERE c.id = $1`, id)
	if err != nil {
		return nil, mapErr(err, "campaign")
	}
	c, err := pgx.CollectExactlyOneRow(rows, scanCampaign)
	return c, mapErr(err, "campaign")
}

// CampaignIDs returns the ids of every campaign whose period overlaps
// [from, to].
func (db *DB) CampaignIDs(ctx context.Context, from, to domain.Date) ([]int64, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id FROM campaigns WHERE start_date <= $2 AND end_date >= $1 ORDER BY id`, pgDate(from), pgDate(to))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// Point is one stored figure as the API reads it.
type Point struct {
	Day          domain.Date
	UnitID       int64
	Kind         domain.UnitKind
	Value        *int64
	Source       domain.Source
	StaleDays    int
	Quota        *int64
	QuotaOwn     bool
	Rate         *float64
	Delta        *int64
	Delta7       *int64
	Pace7d       *float64
	RequiredPace *float64
	Projected    *domain.Date
	AtRisk       bool
	Band         *string
	Rank         *int
	RankChange   *int
	OnTime       int
	Late         int
	Missing      int
}

const pointColumns = `f.day, f.unit_id, f.kind, f.value, f.source, f.stale_days, f.quota, f.quota_own, f.rate, f.delta, f.delta7,
	f.pace7d, f.required_pace, f.projected, f.at_risk, f.band, f.rank, f.rank_change, f.on_time, f.late, f.missing`

func scanPoint(row pgx.CollectableRow, extra ...any) (*Point, error) {
	var p Point
	var day time.Time
	var kind, source string
	var projected *time.Time
	dest := append([]any{&day, &p.UnitID, &kind, &p.Value, &source, &p.StaleDays, &p.Quota, &p.QuotaOwn, &p.Rate, &p.Delta, &p.Delta7,
		&p.Pace7d, &p.RequiredPace, &projected, &p.AtRisk, &p.Band, &p.Rank, &p.RankChange, &p.OnTime, &p.Late, &p.Missing}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	p.Day, p.Kind, p.Source, p.Projected = toDate(day), domain.UnitKind(kind), domain.Source(source), toDatePtr(projected)
	return &p, nil
}

// Series returns a page of a unit's daily figures for one metric between
// from and to (inclusive), oldest first, and the total number of days.
func (db *DB) Series(ctx context.Context, campaignID, unitID int64, metric string, from, to domain.Date, offset, limit int) ([]*Point, int, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT `+pointColumns+`, count(*) OVER ()
		FROM figures f
		WHERE f.campaign_id = $1 AND f.unit_id = $2 AND f.metric_id = (SELECT id FROM metrics WHERE key = $3)
		  AND f.day BETWEEN $4 AND $5
		ORDER BY f.day OFFSET $6 LIMIT $7`, campaignID, unitID, metric, pgDate(from), pgDate(to), offset, limit)
	if err != nil {
		return nil, 0, mapErr(err, "progress")
	}
	var total int
	ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Point, error) { return scanPoint(row, &total) })
	return ps, total, mapErr(err, "progress")
}

// ComputedTo returns the last day a campaign's figures are computed for.
func (db *DB) ComputedTo(ctx context.Context, campaignID int64) (*domain.Date, error) {
	var t *time.Time
	err := db.Pool.QueryRow(ctx, `SELECT computed_to FROM figures_state WHERE campaign_id = $1`, campaignID).Scan(&t)
	if err == pgx.ErrNoRows {
		return nil, nil
	}
	return toDatePtr(t), mapErr(err, "figures state")
}

// RankingFilter selects one ranking: units of one kind inside one scope, for
// one campaign, metric and day.
type RankingFilter struct {
	Campaign *domain.Campaign
	Metric   string
	Day      domain.Date
	ScopeID  int64
	Kind     domain.UnitKind
	Offset   int
	Limit    int
}

// RankRow is a ranking row: a stored figure with the unit's code.
type RankRow struct {
	Point
	Code     string
	ParentID *int64
}

// Ranking returns a page of the ranking and its total. Within the campaign's
// own scope it reads the ranks stored at ingest; inside a smaller scope it
// renumbers that scope's units in the same order (ties share a rank), and
// the rank change compares with the previous day inside the same scope.
func (db *DB) Ranking(ctx context.Context, f RankingFilter) ([]*RankRow, int, error) {
	c := f.Campaign
	if f.ScopeID == c.ScopeUnitID {
		rows, err := db.Pool.Query(ctx, `
			SELECT `+pointColumns+`, u.code, f.parent_id, count(*) OVER ()
			FROM figures f JOIN units u ON u.id = f.unit_id
			WHERE f.campaign_id = $1 AND f.metric_id = (SELECT id FROM metrics WHERE key = $2) AND f.day = $3 AND f.kind = $4
			ORDER BY f.rank NULLS LAST, u.code OFFSET $5 LIMIT $6`,
			c.ID, f.Metric, pgDate(f.Day), string(f.Kind), f.Offset, f.Limit)
		if err != nil {
			return nil, 0, mapErr(err, "ranking")
		}
		var total int
		out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*RankRow, error) {
			var r RankRow
			p, err := scanPoint(row, &r.Code, &r.ParentID, &total)
			if err != nil {
				return nil, err
			}
			r.Point = *p
			return &r, nil
		})
		if err == nil && len(out) == 0 && f.Offset > 0 {
			err = db.Pool.QueryRow(ctx, `SELECT count(*) FROM figures f WHERE f.campaign_id = $1
				AND f.metric_id = (SELECT id FROM metrics WHERE key = $2) AND f.day = $3 AND f.kind = $4`,
				c.ID, f.Metric, pgDate(f.Day), string(f.Kind)).Scan(&total)
		}
		return out, total, mapErr(err, "ranking")
	}
	today, err := db.scopedRanking(ctx, f, f.Day)
	if err != nil {
		return nil, 0, err
	}
	yesterday, err := db.scopedRanking(ctx, f, f.Day-1)
	if err != nil {
		return nil, 0, err
	}
	prev := make(map[int64]int, len(yesterday))
	for _, r := range yesterday {
		if r.Rank != nil {
			prev[r.UnitID] = *r.Rank
		}
	}
	for _, r := range today {
		r.RankChange = nil
		if p, ok := prev[r.UnitID]; ok && r.Rank != nil {
			ch := p - *r.Rank
			r.RankChange = &ch
		}
	}
	total := len(today)
	lo, hi := min(f.Offset, total), min(f.Offset+f.Limit, total)
	return today[lo:hi], total, nil
}

// scopedRanking reads every unit of the filter's kind in its scope on day,
// in stored rank order, and numbers them within the scope.
func (db *DB) scopedRanking(ctx context.Context, f RankingFilter, day domain.Date) ([]*RankRow, error) {
	rows, err := db.Pool.Query(ctx, subtreeSQL+`
		SELECT `+pointColumns+`, u.code, f.parent_id
		FROM figures f JOIN sub ON sub.id = f.unit_id JOIN units u ON u.id = f.unit_id
		WHERE f.campaign_id = $2 AND f.metric_id = (SELECT id FROM metrics WHERE key = $3) AND f.day = $4 AND f.kind = $5
		ORDER BY f.rank NULLS LAST, u.code`,
		f.ScopeID, f.Campaign.ID, f.Metric, pgDate(day), string(f.Kind))
	if err != nil {
		return nil, mapErr(err, "ranking")
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*RankRow, error) {
		var r RankRow
		p, err := scanPoint(row, &r.Code, &r.ParentID)
		if err != nil {
			return nil, err
		}
		r.Point = *p
		return &r, nil
	})
	if err != nil {
		return nil, mapErr(err, "ranking")
	}
	figs := make([]*engine.Figure, len(out))
	for i, r := range out {
		figs[i] = r.figure()
	}
	engine.Number(figs)
	for i, r := range out {
		r.Rank = nil
		if figs[i].Rank > 0 {
			rk := figs[i].Rank
			r.Rank = &rk
		}
	}
	return out, nil
}

func (r *RankRow) figure() *engine.Figure {
	f := &engine.Figure{UnitID: r.UnitID, Code: r.Code, Rate: r.Rate}
	if r.Value != nil {
		f.HasValue, f.Value = true, *r.Value
	}
	if r.Quota != nil {
		f.HasQuota, f.Quota = true, *r.Quota
	}
	return f
}
