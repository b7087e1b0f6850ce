package publish

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestXLSXTableSheets writes a workbook whose rows overflow a sheet (the
// limit made 3 rows here) and reads it back with excelize: each sheet has
// the frozen header, its rows in order, numbers and dates as numbers, texts
// guarded against formulas and empty values as empty cells.
func TestXLSXTableSheets(t *testing.T) {
	defer func(n int) { xlsxMaxRows = n }(xlsxMaxRows)
	xlsxMaxRows = 3
	var b bytes.Buffer
	tb, err := newXLSXTable(&b, []string{"Tên", "Ngày", "Số lượng", "Tỷ lệ đạt"}, []cellKind{cellText, cellDate, cellInt, cellFraction})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 7 {
		name := []string{"Xã <An> & Bình", "=1+1", " lề "}[i%3]
		var rate any = 0.5 + float64(i)/100
		if i == 4 {
			rate = nil
		}
		if err := tb.add([]any{name, "2025-07-0" + string(rune('1'+i)), int64(1000 * i), rate}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tb.end(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 3 || got[0] != "Số liệu" || got[2] != "Số liệu (3)" {
		t.Fatalf("sheets %q", got)
	}
	row := 0
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil || len(rows) < 2 || rows[0][2] != "Số lượng" {
			t.Fatalf("%s: %q %v", sheet, rows, err)
		}
		if p, _ := f.GetPanes(sheet); !p.Freeze || p.YSplit != 1 {
			t.Errorf("%s: panes %+v, want the header row frozen", sheet, p)
		}
		for r := range rows[1:] {
			cell := func(col string) string { return col + string(rune('2'+r)) }
			want := []string{"Xã <An> & Bình", "'=1+1", " lề "}[row%3]
			if v, _ := f.GetCellValue(sheet, cell("A")); v != want {
				t.Errorf("%s!%s: %q, want %q", sheet, cell("A"), v, want)
			}
			if v, _ := f.GetCellValue(sheet, cell("B")); v != "2025-07-0"+string(rune('1'+row)) {
				t.Errorf("%s!%s: %q, want the date", sheet, cell("B"), v)
			}
			for _, col := range []string{"B", "C", "D"} {
				typ, _ := f.GetCellType(sheet, cell(col)) // a number's type is left out (the default)
				v, _ := f.GetCellValue(sheet, cell(col), excelize.Options{RawCellValue: true})
				_, err := strconv.ParseFloat(v, 64)
				if wantEmpty := col == "D" && row == 4; (v == "") != wantEmpty || !wantEmpty && (typ != excelize.CellTypeUnset || err != nil) {
					t.Errorf("%s!%s: %q of type %v, want a number", sheet, cell(col), v, typ)
				}
			}
			row++
		}
	}
	if row != 7 {
		t.Errorf("%d rows read back, want 7", row)
	}
}
