package press

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/domain"
)

// Unit names a spreadsheet would run as formulas are written as text
// (OWASP's CSV injection advice); numbers, negative ones too, are not
// touched.
func TestWriteCSVFormulaCells(t *testing.T) {
	names := []string{"=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-3+4", "@SUM(A1)", "\t=1+1", "\r=1+1", "Xã An Hòa", "a=b"}
	want := []string{"'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1+2", "'-3+4", "'@SUM(A1)", "'\t=1+1", "'\r=1+1", "Xã An Hòa", "a=b"}
	v, q, delta := int64(5), int64(10), int64(-3)
	change := -2
	e := &Edition{Campaign: "c", Day: "2023-11-14", Scope: u("83", "Bến Tre", "tỉnh Bến Tre", domain.KindProvince)}
	table := MetricDay{Metric: Metric{Key: "collected"}, Scope: Figure{Unit: e.Scope, Value: &v, Quota: &q}}
	for i, n := range names {
		f := Figure{Unit: u(string(rune('a'+i)), n, n, domain.KindDistrict), Value: &v, Quota: &q, Delta: &delta, Rank: i + 1, RankChange: &change, Source: "OWN"}
		table.Children = append(table.Children, f)
	}
	e.Tables = []MetricDay{table}
	var b bytes.Buffer
	if err := WriteCSV(&b, e); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, w := range want {
		row := rows[i+2] // the header, the scope, then the units
		if got := row[col["unit_name"]]; got != w {
			t.Errorf("unit_name %q written as %q, want %q", names[i], got, w)
		}
		if row[col["rank_change"]] != "-2" || row[col["delta"]] != "-3" {
			t.Errorf("numbers changed: rank_change %q, delta %q; want -2 and -3", row[col["rank_change"]], row[col["delta"]])
		}
	}
}

func TestCSVText(t *testing.T) {
	for in, want := range map[string]string{"": "", "=1": "'=1", "+1": "'+1", "-1": "'-1", "@a": "'@a", "\t=1": "'\t=1",
		"\r@a": "'\r@a", "Ba Tri": "Ba Tri", "88,33%": "88,33%", " =1": " =1"} {
		if got := CSVText(in); got != want {
			t.Errorf("CSVText(%q) = %q, want %q", in, got, want)
		}
	}
}
