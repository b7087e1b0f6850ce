package db_test

import (
	"context"
	"testing"

	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// TestReportSpansEqualScans checks report_before, report_after and
// report_between (migration 024: a unit's reports searched 16 days at a
// time) against plain scans of report_current, for every unit (reporting
// or not) and metric and every third day around the stored ones, with
// gaps of 40 days cut into some units' reports so that the searches cross
// empty spans.
func TestReportSpansEqualScans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	// report_current is derived (no append-only trigger); report_keys'
	// first days stay lower bounds, which is all the searches need.
	if _, err := store.Pool.Exec(ctx, `DELETE FROM report_current rc USING (SELECT min(day) AS lo FROM report_current) s
		WHERE rc.unit_id % 3 = 0 AND rc.day BETWEEN s.lo + 5 AND s.lo + 45`); err != nil {
		t.Fatal(err)
	}
	var keys, days, wrong int
	err := store.Pool.QueryRow(ctx, `
		WITH k AS (SELECT u.id AS unit_id, m.id AS metric_id FROM units u CROSS JOIN metrics m),
		d AS (SELECT generate_series(min(day) - 40, max(day) + 40, '3 days')::date AS d FROM report_current)
		SELECT (SELECT count(*) FROM k), (SELECT count(*) FROM d), count(*) FILTER (WHERE
			(SELECT row(b.day, b.value, b.revision, b.first_reported_at) FROM report_before(k.unit_id, k.metric_id, d.d) b)
			IS DISTINCT FROM (SELECT row(rc.day, rc.value, rc.revision, rc.first_reported_at) FROM report_current rc
				WHERE rc.unit_id = k.unit_id AND rc.metric_id = k.metric_id AND rc.day < d.d ORDER BY rc.day DESC LIMIT 1)
			OR (SELECT row(a.day, a.value) FROM report_after(k.unit_id, k.metric_id, d.d, d.d + 50) a)
			IS DISTINCT FROM (SELECT row(rc.day, rc.value) FROM report_current rc
				WHERE rc.unit_id = k.unit_id AND rc.metric_id = k.metric_id AND rc.day > d.d AND rc.day <= d.d + 50 ORDER BY rc.day LIMIT 1)
			OR (SELECT array_agg(row(b.day, b.value) ORDER BY b.day) FROM report_between(k.unit_id, k.metric_id, d.d, d.d + 20) b)
			IS DISTINCT FROM (SELECT array_agg(row(rc.day, rc.value) ORDER BY rc.day) FROM report_current rc
				WHERE rc.unit_id = k.unit_id AND rc.metric_id = k.metric_id AND rc.day BETWEEN d.d AND d.d + 20))
		FROM k CROSS JOIN d`).Scan(&keys, &days, &wrong)
	if err != nil {
		t.Fatal(err)
	}
	if keys == 0 || days < 20 {
		t.Fatalf("%d keys and %d days: the test would check nothing", keys, days)
	}
	if wrong > 0 {
		t.Fatalf("%d of %d searches differ from a scan", wrong, keys*days)
	}
}
