package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// TestReportRefsHold checks migration 025: a report revision's unit,
// metric and submitting unit, checked once per statement instead of by
// foreign keys, must still exist (in a statement of many rows as in one),
// and a unit or metric a report names can never go away.
func TestReportRefsHold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	var unit, metric int64
	if err := store.Pool.QueryRow(ctx, `SELECT unit_id, metric_id FROM report_revisions LIMIT 1`).Scan(&unit, &metric); err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO report_revisions (unit_id, metric_id, day, revision, value, reported_at, actor, submitter_unit_id)
		SELECT u, m, DATE '2030-01-01' + i, 1, 1, now(), 'test', s FROM (VALUES `
	for _, c := range []struct {
		name, rows string
		ok         bool
	}{
		{"known unit and metric", `($1::bigint, $2::smallint, 1, NULL::bigint), ($1, $2, 2, $1)`, true},
		{"unknown unit among known ones", `($1::bigint, $2::smallint, 3, NULL::bigint), (999999, $2, 4, NULL), ($1, $2, 5, NULL)`, false},
		{"unknown metric", `($1::bigint, 999::smallint + 0 * $2::smallint, 6, NULL::bigint)`, false},
		{"unknown submitting unit", `($1::bigint, $2::smallint, 7, 999999::bigint)`, false},
	} {
		_, err := store.Pool.Exec(ctx, insert+c.rows+`) v (u, m, i, s)`, unit, metric)
		var pgErr *pgconn.PgError
		switch {
		case c.ok && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case !c.ok && (!errors.As(err, &pgErr) || pgErr.Code != "23503"):
			t.Errorf("%s: got %v, want a foreign key violation", c.name, err)
		}
	}
	for _, c := range []struct {
		stmt string
		args []any
	}{
		{`DELETE FROM units WHERE id = $1`, []any{unit}},
		{`DELETE FROM metrics WHERE id = $1`, []any{metric}},
		{`UPDATE units SET id = id + 1000000 WHERE id = $1`, []any{unit}},
		{`UPDATE metrics SET id = id + 100 WHERE id = $1`, []any{metric}},
		{`TRUNCATE units CASCADE`, nil},
		{`TRUNCATE metrics CASCADE`, nil},
	} {
		stmt := c.stmt
		_, err := store.Pool.Exec(ctx, stmt, c.args...)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "23001" {
			t.Errorf("%s: got %v, want it refused (restrict_violation)", stmt, err)
		}
	}
}
