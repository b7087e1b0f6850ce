package db_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// On a report morning every refresh rewrites most of the day's figures
// (each new report moves the ranks of the communes it passes). A rewritten
// figure should stay on its page (a heap-only update: no new index entries,
// half the work and WAL), which needs room left on the page when the day
// is first stored. Fails when the figures' pages are filled to the brim:
// the rewritten rows move to other pages (before migration 026: 66 of 66;
// after it: at most 1).
func TestMorningRewritesStayOnTheirPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	var day string
	err := store.Pool.QueryRow(ctx, `SELECT max(rc.day)::text FROM report_current rc JOIN metrics m ON m.id = rc.metric_id
		WHERE m.key = ANY($1)`, c.MetricKeys).Scan(&day)
	if err != nil {
		t.Fatal(err)
	}
	type place struct{ page, xmin string }
	places := func() map[string]place {
		t.Helper()
		rows, err := store.Pool.Query(ctx, `SELECT metric_id::text || '/' || unit_id::text, (ctid::text::point)[0]::text, xmin::text
			FROM figure_values WHERE campaign_id = $1 AND day = $2::date`, c.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]place{}
		for rows.Next() {
			var k string
			var p place
			if err := rows.Scan(&k, &p.page, &p.xmin); err != nil {
				t.Fatal(err)
			}
			out[k] = p
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Every commune's figure of the day raised, the lowest the most: every
	// rank turns over, as on a busy morning.
	rows, err := store.Pool.Query(ctx, `SELECT u.code, m.key, rc.value FROM report_current rc
		JOIN units u ON u.id = rc.unit_id JOIN metrics m ON m.id = rc.metric_id
		WHERE rc.day = $1::date AND m.key = ANY($2) AND u.kind = 'COMMUNE' ORDER BY m.key, rc.value, u.code`, day, c.MetricKeys)
	if err != nil {
		t.Fatal(err)
	}
	type report struct {
		code, metric string
		value        int64
	}
	var reports []report
	for rows.Next() {
		var r report
		if err := rows.Scan(&r.code, &r.metric, &r.value); err != nil {
			t.Fatal(err)
		}
		r.value += int64(100000 - 1000*len(reports))
		reports = append(reports, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// One rewrite: room for it is what the pages are stored with. (Room for
	// the next ones comes from pruning the old versions, which PostgreSQL
	// does when no snapshot needs them: its business, not checked here.)
	before := places()
	var csv strings.Builder
	csv.WriteString("unit_code,metric,date,value,note\n")
	for _, r := range reports {
		fmt.Fprintf(&csv, "%s,%s,%s,%d,bổ sung\n", r.code, r.metric, day, r.value)
	}
	dbtest.MustImportReports(t, store, csv.String())
	if _, err := store.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow); err != nil {
		t.Fatal(err)
	}
	moved, rewritten := 0, 0
	for k, p := range places() {
		b, ok := before[k]
		if !ok || b.xmin == p.xmin {
			continue
		}
		rewritten++
		if b.page != p.page {
			moved++
		}
	}
	if rewritten < 20 {
		t.Fatalf("the reports rewrote %d figures of %s: too few to tell", rewritten, day)
	}
	// Half a page free is room for one new version of each of its rows
	// but not always of the last one stored on it (a page is filled
	// until a row would pass the half).
	if moved*10 > rewritten {
		t.Errorf("%d of the %d figures of %s rewritten left their page (at most a tenth should)", moved, rewritten, day)
	}
}
