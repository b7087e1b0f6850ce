package db_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// diffJoins counts the refreshes that compared the figures in PostgreSQL
// (copied every figure aside and joined it with the stored ones), and
// those that read their window of reports.
type diffJoins struct{ n, windows atomic.Int64 }

func (d *diffJoins) TraceQueryStart(ctx context.Context, _ *pgx.Conn, q pgx.TraceQueryStartData) context.Context {
	if strings.Contains(q.SQL, "LEFT JOIN (SELECT * FROM figure_values") {
		d.n.Add(1)
	}
	if q.SQL == db.WindowSQL {
		d.windows.Add(1)
	}
	return ctx
}
func (*diffJoins) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// twoServers opens two stores on one new database, as two servers would
// (each with its own memories); the first with opts.
func twoServers(t *testing.T, opts db.Options) (a, b *db.DB) {
	t.Helper()
	url := dbtest.NewURL(t)
	for i, o := range []db.Options{opts, {}} {
		s, err := db.Open(context.Background(), url, o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		if i == 0 {
			a = s
		} else {
			b = s
		}
	}
	return a, b
}

// A refresh of a day this process stored last writes only the figures whose
// hash changed, without comparing them in PostgreSQL; once another process
// has refreshed the campaign, it compares them there again. Fails if the
// memory is used after the other process's refresh: the figures of the
// commune would be left at that refresh's value.
func TestRefreshRemembersOnlyItsOwnFigures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	joins := &diffJoins{}
	a, b := twoServers(t, db.Options{Tracer: joins})
	c := dbtest.MustLoadExample(t, a)
	var code, metric string
	var day, value int64
	err := a.Pool.QueryRow(ctx, `
		SELECT u.code, m.key, (s.computed_to - date '1970-01-01')::bigint, l.value
		FROM figures_state s CROSS JOIN units u CROSS JOIN metrics m CROSS JOIN LATERAL (
			SELECT rc.value FROM report_current rc WHERE rc.unit_id = u.id AND rc.metric_id = m.id AND rc.day <= s.computed_to
			ORDER BY rc.day DESC LIMIT 1) l
		WHERE s.campaign_id = $1 AND u.kind = 'COMMUNE' AND m.key = ANY($2)
		ORDER BY u.code, m.key LIMIT 1`, c.ID, c.MetricKeys).Scan(&code, &metric, &day, &value)
	if err != nil {
		t.Fatal(err)
	}
	d := domain.Date(day)
	report := func(v int64) {
		t.Helper()
		dbtest.MustImportReports(t, a, fmt.Sprintf("unit_code,metric,date,value,note\n%s,%s,%s,%d,đối chiếu\n", code, metric, d, v))
	}
	refresh := func(store *db.DB) int {
		t.Helper()
		n, err := store.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	stored := func() int64 {
		t.Helper()
		var v int64
		if err := a.Pool.QueryRow(ctx, `SELECT f.value FROM figures f JOIN units u ON u.id = f.unit_id JOIN metrics m ON m.id = f.metric_id
			WHERE f.campaign_id = $1 AND u.code = $2 AND m.key = $3 AND f.day = $4`, c.ID, code, metric, d.String()).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}

	report(value + 7)
	joins.n.Store(0)
	if n := refresh(a); n == 0 {
		t.Fatal("the report changed no figure")
	}
	if got := joins.n.Load(); got != 0 {
		t.Errorf("a refresh of the day this process stored last compared the figures in PostgreSQL (%d)", got)
	}
	if got := stored(); got != value+7 {
		t.Fatalf("stored %d, want %d", got, value+7)
	}

	// The same day again, a report replaced and one new: neither the
	// window of reports nor the figures are read (the memories of both are
	// brought up to date), and what is stored is what a full refresh
	// stores.
	var other string
	var otherValue int64
	err = a.Pool.QueryRow(ctx, `
		SELECT u.code, coalesce((SELECT rc.value FROM report_current rc WHERE rc.unit_id = u.id AND rc.metric_id = m.id ORDER BY rc.day DESC LIMIT 1), 0)
		FROM units u CROSS JOIN metrics m WHERE u.kind = 'COMMUNE' AND m.key = $1 AND NOT EXISTS (
			SELECT 1 FROM report_current rc WHERE rc.unit_id = u.id AND rc.metric_id = m.id AND rc.day = $2)
		ORDER BY u.code LIMIT 1`, metric, d.String()).Scan(&other, &otherValue)
	if err != nil {
		t.Fatal(err)
	}
	dbtest.MustImportReports(t, a, fmt.Sprintf("unit_code,metric,date,value,note\n%s,%s,%s,%d,đối chiếu lần hai\n%s,%s,%s,%d,\n", code, metric, d, value+8, other, metric, d, otherValue+3))
	joins.n.Store(0)
	joins.windows.Store(0)
	refresh(a)
	if n, w := joins.n.Load(), joins.windows.Load(); n != 0 || w != 0 {
		t.Errorf("the same day again: %d comparisons in PostgreSQL and %d windows read, want none", n, w)
	}
	if diff := diffDumps(figureDump(t, a, c.ID), fullRecompute(t, b, c)); diff != "" {
		t.Fatalf("after a report replaced and a new one for the same day: %s", diff)
	}
	report(value + 7)
	refresh(a)

	report(value + 9)
	refresh(b)
	report(value + 7)
	joins.n.Store(0)
	refresh(a)
	if got := joins.n.Load(); got != 1 {
		t.Errorf("after another process's refresh, %d comparisons in PostgreSQL, want 1", got)
	}
	if got := stored(); got != value+7 {
		t.Fatalf("stored %d after the other process stored %d, want %d", got, value+9, value+7)
	}
	if diff := diffDumps(figureDump(t, a, c.ID), fullRecompute(t, a, c)); diff != "" {
		t.Fatalf("after refreshes by two processes: %s", diff)
	}
}

// A refresh keeps the campaign's units from one refresh to the next
// (units_memory.go), but not past a change of them: a commune added through
// another server is in the next refresh's figures, ranked with the others.
// Fails if the units read before the change are used after it (the new
// commune would have no figures).
func TestRefreshSeesUnitsAddedElsewhere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := twoServers(t, db.Options{})
	c := dbtest.MustLoadExample(t, a)
	if _, err := a.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow); err != nil {
		t.Fatal(err)
	}
	// The example's units have no validity dates: a new one exists from
	// the start too. Its parent is the first district of the example.
	dbtest.MustImportUnits(t, b, "code,name,kind,parent_code\n90999,Xã Mới,commune,900\n")
	if _, err := b.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow); err != nil {
		t.Fatal(err)
	}
	// Another report, so that a's next refresh has something to do.
	dbtest.MustImportReports(t, b, fmt.Sprintf("unit_code,metric,date,value\n90999,%s,2023-12-20,5\n", c.MetricKeys[0]))
	if _, err := a.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow); err != nil {
		t.Fatal(err)
	}
	var n int
	err := a.Pool.QueryRow(ctx, `SELECT count(*) FROM figures f JOIN units u ON u.id = f.unit_id
		WHERE f.campaign_id = $1 AND u.code = '90999' AND f.day = '2023-12-20' AND f.rank IS NOT NULL`, c.ID).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("the commune added through another handle has no ranked figure after the refresh")
	}
	if diff := diffDumps(figureDump(t, a, c.ID), fullRecompute(t, a, c)); diff != "" {
		t.Fatalf("after a unit added elsewhere: %s", diff)
	}
}
