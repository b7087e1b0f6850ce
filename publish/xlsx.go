package publish

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/press"
)

// The XLSX downloads: the same rows and columns as the CSV, with
// Vietnamese headers, numbers as numbers (thousands grouped, rates as
// percentages, days as dates) and a frozen header row; past Excel's
// 1,048,576 rows a sheet, they go on in a next sheet.
//
// The workbook is written here as it goes, straight into the response: a
// sheet's rows stream into its zip entry (inline strings, no shared-string
// table), and the parts that list the sheets (workbook, relationships,
// content types, styles) follow them, since a zip is read from its central
// directory at the end. So memory stays that of the compressor and one
// row, whatever the size of the file, and the first bytes leave at once;
// excelize's StreamWriter, used before, held up to 16 MiB of a sheet in a
// growing buffer (the heap grew by ~50 MB) and then a temporary file, and
// sent nothing until the last row. The files are read back with excelize
// and openpyxl in the tests.

// xlsxSheet is the name of the first sheet; the next are "Số liệu (2)"…
const xlsxSheet = "Số liệu"

// xlsxMaxRows is the data rows of a sheet (Excel's limit, less the header).
var xlsxMaxRows = 1_048_575

// xlsxStyle is the index of each kind's cell format in styles.xml
// (xlsxStyles); 1 is the bold header.
var xlsxStyle = map[cellKind]int{cellText: 0, cellInt: 2, cellDecimal: 3, cellFraction: 4, cellDate: 5}

const (
	xlsxNS     = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	xlsxHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	// xlsxStyles: fonts regular and bold; formats General, bold, #,##0 (3),
	// #,##0.00 (4), 0.00% (10) and yyyy-mm-dd (164).
	xlsxStyles = xlsxHeader + `<styleSheet ` + xlsxNS + `><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>` +
		`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
		`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
		`<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
		`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
		`<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
		`<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
		`<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
		`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
		`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`
	xlsxRels = xlsxHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
)

// excelEpoch is day 0 of Excel's 1900 date system (as its serials run
// after 28/02/1900).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// xlsxTable is a workbook being written, one header and sheet after sheet.
type xlsxTable struct {
	zw     *zip.Writer
	out    *bufio.Writer // the current sheet's zip entry
	header []string
	kinds  []cellKind
	cols   []string // column letters
	sheets int
	rows   int    // data rows of the current sheet
	buf    []byte // the row being written
	esc    bytes.Buffer
}

// newXLSXTable starts a workbook whose columns have these Vietnamese
// headers and kinds, written to out as rows are added; end finishes it.
func newXLSXTable(out io.Writer, headers []string, kinds []cellKind) (*xlsxTable, error) {
	t := &xlsxTable{zw: zip.NewWriter(out), header: headers, kinds: kinds}
	// The fastest compression: the sheets' XML still shrinks to about a
	// tenth, and the default level takes five times the CPU for a file a
	// third smaller.
	t.zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for i := range kinds {
		t.cols = append(t.cols, columnName(i+1))
	}
	return t, t.nextSheet()
}

// columnName is a column's letters: 1 is A, 27 is AA.
func columnName(n int) string {
	s := ""
	for ; n > 0; n = (n - 1) / 26 {
		s = string(rune('A'+(n-1)%26)) + s
	}
	return s
}

// nextSheet ends the current sheet and begins the next with the header row.
func (t *xlsxTable) nextSheet() error {
	if err := t.endSheet(); err != nil {
		return err
	}
	t.sheets++
	w, err := t.zw.Create(fmt.Sprintf("xl/worksheets/sheet%d.xml", t.sheets))
	if err != nil {
		return err
	}
	t.out, t.rows = bufio.NewWriterSize(w, 32<<10), 0
	t.out.WriteString(xlsxHeader + `<worksheet ` + xlsxNS + `><sheetViews><sheetView workbookViewId="0">` +
		`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/>` +
		`</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>`)
	for i, k := range t.kinds {
		width := 14
		if k == cellText {
			width = 22
		}
		fmt.Fprintf(t.out, `<col min="%d" max="%d" width="%d" customWidth="1"/>`, i+1, i+1, width)
	}
	t.buf = append(t.buf[:0], `</cols><sheetData><row r="1">`...)
	for i, h := range t.header {
		t.text(i, 1, h, 1)
	}
	t.buf = append(t.buf, `</row>`...)
	_, err = t.out.Write(t.buf)
	return err
}

