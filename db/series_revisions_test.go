package db_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// TestSeriesRevisionsFromFigures: a series reads its revision counts from
// the figures, as of their last refresh, so the campaign's figures version
// describes it (issue #14). A correction, then another back to the first
// value, leave the figure as it was: the refresh still finds the day
// changed, stores three revisions, and equals a recomputation from scratch.
func TestSeriesRevisionsFromFigures(t *testing.T) {
	ctx, store, c := correctedExample(t, "1329,gõ nhầm")
	day := domain.MustDate("2023-12-10")
	u, err := store.UnitByCode(ctx, "90001", day)
	if err != nil {
		t.Fatal(err)
	}
	point := func() *domain.Point {
		t.Helper()
		ps, total, err := store.Series(ctx, c.ID, u.ID, "collected", day, day, 0, 10)
		if err != nil || total != 1 || len(ps) != 1 {
			t.Fatalf("series: %d points of %d (%v)", len(ps), total, err)
		}
		return ps[0]
	}
	if p := point(); *p.Value != 1328 || p.Revisions != 1 {
		t.Fatalf("before any correction refreshed: %d, %d revisions; want 1328, 1", *p.Value, p.Revisions)
	}
	_, before, err := store.FiguresVersion(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	correct(t, store, "1328,sửa lại")
	if p := point(); p.Revisions != 1 {
		t.Errorf("corrected twice, not refreshed: %d revisions, want the figures' 1", p.Revisions)
	}

	n, err := store.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow)
	if err != nil {
		t.Fatal(err)
	}
	if p := point(); *p.Value != 1328 || p.Revisions != 3 || n == 0 {
		t.Errorf("after the refresh: %d, %d revisions (%d figures written); want 1328, 3", *p.Value, p.Revisions, n)
	}
	if _, v, err := store.FiguresVersion(ctx, c.ID); err != nil || v == before {
		t.Errorf("the figures version stayed %q (%v)", v, err)
	}
	inc := figureDump(t, store, c.ID)
	if diff := diffDumps(inc, fullRecompute(t, store, c)); diff != "" {
		t.Fatalf("after a correction to the same value: %s", diff)
	}
}

// TestFigureRevisionsBackfill: migration 021 fills the revision counts of
// figures stored before it as the refresh computes them (campaigns that
// are never refreshed again keep them).
func TestFigureRevisionsBackfill(t *testing.T) {
	ctx, store, c := correctedExample(t, "1329,gõ nhầm")
	if _, err := store.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow); err != nil {
		t.Fatal(err)
	}
	computed := figureDump(t, store, c.ID)
	b, err := fs.ReadFile(db.Migrations(), "021_figure_revisions.sql")
	if err != nil {
		t.Fatal(err)
	}
	var backfill string
	for _, stmt := range strings.Split(string(b), ";") {
		if i := strings.Index(stmt, "UPDATE figures"); i >= 0 {
			// The table is figure_values since migration 029.
			backfill = strings.Replace(stmt[i:], "UPDATE figures", "UPDATE figure_values", 1)
		}
	}
	var corrected int
	if err := store.Pool.QueryRow(ctx, `SELECT count(*) FROM figures WHERE revisions > 1`).Scan(&corrected); err != nil || corrected == 0 {
		t.Fatalf("%d figures of corrected reports (%v): the test needs one", corrected, err)
	}
	if _, err := store.Pool.Exec(ctx, `UPDATE figure_values SET revisions = 0`); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Pool.Exec(ctx, backfill); err != nil {
		t.Fatalf("%s: %v", backfill, err)
	}
	if diff := diffDumps(figureDump(t, store, c.ID), computed); diff != "" {
		t.Fatalf("backfilled against computed: %s", diff)
	}
}

// correctedExample is the spec's example with its figures, and 90001's
// collected figure of 10/12 (1328) corrected to value,reason (not
// refreshed).
func correctedExample(t *testing.T, correction string) (context.Context, *db.DB, *domain.Campaign) {
	t.Parallel()
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	correct(t, store, correction)
	return context.Background(), store, c
}

// correct imports value,reason as 90001's collected figure of 10/12.
func correct(t *testing.T, store *db.DB, correction string) {
	t.Helper()
	dbtest.MustImportReports(t, store, "unit_code,metric,date,value,note\n90001,collected,2023-12-10,"+correction+"\n")
}
