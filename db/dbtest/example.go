package dbtest

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
)

// ExampleDir is the folder of the spec's worked example (db/testdata/example).
func ExampleDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "example")
}

// ExampleNow is a moment after the example's campaign, for imports and refreshes.
var ExampleNow = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// MustImportUnits imports a units CSV text.
func MustImportUnits(tb testing.TB, store *db.DB, text string) domain.ImportResult {
	tb.Helper()
	var rows []csvio.Line[domain.UnitRow]
	err := csvio.ReadUnits(strings.NewReader(text), "units.csv", func(l csvio.Line[domain.UnitRow]) error {
		rows = append(rows, l)
		return nil
	})
	if err != nil {
		tb.Fatalf("read units: %v", err)
	}
	res, err := store.ImportUnits(context.Background(), "units.csv", rows, "test")
	if err != nil {
		tb.Fatalf("import units: %v", err)
	}
	return res
}

// MustImportReports imports a reports CSV text as of ExampleNow.
func MustImportReports(tb testing.TB, store *db.DB, text string) domain.ImportResult {
	tb.Helper()
	src := func(fn func(csvio.Line[domain.ReportRow]) error) error {
		return csvio.ReadReports(strings.NewReader(text), "reports.csv", fn)
	}
	res, err := store.ImportReports(context.Background(), "reports.csv", src, "test", ExampleNow, nil)
	if err != nil {
		tb.Fatalf("import reports: %v", err)
	}
	return res
}

// MustLoadExample loads the spec's worked example (units, campaign ref,
// quotas, reports) into store and computes its figures.
func MustLoadExample(tb testing.TB, store *db.DB) *domain.Campaign {
	tb.Helper()
	ctx := context.Background()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(ExampleDir(), name))
		if err != nil {
			tb.Fatal(err)
		}
		return string(b)
	}
	MustImportUnits(tb, store, read("units.csv"))
	c, err := store.CreateCampaign(ctx, &domain.CampaignDef{ScopeCode: "VN", Campaign: domain.Campaign{
		Slug: "ref", Name: "Ví dụ", Start: domain.MustDate("2023-12-01"), End: domain.MustDate("2023-12-20"),
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone, MetricKeys: []string{"collected", "activated"},
	}})
	if err != nil {
		tb.Fatal(err)
	}
	var quotas []csvio.Line[domain.QuotaRow]
	if err := csvio.ReadQuotas(strings.NewReader(read("quotas.csv")), "quotas.csv", func(l csvio.Line[domain.QuotaRow]) error {
		quotas = append(quotas, l)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	if _, err := store.ImportQuotas(ctx, "quotas.csv", quotas, "test"); err != nil {
		tb.Fatal(err)
	}
	MustImportReports(tb, store, read("reports.csv"))
	if _, err := store.RefreshFigures(ctx, c.ID, c.Start, ExampleNow); err != nil {
		tb.Fatal(err)
	}
	return c
}
