package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// TestImportQuotaFactor: with a quota factor, an import refuses a figure
// above its quota in force times the factor, naming the line, as
// submitReports does (the import skipped the check); confirmed, it is
// stored flagged.
func TestImportQuotaFactor(t *testing.T) {
	t.Parallel()
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	ctx := context.Background()
	// 90001's collected quota is 559 from 01/12/2023; 5.000 is 9 times it.
	text := "unit_code,metric,date,value,reported_at,note\n90001,collected,2023-12-20,5000,2023-12-21T00:00:00Z,gõ thừa một chữ số\n"
	src := func(fn func(csvio.Line[domain.ReportRow]) error) error {
		return csvio.ReadReports(strings.NewReader(text), "reports.csv", fn)
	}
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	before := countRows(t, store, "report_revisions")
	_, err := store.ImportReportsWith(ctx, "reports.csv", src, "test", domain.WriteOptions{Now: now, QuotaFactor: 3}, nil)
	if err == nil || !strings.Contains(err.Error(), "reports.csv:2 (value): 5000 is more than 3 times the quota in force that day in campaign ref (559)") {
		t.Fatalf("got %v, want the line named with the quota", err)
	}
	if n := countRows(t, store, "report_revisions"); n != before {
		t.Fatalf("%d revisions written by a refused file", n-before)
	}
	if _, err := store.ImportReportsWith(ctx, "reports.csv", src, "test", domain.WriteOptions{Now: now, QuotaFactor: 3, ConfirmAboveQuota: true}, nil); err != nil {
		t.Fatal(err)
	}
	var flagged bool
	if err := store.Pool.QueryRow(ctx, `SELECT r.flagged FROM report_revisions r JOIN units u ON u.id = r.unit_id
		WHERE u.code = '90001' AND r.day = '2023-12-20' ORDER BY r.revision DESC LIMIT 1`).Scan(&flagged); err != nil || !flagged {
		t.Errorf("the confirmed figure is not flagged (%v)", err)
	}
}
