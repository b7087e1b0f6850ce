package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/numfmt"
	"github.com/tiendo-vn/tiendo/reform"
)

// Load writes the demo dataset: metrics, both unit lists, the campaigns,
// their quotas and reports, then computes every figure.
func Load(ctx context.Context, store *db.DB, stderr io.Writer) error {
	start := time.Now()
	fmt.Fprintln(stderr, "demo: building the dataset…")
	ds, err := Build()
	if err != nil {
		return err
	}
	// Whatever is shown from this database from now on says it is demo data.
	if err := store.MarkDemo(ctx); err != nil {
		return err
	}
	for i := range ds.Metrics {
		if err := store.UpsertMetric(ctx, &ds.Metrics[i]); err != nil {
			return err
		}
	}
	units := make([]csvio.Line[domain.UnitRow], len(ds.Units))
	for i, u := range ds.Units {
		units[i] = csvio.Line[domain.UnitRow]{Line: i + 2, Row: u}
	}
	res, err := store.ImportUnits(ctx, "demo units", units, "demo")
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "demo: %s units\n", formatThousands(res.Inserted))
	if res, err = loadCrosswalk(ctx, store); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "demo: %s links of the 2025 reform\n", formatThousands(res.Inserted))
	for i := range ds.Campaigns {
		c := &ds.Campaigns[i]
		if _, err := store.CampaignBySlug(ctx, c.Slug); err == nil {
			continue
		}
		if _, err := store.CreateCampaign(ctx, c); err != nil {
			return fmt.Errorf("demo campaign %s: %w", c.Slug, err)
		}
	}
	quotas := make([]csvio.Line[domain.QuotaRow], len(ds.Quotas))
	for i, q := range ds.Quotas {
		quotas[i] = csvio.Line[domain.QuotaRow]{Line: i + 2, Row: q}
	}
	if res, err = store.ImportQuotas(ctx, "demo quotas", quotas, "demo"); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "demo: %s quota revisions\n", formatThousands(res.Inserted))
	res, err = importRows(ctx, store, "demo reports", ds.Reports, func(n int) {
		fmt.Fprintf(stderr, "demo: %s of %s reports…\n", formatThousands(n), formatThousands(len(ds.Reports)))
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "demo: %s reports written\n", formatThousands(res.Inserted))
	if res, err = importCorrections(ctx, store, ds.Corrections); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "demo: %s corrections written\n", formatThousands(res.Inserted))
	if err := refreshAll(ctx, store, stderr); err != nil {
		return err
	}
	// Fresh statistics after the bulk load: without them the planner takes
	// every table for a few rows (reading the 2023 campaigns on today's map
	// took seconds instead of tens of milliseconds).
	if _, err := store.Pool.Exec(ctx, `ANALYZE`); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "demo: loaded in %.1f s\n", time.Since(start).Seconds())
	return nil
}

// loadCrosswalk imports the 2025 reform's crosswalk committed in reform/.
func loadCrosswalk(ctx context.Context, store *db.DB) (domain.ImportResult, error) {
	var links []csvio.Line[domain.LinkRow]
	err := csvio.ReadCrosswalk(bytes.NewReader(reform.CrosswalkCSV), "crosswalk.csv", func(l csvio.Line[domain.LinkRow]) error {
		links = append(links, l)
		return nil
	})
	if err != nil {
		return domain.ImportResult{}, err
	}
	return store.ImportCrosswalk(ctx, "crosswalk.csv", links, "demo")
}

// importRows imports report rows through the same path as a CSV file.
func importRows(ctx context.Context, store *db.DB, name string, rows []domain.ReportRow, progress func(int)) (domain.ImportResult, error) {
	return store.ImportReports(ctx, name, rowSource(rows), "demo", time.Now(), progress)
}

// rowSource reads rows as lines of a CSV file.
func rowSource(rows []domain.ReportRow) db.ReportSource {
	return func(fn func(csvio.Line[domain.ReportRow]) error) error {
		for i, r := range rows {
			if err := fn(csvio.Line[domain.ReportRow]{Line: i + 2, Row: r}); err != nil {
				return err
			}
		}
		return nil
	}
}

// importCorrections imports the corrections as the district police of each
// commune would send them, so that the public corrections log names a
// submitting unit: one file per district, as its reporter token.
func importCorrections(ctx context.Context, store *db.DB, rows []domain.ReportRow) (domain.ImportResult, error) {
	var total domain.ImportResult
	byParent := map[int64][]domain.ReportRow{}
	var order []int64
	for _, r := range rows {
		u, err := store.UnitByCode(ctx, r.UnitCode, r.Date)
		if err != nil {
			return total, err
		}
		if u.ParentID == nil {
			return total, fmt.Errorf("demo correction of %s: a unit without a parent", r.UnitCode)
		}
		if _, ok := byParent[*u.ParentID]; !ok {
			order = append(order, *u.ParentID)
		}
		byParent[*u.ParentID] = append(byParent[*u.ParentID], r)
	}
	for _, parent := range order {
		p := &domain.Principal{Name: "demo", Role: domain.RoleReporter, UnitID: &parent}
		res, err := store.ImportReportsAs(ctx, "demo corrections", rowSource(byParent[parent]), p, domain.WriteOptions{Now: time.Now(), QuotaFactor: -1}, nil)
		if err != nil {
			return total, err
		}
		total.Inserted += res.Inserted
		total.Skipped += res.Skipped
	}
	return total, nil
}

// refreshAll computes the figures of every campaign.
func refreshAll(ctx context.Context, store *db.DB, stderr io.Writer) error {
	ids, err := store.CampaignIDs(ctx, domain.MustDate("1900-01-01"), domain.MustDate("9999-12-31"))
	if err != nil {
		return err
	}
	for _, id := range ids {
		start := time.Now()
		n, err := store.RefreshFigures(ctx, id, 0, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "figures: campaign %d, %s rows in %.1f s\n", id, formatThousands(n), time.Since(start).Seconds())
	}
	return nil
}

// formatThousands writes a count the Vietnamese way: 48.552.
func formatThousands(n int) string { return numfmt.FormatCount(int64(n), numfmt.LangVI) }
