package db_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// TestWindowPlannedForItsList checks that the window's statement is not
// kept prepared: planned once for any list of units it cannot hash the
// list, and a national morning's refresh took 7.7 s comparing each report
// with thirty thousand units.
func TestWindowPlannedForItsList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	units, err := store.Subtree(ctx, c.ScopeUnitID)
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.WindowStatementsKept(ctx, store, units, c.MetricKeys, c.End-8, c.End)
	if err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		t.Fatalf("%d prepared statements hold the window's query: it may run with a plan made for any list", n)
	}
}

// TestWindowPlanForAnyList checks the plan PostgreSQL may keep for the
// window's prepared statement after five runs (a generic plan, made for
// any list of units): the units must not be an index condition, which
// would descend the key once per metric and unit. A report morning's
// refreshes timed out that way on a national campaign.
func TestWindowPlanForAnyList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	conn, err := store.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	for _, stmt := range []string{
		`SET plan_cache_mode = force_generic_plan`,
		// The example world is small: a national table's statistics come
		// from many more reports (report_current is derived: no trigger).
		`INSERT INTO report_current (unit_id, metric_id, day, value, revision, first_reported_at)
			SELECT u.id, m.id, DATE '2000-01-01' + d, 1, 1, now()
			FROM units u CROSS JOIN metrics m CROSS JOIN generate_series(0, 3000) d ON CONFLICT DO NOTHING`,
		`ANALYZE report_current`,
		`PREPARE w(smallint[], date, date, bigint[]) AS ` + db.WindowSQL,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	defer conn.Exec(ctx, `DEALLOCATE w; RESET plan_cache_mode; RESET enable_seqscan; RESET enable_bitmapscan`)
	plan := explain(t, conn, `EXPLAIN EXECUTE w('{1,2,3}', '2024-01-01', '2024-01-09', '{1,2,3,4,5,6,7,8,9,10,11,12}')`)
	for _, line := range plan {
		if strings.Contains(line, "Index Cond") && strings.Contains(line, "unit_id") {
			t.Fatalf("the units are an index condition of the generic plan:\n%s", strings.Join(plan, "\n"))
		}
	}
}

// explain runs an EXPLAIN statement on q and returns its plan's lines.
func explain(t *testing.T, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, sql string) []string {
	t.Helper()
	rows, err := q.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return plan
}
