package db_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// TestSmallWriteProbesReportKeys checks how a submitReports batch keeps
// report_keys' first days: each staged key probes the table. Planned as an
// anti-join with a staging table that has no statistics, the statement
// hashed every key of the country for each write (22 ms for three reports
// among 30,105 keys, and up to 120 ms while readers held the cores): on a
// report morning a write's cost grew with the number of units reporting.
func TestSmallWriteProbesReportKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	tx, err := store.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE staged (line int, unit_id bigint, metric_id smallint, day date) ON COMMIT DROP`); err != nil {
		t.Fatal(err)
	}
	plan := explain(t, tx, `EXPLAIN `+db.ReportKeysSmall("staged"))
	text := strings.Join(plan, "\n")
	if strings.Contains(text, "Join") || !strings.Contains(text, "SubPlan") {
		t.Fatalf("report_keys is joined whole, not probed per staged key:\n%s", text)
	}
}
