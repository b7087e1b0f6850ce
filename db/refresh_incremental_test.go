package db_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// figureDump is every stored figure of a campaign, one line each.
func figureDump(t *testing.T, store *db.DB, campaignID int64) []string {
	t.Helper()
	rows, err := store.Pool.Query(context.Background(), `
		SELECT f::text FROM figures f WHERE campaign_id = $1 ORDER BY metric_id, day, unit_id`, campaignID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// fullRecompute forgets what the stored figures were computed from, so the
// next refresh recomputes everything, and runs it.
func fullRecompute(t *testing.T, store *db.DB, c *domain.Campaign) []string {
	t.Helper()
	ctx := context.Background()
	if _, err := store.Pool.Exec(ctx, `UPDATE figures_state SET fingerprint = 'forgotten' WHERE campaign_id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := store.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow); err != nil {
		t.Fatal(err)
	}
	return figureDump(t, store, c.ID)
}

func diffDumps(a, b []string) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d rows against %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			return fmt.Sprintf("row %d:\n  incremental %s\n  full        %s", i, a[i], b[i])
		}
	}
	return ""
}

// TestIncrementalRefreshEqualsFull writes a late correction, then new
// reports and a quota revision, refreshing incrementally after each, and
// checks every stored figure against a recomputation from scratch; and
// that the incremental refresh wrote fewer rows than there are.
func TestIncrementalRefreshEqualsFull(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	before := figureDump(t, store, c.ID)

	// A correction lowering a commune's figure to the day before's, in the
	// middle of the campaign.
	var code, metric string
	var day, prevValue int64
	err := store.Pool.QueryRow(ctx, `
		SELECT u.code, m.key, (rc.day - date '1970-01-01')::bigint, p.value
		FROM report_current rc JOIN report_current p ON p.unit_id = rc.unit_id AND p.metric_id = rc.metric_id AND p.day = rc.day - 1
		JOIN units u ON u.id = rc.unit_id JOIN metrics m ON m.id = rc.metric_id
		WHERE u.kind = 'COMMUNE' AND rc.value > p.value AND rc.day BETWEEN '2023-12-05' AND '2023-12-12'
		ORDER BY rc.day, u.code, m.key LIMIT 1`).Scan(&code, &metric, &day, &prevValue)
	if err != nil {
		t.Fatal(err)
	}
	d := domain.Date(day)
	dbtest.MustImportReports(t, store, fmt.Sprintf("unit_code,metric,date,value,note\n%s,%s,%s,%d,nhập trùng hồ sơ\n", code, metric, d, prevValue))
	n, err := store.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow)
	if err != nil {
		t.Fatal(err)
	}
	inc := figureDump(t, store, c.ID)
	if n == 0 || n >= len(inc) {
		t.Errorf("the correction rewrote %d of %d figures: a refresh should rewrite only the days it can reach", n, len(inc))
	}
	if diffDumps(before, inc) == "" {
		t.Fatal("the correction changed no figure")
	}
	if diff := diffDumps(inc, fullRecompute(t, store, c)); diff != "" {
		t.Fatalf("after a correction of %s %s on %s: %s", code, metric, d, diff)
	}

	// A quota revision from the 10th changes every later rate and rank.
	var quotas []csvio.Line[domain.QuotaRow]
	csvio.ReadQuotas(strings.NewReader("campaign,unit_code,metric,target,effective_from,reason\nref,"+code+","+metric+",5,2023-12-10,hạ chỉ tiêu\n"),
		"quotas.csv", func(l csvio.Line[domain.QuotaRow]) error { quotas = append(quotas, l); return nil })
	if _, err := store.ImportQuotas(ctx, "quotas.csv", quotas, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow); err != nil {
		t.Fatal(err)
	}
	inc = figureDump(t, store, c.ID)
	if diff := diffDumps(inc, fullRecompute(t, store, c)); diff != "" {
		t.Fatalf("after a quota revision: %s", diff)
	}

	// Nothing changed: nothing written.
	if n, err := store.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow); err != nil || n != 0 {
		t.Errorf("a refresh with nothing new wrote %d rows (%v)", n, err)
	}
}

// TestSameDayReportWritesWhatChanged: on a report morning the day's
// figures are stored after its first reports, and each later refresh of
// the day stores only the figures the new reports changed (the commune,
// its ancestors, the ranks that moved), not the whole day again.
func TestSameDayReportWritesWhatChanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	var code, metric string
	var day, value, dayRows int64
	err := store.Pool.QueryRow(ctx, `
		SELECT u.code, m.key, (s.computed_to - date '1970-01-01')::bigint, l.value,
			(SELECT count(*) FROM figures f WHERE f.campaign_id = s.campaign_id AND f.metric_id = m.id AND f.day = s.computed_to)
		FROM figures_state s CROSS JOIN units u CROSS JOIN metrics m CROSS JOIN LATERAL (
			SELECT rc.value FROM report_current rc WHERE rc.unit_id = u.id AND rc.metric_id = m.id AND rc.day <= s.computed_to
			ORDER BY rc.day DESC LIMIT 1) l
		WHERE s.campaign_id = $1 AND u.kind = 'COMMUNE' AND m.key = ANY($2)
		ORDER BY u.code, m.key LIMIT 1`, c.ID, c.MetricKeys).Scan(&code, &metric, &day, &value, &dayRows)
	if err != nil {
		t.Fatal(err)
	}
	d := domain.Date(day)
	dbtest.MustImportReports(t, store, fmt.Sprintf("unit_code,metric,date,value,note\n%s,%s,%s,%d,nhập bổ sung\n", code, metric, d, value+7))
	n, err := store.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || n >= int(dayRows) {
		t.Errorf("a report of %s %s for the day computed last (%s) rewrote %d figures of the day's %d: only those it changed should be", code, metric, d, n, dayRows)
	}
	if diff := diffDumps(figureDump(t, store, c.ID), fullRecompute(t, store, c)); diff != "" {
		t.Fatalf("after a report of %s %s for %s: %s", code, metric, d, diff)
	}
}
