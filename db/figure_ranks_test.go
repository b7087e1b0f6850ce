package db_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// A report that moves a commune past the others changes its own figure,
// its ancestors' (their sums), and the rank of every commune it passes.
// The ranks are stored apart from the figures (figure_ranks): a refresh
// rewrites the figure rows whose values changed, not those whose rank
// alone did. Fails when a rank lives in its figure's row (before migration
// 029 the report below rewrote every commune's row of the metric and day),
// and when the ranks read back differ from a full recomputation's.
func TestRanksMovedRewriteNoOtherFigure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	if _, err := store.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow); err != nil {
		t.Fatal(err)
	}
	// The day's lowest-ranked reporting commune of the first metric, and
	// the commune whose figure is highest.
	metric := c.MetricKeys[0]
	var day, code string
	var top int64
	err := store.Pool.QueryRow(ctx, `
		SELECT f.day::text, u.code, (SELECT max(g.value) FROM figures g WHERE g.campaign_id = f.campaign_id
			AND g.metric_id = f.metric_id AND g.day = f.day AND g.kind = 'COMMUNE')
		FROM figures f JOIN units u ON u.id = f.unit_id JOIN metrics m ON m.id = f.metric_id
		WHERE f.campaign_id = $1 AND m.key = $2 AND f.kind = 'COMMUNE' AND f.source = 'REPORTED' AND f.rank IS NOT NULL
		ORDER BY f.day DESC, f.rank DESC LIMIT 1`, c.ID, metric).Scan(&day, &code, &top)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ code, xmin string }
	rows := func() (map[string]string, map[string]int) {
		t.Helper()
		rs, err := store.Pool.Query(ctx, `SELECT u.code, v.xmin::text, f.rank FROM figure_values v
			JOIN figures f USING (campaign_id, metric_id, day, unit_id) JOIN units u ON u.id = v.unit_id JOIN metrics m ON m.id = v.metric_id
			WHERE v.campaign_id = $1 AND m.key = $2 AND v.day = $3::date`, c.ID, metric, day)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		xmin, rank := map[string]string{}, map[string]int{}
		for rs.Next() {
			var u, x string
			var r *int
			if err := rs.Scan(&u, &x, &r); err != nil {
				t.Fatal(err)
			}
			xmin[u] = x
			if r != nil {
				rank[u] = *r
			}
		}
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
		return xmin, rank
	}
	beforeX, beforeRank := rows()
	dbtest.MustImportReports(t, store, fmt.Sprintf("unit_code,metric,date,value,note\n%s,%s,%s,%d,bổ sung\n", code, metric, day, top*10+1000))
	if _, err := store.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow); err != nil {
		t.Fatal(err)
	}
	afterX, afterRank := rows()
	var ancestors []string
	if err := store.Pool.QueryRow(ctx, `WITH RECURSIVE up AS (
			SELECT parent_id FROM units WHERE code = $1
			UNION ALL SELECT u.parent_id FROM units u JOIN up ON u.id = up.parent_id)
		SELECT coalesce(array_agg(u.code), '{}') FROM up JOIN units u ON u.id = up.parent_id`, code).Scan(&ancestors); err != nil {
		t.Fatal(err)
	}
	mayChange := map[string]bool{code: true}
	for _, a := range ancestors {
		mayChange[a] = true
	}
	moved, rewritten := 0, 0
	for u, x := range afterX {
		if beforeRank[u] != afterRank[u] && !mayChange[u] {
			moved++
		}
		if beforeX[u] != x && !mayChange[u] {
			rewritten++
		}
	}
	if afterRank[code] >= beforeRank[code] {
		t.Fatalf("commune %s ranks %d after its report above every other, %d before", code, afterRank[code], beforeRank[code])
	}
	if moved < 3 {
		t.Fatalf("the report moved %d other units' ranks: too few to tell", moved)
	}
	if rewritten > 0 {
		t.Errorf("the report moved %d other units' ranks and rewrote %d of their figure rows, want none", moved, rewritten)
	}
	if diff := diffDumps(figureDump(t, store, c.ID), fullRecompute(t, store, c)); diff != "" {
		t.Fatalf("ranks after the report: %s", diff)
	}
}
