package publish

import (
	"archive/zip"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/press"
)

// The XLSX downloads: the same rows and columns as the CSV, with
// Vietnamese headers, numbers as numbers (thousands grouped, rates as
// percentages, days as dates) and a frozen header row. Rows stream through
// excelize's StreamWriter (which keeps at most 16 MiB of a sheet in memory
// and spills the rest to a temporary file);
// past Excel's 1,048,576 rows a sheet, they go on in a next sheet.

// xlsxSheet is the name of the first sheet; the next are "Số liệu (2)"…
const xlsxSheet = "Số liệu"

// xlsxMaxRows is the data rows of a sheet (Excel's limit, less the header).
var xlsxMaxRows = 1_048_575

// xlsxTable is a workbook being written, one header and sheet after sheet.
type xlsxTable struct {
	f      *excelize.File
	out    io.Writer
	sw     *excelize.StreamWriter
	header []any
	styles []int // by column
	kinds  []cellKind
	sheets int
	rows   int // data rows of the current sheet
	cell   []any
}

// newXLSXTable starts a workbook whose columns have these Vietnamese
// headers and kinds; it is written to out by end.
func newXLSXTable(out io.Writer, headers []string, kinds []cellKind) (*xlsxTable, error) {
	t := &xlsxTable{f: excelize.NewFile(), out: out, kinds: kinds, cell: make([]any, len(kinds))}
	bold, err := t.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	date := "yyyy-mm-dd"
	formats := map[cellKind]*excelize.Style{
		cellText: {}, cellInt: {NumFmt: 3}, cellDecimal: {NumFmt: 4}, cellFraction: {NumFmt: 10}, cellDate: {CustomNumFmt: &date},
	}
	for _, k := range kinds {
		id, err := t.f.NewStyle(formats[k])
		if err != nil {
			return nil, err
		}
		t.styles = append(t.styles, id)
	}
	for _, h := range headers {
		t.header = append(t.header, excelize.Cell{StyleID: bold, Value: h})
	}
	return t, t.nextSheet()
}

func (t *xlsxTable) nextSheet() error {
	if t.sw != nil {
		if err := t.sw.Flush(); err != nil {
			return err
		}
	}
	t.sheets++
	name := xlsxSheet
	if t.sheets == 1 {
		if err := t.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else {
		name = fmt.Sprintf("%s (%d)", xlsxSheet, t.sheets)
		if _, err := t.f.NewSheet(name); err != nil {
			return err
		}
	}
	sw, err := t.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	t.sw, t.rows = sw, 0
	for i, k := range t.kinds {
		w := 14.0
		if k == cellText {
			w = 22
		}
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return sw.SetRow("A1", t.header)
}

// add writes a row of values (string, int64, float64 or nil), in the
// columns' kinds: a date string becomes a date.
func (t *xlsxTable) add(values []any) error {
	if t.rows == xlsxMaxRows {
		if err := t.nextSheet(); err != nil {
			return err
		}
	}
	t.rows++
	for i, v := range values {
		if s, ok := v.(string); ok {
			switch t.kinds[i] {
			case cellDate:
				if d, err := time.Parse(time.DateOnly, s); err == nil {
					v = d
				}
			case cellText: // as in the CSV: never run as a formula
				v = press.CSVText(s)
			}
		}
		t.cell[i] = excelize.Cell{StyleID: t.styles[i], Value: v}
	}
	cell, err := excelize.CoordinatesToCellName(1, t.rows+1)
	if err != nil {
		return err
	}
	return t.sw.SetRow(cell, t.cell)
}

func (t *xlsxTable) end() error {
	defer t.f.Close()
	if err := t.sw.Flush(); err != nil {
		return err
	}
	// excelize builds the archive in a buffer before writing it out: its
	// zip writer is given the output instead, so the archive streams (the
	// buffer it writes stays empty).
	t.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(t.out) })
	_, err := t.f.WriteTo(io.Discard)
	return err
}

// xlsxSink writes the tidy rows as a workbook.
type xlsxSink struct {
	t      *xlsxTable
	values []any
}

func newXLSXSink(w io.Writer) (*xlsxSink, error) {
	var headers []string
	var kinds []cellKind
	for _, c := range seriesColumns {
		headers, kinds = append(headers, c.VI), append(kinds, c.kind)
	}
	t, err := newXLSXTable(w, headers, kinds)
	return &xlsxSink{t: t, values: make([]any, len(seriesColumns))}, err
}

func (s *xlsxSink) row(r *db.SeriesRow) error {
	for i, c := range seriesColumns {
		s.values[i] = c.get(r)
	}
	return s.t.add(s.values)
}

func (s *xlsxSink) end() error { return s.t.end() }
