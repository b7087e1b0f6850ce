package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// writeWorkbook saves a one-sheet workbook of these rows.
func writeWorkbook(t *testing.T, file, sheet string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(file); err != nil {
		t.Fatal(err)
	}
}

// TestImportXLSX imports reports from a workbook with the Vietnamese column
// names officials use (a real Excel date, numbers as numbers); a workbook
// with one bad cell is refused whole, its error naming sheet!cell, and
// writes nothing.
func TestImportXLSX(t *testing.T) {
	url := dbtest.NewURL(t)
	dir := t.TempDir()
	ctx := context.Background()
	var out, errb bytes.Buffer
	units := filepath.Join(dir, "units.csv")
	writeFileT(t, units, "code,name,kind,parent_code\nVN,Việt Nam,NATION,\n83,Bến Tre,PROVINCE,VN\n836,Ba Tri,DISTRICT,83\n")
	if err := run(ctx, []string{"import", "--database-url", url, units}, &out, &errb, quiet); err != nil {
		t.Fatalf("import units: %v\n%s", err, errb.String())
	}
	store, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	count := func() int {
		var n int
		if err := store.Pool.QueryRow(ctx, `SELECT count(*) FROM report_revisions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	day := time.Date(2023, 11, 13, 0, 0, 0, 0, time.UTC)
	header := []any{"Mã đơn vị", "Chỉ số", "Ngày", "Số lượng", "Ghi chú"}
	bad := filepath.Join(dir, "bao-cao.xlsx")
	rows := [][]any{header}
	for i := range 15 {
		rows = append(rows, []any{"836", "collected", day.AddDate(0, 0, i), 1000 + i, ""})
	}
	rows = append(rows, []any{"836", "collected", "14/12/2023", -5, ""}) // row 17
	writeWorkbook(t, bad, "Báo cáo", rows)
	err = run(ctx, []string{"import", "--database-url", url, bad}, &out, &errb, quiet)
	if err == nil || !strings.Contains(err.Error(), "Báo cáo!D17: ") || !strings.Contains(err.Error(), "negative") {
		t.Errorf("a workbook with -5 in D17: %v, want an error naming Báo cáo!D17", err)
	}
	if n := count(); n != 0 {
		t.Errorf("%d report revisions written from a refused workbook, want none", n)
	}

	good := filepath.Join(dir, "bao-cao-dung.xlsx")
	rows[16][3] = 1500
	writeWorkbook(t, good, "Báo cáo", rows)
	if err := run(ctx, []string{"import", "--database-url", url, good}, &out, &errb, quiet); err != nil {
		t.Fatalf("import the workbook: %v\n%s", err, errb.String())
	}
	var value int64
	if err := store.Pool.QueryRow(ctx, `SELECT value FROM report_revisions WHERE day = '2023-12-14'`).Scan(&value); err != nil || value != 1500 || count() != 16 {
		t.Errorf("after the import: 14/12 is %d (%v), %d revisions, want 1500 and 16", value, err, count())
	}
	if v := 0; store.Pool.QueryRow(ctx, `SELECT value FROM report_revisions WHERE day = '2023-11-13'`).Scan(&v) != nil || v != 1000 {
		t.Errorf("the Excel date 13/11/2023 was read as another day (%d)", v)
	}
}

func writeFileT(t *testing.T, name, text string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
