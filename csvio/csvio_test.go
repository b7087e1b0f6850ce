package csvio_test

import (
	"bufio"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/domain"
)

// readAll reads a file of one shape, returning its rows' lines and the error.
func readAll(shape, text string) ([]int, error) {
	var lines []int
	r, file := strings.NewReader(text), shape+".csv"
	switch shape {
	case "units":
		return lines, csvio.ReadUnits(r, file, func(l csvio.Line[domain.UnitRow]) error { lines = append(lines, l.Line); return nil })
	case "quotas":
		return lines, csvio.ReadQuotas(r, file, func(l csvio.Line[domain.QuotaRow]) error { lines = append(lines, l.Line); return nil })
	case "reports":
		return lines, csvio.ReadReports(r, file, func(l csvio.Line[domain.ReportRow]) error { lines = append(lines, l.Line); return nil })
	case "crosswalk":
		return lines, csvio.ReadCrosswalk(r, file, func(l csvio.Line[domain.LinkRow]) error { lines = append(lines, l.Line); return nil })
	case "campaigns":
		return lines, csvio.ReadCampaigns(r, file, func(l csvio.Line[domain.CampaignDef]) error { lines = append(lines, l.Line); return nil })
	}
	panic(shape)
}

func TestReadUnits(t *testing.T) {
	t.Parallel()
	var rows []domain.UnitRow
	err := csvio.ReadUnits(strings.NewReader("\ufeffcode,name,kind,parent_code,valid_from,name_en\n"+
		"VN,Việt Nam,nation,,,Viet Nam\n\n"+
		"83, Bến Tre ,PROVINCE,VN,2023-01-01,\n"), "units.csv", func(l csvio.Line[domain.UnitRow]) error {
		rows = append(rows, l.Row)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Kind != domain.KindNation || rows[0].NameEN != "Viet Nam" || rows[0].ValidFrom != nil ||
		rows[1].Name != "Bến Tre" || rows[1].Kind != domain.KindProvince || rows[1].ParentCode != "VN" ||
		rows[1].ValidFrom == nil || *rows[1].ValidFrom != domain.MustDate("2023-01-01") {
		t.Errorf("rows = %+v", rows)
	}
}

func TestReadCampaigns(t *testing.T) {
	t.Parallel()
	rows, err := csvio.ReadAll(strings.NewReader("slug,name,scope_code,start_date,end_date,metrics,name_en,report_deadline,deadline_days,time_zone\n"+
		"ref,Thử,VN,2023-12-01,2023-12-20, collected ; activated ,Test,17:05,0,Asia/Bangkok\n"+
		"min,Tối thiểu,83,2023-12-01,2023-12-02,collected,,,,\n"), "campaigns.csv", csvio.ReadCampaigns)
	if err != nil || len(rows) != 2 {
		t.Fatal(rows, err)
	}
	a, b := rows[0].Row, rows[1].Row
	if rows[1].Line != 3 || a.Slug != "ref" || a.ScopeCode != "VN" || a.NameEN != "Test" ||
		a.Start != domain.MustDate("2023-12-01") || a.End != domain.MustDate("2023-12-20") ||
		strings.Join(a.MetricKeys, "|") != "collected|activated" || a.DeadlineMinutes != 17*60+5 || a.DeadlineDays != 0 || a.TimeZone != "Asia/Bangkok" {
		t.Errorf("row 1 = %+v", a)
	}
	// Defaults: 07:30 on D+1 in Vietnam's time zone.
	if b.DeadlineMinutes != 450 || b.DeadlineDays != 1 || b.TimeZone != domain.DefaultTimeZone || b.ScopeCode != "83" {
		t.Errorf("row 2 = %+v", b)
	}
}

func TestReadQuotasAndReports(t *testing.T) {
	t.Parallel()
	var q domain.QuotaRow
	if err := csvio.ReadQuotas(strings.NewReader("campaign,unit_code,metric,target,effective_from,reason,reference\n"+
		"ref,90,collected,332,2023-12-01,initial,KH 15\n"), "q.csv", func(l csvio.Line[domain.QuotaRow]) error {
		q = l.Row
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if q != (domain.QuotaRow{Campaign: "ref", UnitCode: "90", Metric: "collected", Target: 332,
		EffectiveFrom: domain.MustDate("2023-12-01"), Reason: "initial", Reference: "KH 15"}) {
		t.Errorf("quota = %+v", q)
	}
	var p domain.ReportRow
	if err := csvio.ReadReports(strings.NewReader("unit_code,metric,date,value,reported_at,note\n"+
		"90000,collected,2023-12-01,15,2023-12-02T07:12:00+07:00,ok\n"), "r.csv", func(l csvio.Line[domain.ReportRow]) error {
		p = l.Row
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2023, 12, 2, 0, 12, 0, 0, time.UTC)
	if p.UnitCode != "90000" || p.Value != 15 || p.Date != domain.MustDate("2023-12-01") || !p.ReportedAt.Equal(at) || p.Note != "ok" {
		t.Errorf("report = %+v", p)
	}
}

// TestErrorsNameFileLineColumn: the first problem of a file is an
// invalid-input error naming the file, line and column (and the column's
// name), and nothing after it is read. Columns count bytes from 1, as
// encoding/csv does ("Bến Tre" is 9 of them).
func TestErrorsNameFileLineColumn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, shape, text, field, msg string
	}{
		{"ErrEmptyFile", "reports", "", "reports.csv", "empty"},
		{"ErrUnknownColumn", "reports", "unit_code,metric,date,value,colour\n", "reports.csv:1:5", `unknown column "colour"`},
		{"ErrDuplicateColumn", "reports", "unit_code,metric,date,value,value\n", "reports.csv:1:5", "twice"},
		{"ErrMissingColumn", "reports", "unit_code,metric,date\n", "reports.csv:1", `missing column "value"`},
		{"ErrNegativeCount", "reports", "unit_code,metric,date,value\n1,m,2023-12-01,5\n1,m,2023-12-02,-3\n", "reports.csv:3:16 (value)", "negative"},
		{"ErrSeparators", "quotas", "campaign,unit_code,metric,target,effective_from,reason\nc,1,m,822.139,2023-12-01,r\n", "quotas.csv:2:7 (target)", "whole number"},
		{"ErrBadDate", "reports", "unit_code,metric,date,value\n1,m,10/12/2023,5\n", "reports.csv:2:5 (date)", "YYYY-MM-DD"},
		{"ErrBadTime", "reports", "unit_code,metric,date,value,reported_at\n1,m,2023-12-10,5,tomorrow\n", "reports.csv:2:18 (reported_at)", "RFC 3339"},
		{"ErrEmptyReason", "quotas", "campaign,unit_code,metric,target,effective_from,reason\nc,1,m,5,2023-12-01,\n", "quotas.csv:2:20 (reason)", "says why"},
		{"ErrFieldCount", "reports", "unit_code,metric,date,value\n1,m,2023-12-01\n", "reports.csv:2", "3 fields, the header has 4"},
		{"ErrNUL", "reports", "unit_code,metric,date,value\n1,m\x00,2023-12-01,5\n", "reports.csv:2:3 (metric)", "NUL"},
		{"ErrNotUTF8", "units", "code,name,kind,parent_code\nVN,Vi\xffet,nation,\n", "units.csv:2:4 (name)", "UTF-8"},
		{"ErrBareQuote", "reports", "unit_code,metric,date,value\n1,m\"x,2023-12-01,5\n", "reports.csv:2:4", "quote"},
		{"ErrNationWithParent", "units", "code,name,kind,parent_code\nVN,Việt Nam,nation,XX\n", "units.csv:2:22 (parent_code)", "no parent"},
		{"ErrOrphan", "units", "code,name,kind,parent_code\n83,Bến Tre,province,\n", "units.csv:2:23 (parent_code)", "needs a parent"},
		{"ErrUnknownKind", "units", "code,name,kind,parent_code\n83,Bến Tre,planet,VN\n", "units.csv:2:14 (kind)", "planet"},
		{"ErrValidity", "units", "code,name,kind,parent_code,valid_from,valid_to\n83,B,province,VN,2025-07-01,2025-06-30\n", "units.csv:2:29 (valid_to)", "before"},
		{"ErrClock", "campaigns", "slug,name,scope_code,start_date,end_date,metrics,report_deadline\nb,B,VN,2023-12-01,2023-12-20,collected,7h30\n", "campaigns.csv:2:40 (report_deadline)", "HH:MM"},
		{"ErrDeadlineDays", "campaigns", "slug,name,scope_code,start_date,end_date,metrics,deadline_days\nb,B,VN,2023-12-01,2023-12-20,collected,one\n", "campaigns.csv:2:40 (deadline_days)", "whole number"},
		{"ErrNoMetrics", "campaigns", "slug,name,scope_code,start_date,end_date,metrics\nb,B,VN,2023-12-01,2023-12-20,\n", "campaigns.csv:2:30 (metrics)", "empty"},
		{"ErrLinkKind", "crosswalk", "old_code,new_code,kind,source\n1,2,HALF,x\n", "crosswalk.csv:2:5 (kind)", "WHOLE or PART"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lines, err := readAll(tc.shape, tc.text)
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want a *domain.Error", err)
			}
			if de.Code != domain.EINVALID || de.Field != tc.field || !strings.Contains(de.Message, tc.msg) {
				t.Errorf("err = %s %q: %q, want %q containing %q", de.Code, de.Field, de.Message, tc.field, tc.msg)
			}
			if tc.name == "ErrNegativeCount" && len(lines) != 1 {
				t.Errorf("%d rows read before the error, want 1", len(lines))
			}
		})
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	for header, want := range map[string]string{
		"code,name,kind,parent_code":                                   "units",
		" Unit_Code ,metric,date,value,note":                           "reports",
		"\ufeffcampaign,unit_code,metric,target,effective_from,reason": "quotas",
		"old_code,new_code,kind,source,method":                         "crosswalk",
		"slug,name,scope_code,start_date,end_date,metrics,time_zone":   "campaigns",
	} {
		h, err := csvio.ReadHeader(bufio.NewReader(strings.NewReader(header + "\r\nx,y\n")))
		if err != nil {
			t.Fatal(err)
		}
		s, err := csvio.DetectFile(h, "f.csv")
		if err != nil || s.Name != want {
			t.Errorf("DetectFile(%q) = %q, %v; want %q", header, s.Name, err, want)
		}
	}
	// Closest to reports, with one column misspelt: named by position.
	_, err := csvio.DetectFile([]string{"unit_code", "metric", "date", "valeu"}, "r.csv")
	if domain.ErrorCode(err) != domain.EINVALID || !strings.HasPrefix(err.Error(), "r.csv:1:4: unknown column \"valeu\" in a reports file") {
		t.Errorf("err = %v", err)
	}
	_, err = csvio.DetectFile([]string{"a", "b"}, "x.csv")
	if domain.ErrorCode(err) != domain.EINVALID || !strings.HasPrefix(err.Error(), "x.csv:1: the header is not one of units") {
		t.Errorf("err = %v", err)
	}
}