// endSheet closes the current sheet's XML.
func (t *xlsxTable) endSheet() error {
	if t.out == nil {
		return nil
	}
	t.out.WriteString(`</sheetData></worksheet>`)
	return t.out.Flush()
}

// cell begins a cell of column col in row row: its reference, its style
// (0, the default, is left out) and type.
func (t *xlsxTable) cell(col, row, style int, typ string) {
	t.buf = append(t.buf, `<c r="`...)
	t.buf = append(t.buf, t.cols[col]...)
	t.buf = strconv.AppendInt(t.buf, int64(row), 10)
	if style != 0 {
		t.buf = append(t.buf, `" s="`...)
		t.buf = strconv.AppendInt(t.buf, int64(style), 10)
	}
	t.buf = append(t.buf, typ...)
}

// text writes an inline-string cell.
func (t *xlsxTable) text(col, row int, s string, style int) {
	t.cell(col, row, style, `" t="inlineStr"><is><t`)
	if strings.TrimSpace(s) != s {
		t.buf = append(t.buf, ` xml:space="preserve"`...)
	}
	t.buf = append(t.buf, '>')
	t.esc.Reset()
	xml.EscapeText(&t.esc, []byte(s))
	t.buf = append(t.buf, t.esc.Bytes()...)
	t.buf = append(t.buf, `</t></is></c>`...)
}

// add writes a row of values (string, int64, float64 or nil: no cell), in
// the columns' kinds: a date string becomes a date, a text never runs as a
// formula (as in the CSV).
func (t *xlsxTable) add(values []any) error {
	if t.rows == xlsxMaxRows {
		if err := t.nextSheet(); err != nil {
			return err
		}
	}
	t.rows++
	row := t.rows + 1
	t.buf = append(t.buf[:0], `<row r="`...)
	t.buf = strconv.AppendInt(t.buf, int64(row), 10)
	t.buf = append(t.buf, `">`...)
	for i, v := range values {
		style := xlsxStyle[t.kinds[i]]
		if s, ok := v.(string); ok && t.kinds[i] == cellDate {
			if d, err := time.Parse(time.DateOnly, s); err == nil {
				v = int64(d.Sub(excelEpoch) / (24 * time.Hour))
			}
		}
		switch v := v.(type) {
		case int64:
			t.cell(i, row, style, `"><v>`)
			t.buf = strconv.AppendInt(t.buf, v, 10)
			t.buf = append(t.buf, `</v></c>`...)
		case float64:
			t.cell(i, row, style, `"><v>`)
			t.buf = strconv.AppendFloat(t.buf, v, 'g', -1, 64)
			t.buf = append(t.buf, `</v></c>`...)
		case string:
			if t.kinds[i] == cellText {
				v = press.CSVText(v)
			}
			t.text(i, row, v, style)
		}
	}
	t.buf = append(t.buf, `</row>`...)
	_, err := t.out.Write(t.buf)
	return err
}

// end writes the parts that list the sheets and closes the archive.
func (t *xlsxTable) end() error {
	if err := t.endSheet(); err != nil {
		return err
	}
	var book, rels, types strings.Builder
	book.WriteString(xlsxHeader + `<workbook ` + xlsxNS + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
	rels.WriteString(xlsxHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	types.WriteString(xlsxHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	for i := 1; i <= t.sheets; i++ {
		name := xlsxSheet
		if i > 1 {
			name = fmt.Sprintf("%s (%d)", xlsxSheet, i)
		}
		fmt.Fprintf(&book, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, name, i, i)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i, i)
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i)
	}
	book.WriteString(`</sheets></workbook>`)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`, t.sheets+1)
	types.WriteString(`</Types>`)
	for _, part := range []struct{ name, body string }{
		{"xl/workbook.xml", book.String()}, {"xl/_rels/workbook.xml.rels", rels.String()}, {"xl/styles.xml", xlsxStyles},
		{"_rels/.rels", xlsxRels}, {"[Content_Types].xml", types.String()},
	} {
		w, err := t.zw.Create(part.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, part.body); err != nil {
			return err
		}
	}
	return t.zw.Close()
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
