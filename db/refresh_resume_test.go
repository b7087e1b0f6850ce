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

// TestRefreshResumesItsDay: on a report morning each refresh of the day
// after the first resumes from the engine's checkpoint of the days before
// (nothing before the day changed), and a correction of an earlier day
// computes them again. After every step the figures equal those of a
// second database given the same reports and recomputing from scratch.
func TestRefreshResumesItsDay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, scratchURL := dbtest.New(t), dbtest.NewURL(t)
	scratch, err := db.Open(ctx, scratchURL, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer scratch.Close()
	c := dbtest.MustLoadExample(t, store)
	cs := dbtest.MustLoadExample(t, scratch)
	// fromScratch recomputes every figure of the second database in a
	// process of its own (no memory of earlier refreshes) and dumps them.
	fromScratch := func() []string {
		fresh, err := db.Open(ctx, scratchURL, db.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer fresh.Close()
		return fullRecompute(t, fresh, cs)
	}
	var day int64
	var codes []string
	rows, err := store.Pool.Query(ctx, `
		SELECT u.code, (s.computed_to - date '1970-01-01')::bigint FROM figures_state s CROSS JOIN units u
		WHERE s.campaign_id = $1 AND u.kind = 'COMMUNE' ORDER BY u.code LIMIT 4`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code, &day); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, code)
	}
	if rows.Err() != nil || len(codes) < 4 {
		t.Fatalf("communes: %v %v", codes, rows.Err())
	}
	d := domain.Date(day)
	metric := c.MetricKeys[0]
	steps := []struct {
		what    string
		code    string
		day     domain.Date
		value   int64
		resumes bool
	}{
		{"the day's first report since its figures were computed", codes[0], d, 900_001, false},
		{"a second report of the day", codes[1], d, 900_002, true},
		{"a revision of the day's first report", codes[0], d, 17, true},
		{"a correction of the day before", codes[2], d - 1, 900_003, false},
		{"a report of the day again", codes[3], d, 900_004, false},
		{"and another", codes[2], d, 900_005, true},
	}
	for i, s := range steps {
		csv := fmt.Sprintf("unit_code,metric,date,value,note\n%s,%s,%s,%d,bổ sung %d\n", s.code, metric, s.day, s.value, i)
		dbtest.MustImportReports(t, store, csv)
		dbtest.MustImportReports(t, scratch, csv)
		before := store.RefreshesResumed()
		if _, err := store.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow); err != nil {
			t.Fatal(err)
		}
		if resumed := store.RefreshesResumed() > before; resumed != s.resumes {
			t.Errorf("step %d (%s): resumed %v, want %v", i, s.what, resumed, s.resumes)
		}
		if diff := diffDumps(figureDump(t, store, c.ID), fromScratch()); diff != "" {
			t.Fatalf("step %d (%s): %s", i, s.what, diff)
		}
	}

	// A quota revision from the day: resumed too, with the revision read
	// into the quotas the window keeps.
	var quotas []csvio.Line[domain.QuotaRow]
	csvio.ReadQuotas(strings.NewReader(fmt.Sprintf("campaign,unit_code,metric,target,effective_from,reason\nref,%s,%s,5,%s,hạ chỉ tiêu\n", codes[1], metric, d)),
		"quotas.csv", func(l csvio.Line[domain.QuotaRow]) error { quotas = append(quotas, l); return nil })
	for _, s := range []*db.DB{store, scratch} {
		if _, err := s.ImportQuotas(ctx, "quotas.csv", quotas, "test"); err != nil {
			t.Fatal(err)
		}
	}
	before := store.RefreshesResumed()
	if _, err := store.RefreshFigures(ctx, c.ID, 0, dbtest.ExampleNow); err != nil {
		t.Fatal(err)
	}
	if store.RefreshesResumed() == before {
		t.Error("the refresh after a quota revision from the day did not resume")
	}
	if diff := diffDumps(figureDump(t, store, c.ID), fromScratch()); diff != "" {
		t.Fatalf("after a quota revision from %s: %s", d, diff)
	}
}
