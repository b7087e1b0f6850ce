package csvio

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiendo-vn/tiendo/domain"
)

// XLSX import: officials keep reports and quotas in Excel. The first sheet
// of a workbook is turned into the contract's CSV (one CSV line per sheet
// row, so line N is row N), its Vietnamese headers renamed, and read by the
// same readers and checks as a CSV file; their errors are then named by
// sheet and cell ("Báo cáo!D17").

// xlsxAliases are the column names officials use, folded by SearchKey
// (lower case, no diacritics), and the contract's column each stands for.
var xlsxAliases = map[string]string{
	"ma don vi": "unit_code", "ma dv": "unit_code", "chi so": "metric", "ngay": "date", "ngay bao cao": "date",
	"tinh den ngay": "date", "so luong": "value", "gia tri": "value", "so lieu": "value", "ghi chu": "note",
	"thoi diem bao cao": "reported_at", "chien dich": "campaign", "chi tieu": "target", "ap dung tu": "effective_from",
	"ngay ap dung": "effective_from", "hieu luc tu": "effective_from", "ly do": "reason", "can cu": "reference",
	"so van ban": "reference", "van ban": "reference",
}

// dateColumns hold days: an Excel date (a serial number) or DD/MM/YYYY
// becomes YYYY-MM-DD.
var dateColumns = map[string]bool{"date": true, "effective_from": true}

// Sheet is a workbook's first sheet as the contract's CSV.
type Sheet struct {
	Name    string
	CSV     []byte
	columns map[string]int // contract column → sheet column (1-based)
}

// ReadXLSX reads the first sheet of a workbook (reports or quotas).
func ReadXLSX(r io.Reader, file string) (*Sheet, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, &domain.Error{Code: domain.EINVALID, Field: file, Message: "not an XLSX workbook: " + err.Error()}
	}
	defer f.Close()
	sh := &Sheet{Name: f.GetSheetList()[0], columns: map[string]int{}}
	rows, err := f.Rows(sh.Name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	var header []string
	for row := 1; rows.Next(); row++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, &domain.Error{Code: domain.EINVALID, Field: fmt.Sprintf("%s!A%d", sh.Name, row), Message: err.Error()}
		}
		if row == 1 {
			hasTarget := false
			for _, c := range cells {
				hasTarget = hasTarget || xlsxAliases[domain.SearchKey(c)] == "target"
			}
			for i, c := range cells {
				name := normColumn(c)
				if a, ok := xlsxAliases[domain.SearchKey(c)]; ok {
					name = a
					if a == "reason" && !hasTarget {
						name = "note" // a report's "Lý do" is its correction's note
					}
				}
				header = append(header, name)
				sh.columns[name] = i + 1
			}
			w.Write(header)
			continue
		}
		empty := true
		for _, c := range cells {
			empty = empty && strings.TrimSpace(c) == ""
		}
		if empty {
			w.Flush()
			buf.WriteString("\n") // a blank line, skipped, keeps line N = row N
			continue
		}
		out := make([]string, len(header))
		for i := range out {
			if i < len(cells) {
				out[i] = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(cells[i])
				if dateColumns[header[i]] {
					out[i] = xlsxDate(out[i])
				}
			}
		}
		w.Write(out)
	}
	w.Flush()
	sh.CSV = buf.Bytes()
	return sh, w.Error()
}

// xlsxDate is a day cell as YYYY-MM-DD when it is an Excel date or
// DD/MM/YYYY; otherwise as it is, for the reader to refuse.
func xlsxDate(v string) string {
	v = strings.TrimSpace(v)
	if n, err := strconv.ParseFloat(v, 64); err == nil && n > 1 {
		if t, err := excelize.ExcelDateToTime(n, false); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	if t, err := time.Parse("2/1/2006", v); err == nil {
		return t.Format(time.DateOnly)
	}
	return v
}

// errField is an error's field as the CSV path names it: "file:line",
// "file:line:column" or either followed by " (column name)".
var errField = regexp.MustCompile(`^.*?:(\d+)(?::\d+)?(?: \(([a-z_]+)\))?$`)

// Cells renames the field of a CSV error (file:line:col (column)) as the
// sheet's cell, e.g. "Báo cáo!D17"; other errors are returned as they are.
func (sh *Sheet) Cells(err error) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	m := errField.FindStringSubmatch(de.Field)
	if m == nil {
		return err
	}
	cell := sh.Name + "!" + m[1]
	if col, ok := sh.columns[m[2]]; ok {
		name, _ := excelize.CoordinatesToCellName(col, 0+atoi(m[1]))
		cell = sh.Name + "!" + name
	}
	out := *de
	out.Field = cell
	return &out
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
