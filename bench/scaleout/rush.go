package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
)

// setup creates the rush's campaign, or takes it back to its last day
// unreported, and brings its figures up to date.
func setup(ctx context.Context, store *db.DB) error {
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	c, err := store.CampaignBySlug(ctx, rushSlug)
	switch {
	case err == nil:
		err = rewind(ctx, store, c)
	case domain.ErrorCode(err) == domain.ENOTFOUND:
		c, err = create(ctx, store)
	}
	if err != nil {
		return err
	}
	t0 := time.Now()
	n, err := store.RefreshFigures(ctx, c.ID, 0, time.Now())
	if err != nil {
		return err
	}
	fmt.Printf("campaign %s: %d figures refreshed in %.1f s; the rush reports %s\n", rushSlug, n, time.Since(t0).Seconds(), rushDay())
	return nil
}

// rushCommunes are the communes of the nation on the campaign's days that
// never reported one of its metrics, with a quota each.
func rushCommunes(ctx context.Context, store *db.DB) ([]string, error) {
	rows, err := store.Pool.Query(ctx, `SELECT u.code FROM units u
		WHERE u.kind = 'COMMUNE' AND u.valid @> $1::date AND u.valid @> $2::date
		  AND NOT EXISTS (SELECT 1 FROM report_current rc JOIN metrics m ON m.id = rc.metric_id
		                  WHERE rc.unit_id = u.id AND m.key = ANY($3))
		ORDER BY u.code`, rushStart.UTC(), rushDay().UTC(), rushMetrics)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// create makes the campaign, its quotas and the reports of every day but
// the last.
func create(ctx context.Context, store *db.DB) (*domain.Campaign, error) {
	t0 := time.Now()
	codes, err := rushCommunes(ctx, store)
	if err != nil {
		return nil, err
	}
	if len(codes) == 0 {
		return nil, fmt.Errorf("no commune to report: is the demo loaded?")
	}
	c, err := store.CreateCampaign(ctx, &domain.CampaignDef{ScopeCode: "VN", Campaign: domain.Campaign{
		Slug: rushSlug, Name: "Cao điểm buổi sáng (benchmark)", Start: rushStart, End: rushDay(),
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone, MetricKeys: rushMetrics}})
	if err != nil {
		return nil, err
	}
	quota := func(i, m int) int64 { return int64(3000+(i*7919)%15000) * int64(100-5*m) / 100 }
	var quotas []csvio.Line[domain.QuotaRow]
	for i, code := range codes {
		for m, key := range rushMetrics {
			quotas = append(quotas, csvio.Line[domain.QuotaRow]{Line: len(quotas) + 2, Row: domain.QuotaRow{
				Campaign: rushSlug, UnitCode: code, Metric: key, Target: quota(i, m), EffectiveFrom: rushStart, Reason: "chỉ tiêu giao"}})
		}
	}
	if _, err := store.ImportQuotas(ctx, "scaleout quotas", quotas, "bench"); err != nil {
		return nil, err
	}
	// Every day but the last: a steady climb from 40% of the quota, 5
	// points a day (the writer adds 1 to the day before's).
	reports := func(fn func(csvio.Line[domain.ReportRow]) error) error {
		line := 1
		for d := range rushDays - 1 {
			day := rushStart.AddDays(d)
			at := day.Time(time.FixedZone("ICT", 7*3600)).Add(19 * time.Hour)
			for i, code := range codes {
				for m, key := range rushMetrics {
					line++
					row := domain.ReportRow{UnitCode: code, Metric: key, Date: day, Value: quota(i, m) * int64(40+5*d) / 100, ReportedAt: at}
					if err := fn(csvio.Line[domain.ReportRow]{Line: line, Row: row}); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	res, err := store.ImportReports(ctx, "scaleout reports", reports, "bench", time.Now(), nil)
	if err != nil {
		return nil, err
	}
	fmt.Printf("campaign %s: %d communes, %d quotas, %d reports in %.1f s\n", rushSlug, len(codes), len(quotas), res.Inserted, time.Since(t0).Seconds())
	return c, nil
}

// rewind removes the reports of the campaign's last day and its figures of
// that day, as bench/national rewind does (benchmark only: it bypasses the
// append-only triggers, which the service never does). The demo reports
// no day of 2024, so every report of that day and metrics is the writer's.
func rewind(ctx context.Context, store *db.DB, c *domain.Campaign) error {
	var removed int64
	err := pgx.BeginFunc(ctx, store.Pool, func(tx pgx.Tx) error {
		day := rushDay().UTC()
		for i, q := range []struct {
			sql  string
			args []any
		}{
			{`SET LOCAL session_replication_role = replica`, nil},
			{`DELETE FROM report_revisions r USING metrics m WHERE r.day = $1::date AND m.id = r.metric_id AND m.key = ANY($2)`, []any{day, rushMetrics}},
			{`DELETE FROM report_current r USING metrics m WHERE r.day = $1::date AND m.id = r.metric_id AND m.key = ANY($2)`, []any{day, rushMetrics}},
			{`DELETE FROM figure_values WHERE campaign_id = $1 AND day >= $2::date`, []any{c.ID, day}},
			{`DELETE FROM figure_ranks WHERE campaign_id = $1 AND day >= $2::date`, []any{c.ID, day}},
			{`DELETE FROM figures_due WHERE campaign_id = $1`, []any{c.ID}},
			{`UPDATE figures_state SET computed_to = $2::date - 1, snapshot = pg_current_snapshot() WHERE campaign_id = $1`, []any{c.ID, day}},
		} {
			tag, err := tx.Exec(ctx, q.sql, q.args...)
			if err != nil {
				return fmt.Errorf("%s: %w", q.sql, err)
			}
			if i == 1 {
				removed = tag.RowsAffected()
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Printf("campaign %s: %d revisions of %s removed\n", rushSlug, removed, rushDay())
	_, err = store.Pool.Exec(ctx, `VACUUM (ANALYZE) report_revisions, report_current, figure_values, figure_ranks`)
	return err
}
