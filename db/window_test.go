package db_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/engine"
)

// TestWindowReportsEqualAll checks the reports a refresh reads (a window of
// days, and the last earlier report only where the window's first day has
// none) against every report: from every day of the example campaign on,
// the engine computes the same figures from both.
func TestWindowReportsEqualAll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	c := dbtest.MustLoadExample(t, store)
	units, err := store.Subtree(ctx, c.ScopeUnitID)
	if err != nil {
		t.Fatal(err)
	}
	all, err := db.WindowReports(ctx, store, units, c.MetricKeys, c.Start-1000, c.End)
	if err != nil {
		t.Fatal(err)
	}
	skipped := 0 // windows whose first day a unit skipped after reporting before
	for from := c.Start; from <= c.End; from++ {
		lo := from - 8
		win, err := db.WindowReports(ctx, store, units, c.MetricKeys, lo, c.End)
		if err != nil {
			t.Fatal(err)
		}
		skipped += skippers(all, lo)
		want, got := figures(t, c, units, all, from), figures(t, c, units, win, from)
		if len(want) != len(got) {
			t.Fatalf("from %s: %d figures from the window, %d from every report", from, len(got), len(want))
		}
		for i := range want {
			if want[i] != got[i] {
				t.Fatalf("from %s:\n  window %s\n  all    %s", from, got[i], want[i])
			}
		}
	}
	if skipped == 0 {
		t.Fatal("no window starts on a day a unit skipped after reporting before: the test would check nothing")
	}
}

// skippers counts the units and metrics with a report before lo but none on lo.
func skippers(all []engine.Report, lo domain.Date) int {
	type key struct {
		unit   int64
		metric string
	}
	before, on := map[key]bool{}, map[key]bool{}
	for _, r := range all {
		k := key{r.UnitID, r.Metric}
		if r.Day < lo {
			before[k] = true
		} else if r.Day == lo {
			on[k] = true
		}
	}
	n := 0
	for k := range before {
		if !on[k] {
			n++
		}
	}
	return n
}

func figures(t *testing.T, c *domain.Campaign, units []*domain.Unit, reports []engine.Report, from domain.Date) []string {
	t.Helper()
	var out []string
	err := engine.Compute(engine.Input{Campaign: c, Units: units, Reports: reports, From: from, To: c.End}, func(day []engine.Figure) error {
		for _, f := range day {
			out = append(out, fmt.Sprintf("%s %s %d %v %d %s %d %d/%d/%d %s %s %d %s r%d", f.Metric, f.Day, f.UnitID, f.HasValue, f.Value, f.Source,
				f.StaleDays, f.OnTime, f.Late, f.Missing, num(f.Delta), num(f.Delta7), f.Rank, num(f.RankChange), f.Revisions))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func num[T int | int64](p *T) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}
