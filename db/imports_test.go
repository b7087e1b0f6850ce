package db_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

func importUnits(store *db.DB, text string) (domain.ImportResult, error) {
	var rows []csvio.Line[domain.UnitRow]
	if err := csvio.ReadUnits(strings.NewReader(text), "units.csv", func(l csvio.Line[domain.UnitRow]) error {
		rows = append(rows, l)
		return nil
	}); err != nil {
		return domain.ImportResult{}, err
	}
	return store.ImportUnits(context.Background(), "units.csv", rows, "test")
}

func importReports(store *db.DB, text string, now time.Time) (domain.ImportResult, error) {
	src := func(fn func(csvio.Line[domain.ReportRow]) error) error {
		return csvio.ReadReports(strings.NewReader(text), "reports.csv", fn)
	}
	return store.ImportReports(context.Background(), "reports.csv", src, "test", now, nil)
}

func countRows(tb testing.TB, store *db.DB, table string) int {
	tb.Helper()
	var n int
	if err := store.Pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func exampleUnits(tb testing.TB) string {
	b, err := os.ReadFile("testdata/example/units.csv")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestImportUnits(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		store := dbtest.New(t)
		res := dbtest.MustImportUnits(t, store, exampleUnits(t))
		if res.Inserted != 33 {
			t.Fatalf("inserted %d units, want 33", res.Inserted)
		}
		// Importing again changes nothing.
		res = dbtest.MustImportUnits(t, store, exampleUnits(t))
		if res.Inserted != 0 || res.Skipped != 33 {
			t.Fatalf("second import: %+v, want all skipped", res)
		}
		u, err := store.UnitByCode(context.Background(), "91002", domain.MustDate("2023-12-01"))
		if err != nil {
			t.Fatal(err)
		}
		anc, err := store.Ancestors(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, a := range anc {
			codes = append(codes, a.Code)
		}
		if got := strings.Join(codes, ">"); got != "VN>91>910" {
			t.Fatalf("ancestors %s, want VN>91>910", got)
		}
	})
	t.Run("ErrBadLineImportsNothing", func(t *testing.T) {
		t.Parallel()
		store := dbtest.New(t)
		text := exampleUnits(t) + "93,Tỉnh 3,planet,VN\n"
		_, err := importUnits(store, text)
		if err == nil {
			t.Fatal("a bad kind was accepted")
		}
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(err.Error(), "units.csv:35:") || !strings.Contains(err.Error(), "kind") {
			t.Fatalf("error %q does not name file, line 35 and column kind", err)
		}
		if n := countRows(t, store, "units"); n != 0 {
			t.Fatalf("%d units written from a bad file", n)
		}
	})
	t.Run("ErrUnknownParentImportsNothing", func(t *testing.T) {
		t.Parallel()
		store := dbtest.New(t)
		_, err := importUnits(store, exampleUnits(t)+"99999,Xã lạc,commune,999\n")
		var ie domain.ImportErrors
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), "units.csv:35 (parent_code)") {
			t.Fatalf("error %v does not name line 35 parent_code", err)
		}
		if n := countRows(t, store, "units"); n != 0 {
			t.Fatalf("%d units written from a bad file", n)
		}
	})
	t.Run("CodesReusedAcrossReform", func(t *testing.T) {
		t.Parallel()
		store := dbtest.New(t)
		dbtest.MustImportUnits(t, store, `code,name,kind,parent_code,valid_from,valid_to
VN,Việt Nam,nation,,,
01,Hà Nội,province,VN,,
001,Ba Đình,district,01,,2025-06-30
00004,Trúc Bạch,commune,001,,2025-06-30
00004,Ba Đình,commune,01,2025-07-01,
`)
		ctx := context.Background()
		before, err := store.UnitByCode(ctx, "00004", domain.MustDate("2024-01-01"))
		if err != nil || before.Name != "Trúc Bạch" {
			t.Fatalf("00004 in 2024: %v %v", before, err)
		}
		after, err := store.UnitByCode(ctx, "00004", domain.MustDate("2026-01-01"))
		if err != nil || after.Name != "Ba Đình" {
			t.Fatalf("00004 in 2026: %v %v", after, err)
		}
		_, err = importUnits(store, "code,name,kind,parent_code,valid_from\n00004,Trùng,commune,01,2026-01-01\n")
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(err.Error(), "overlapping") {
			t.Fatalf("overlapping code: %v", err)
		}
	})
}

func TestImportReports(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	setup := func(t *testing.T) *db.DB {
		store := dbtest.New(t)
		dbtest.MustImportUnits(t, store, exampleUnits(t))
		return store
	}
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		store := setup(t)
		res, err := importReports(store, "unit_code,metric,date,value\n90000,collected,2023-12-01,15\n90000,collected,2023-12-02,292\n", now)
		if err != nil || res.Inserted != 2 {
			t.Fatalf("import: %+v %v", res, err)
		}
		// Same file again: idempotent.
		res, err = importReports(store, "unit_code,metric,date,value\n90000,collected,2023-12-01,15\n90000,collected,2023-12-02,292\n", now)
		if err != nil || res.Inserted != 0 || res.Skipped != 2 {
			t.Fatalf("re-import: %+v %v", res, err)
		}
		// A correction with a note is a new revision; the old one stays.
		res, err = importReports(store, "unit_code,metric,date,value,note\n90000,collected,2023-12-02,290,nhập trùng 2 hồ sơ\n", now)
		if err != nil || res.Inserted != 1 {
			t.Fatalf("correction: %+v %v", res, err)
		}
		var revs int
		store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM report_revisions WHERE day = '2023-12-02'`).Scan(&revs)
		if revs != 2 {
			t.Fatalf("%d revisions of the corrected day, want 2", revs)
		}
		// A correction and a new day in one file: the first replaces the
		// current report, the second adds one (two statements since the
		// new days' plain insert); both count.
		res, err = importReports(store, "unit_code,metric,date,value,note\n90000,collected,2023-12-01,14,đếm lại\n90000,collected,2023-12-03,300,\n", now)
		if err != nil || res.Inserted != 2 || res.Skipped != 0 {
			t.Fatalf("correction and new day: %+v %v", res, err)
		}
		rows, err := store.Pool.Query(context.Background(), `SELECT day::text, value, revision FROM report_current ORDER BY day`)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var day string
			var value, revision int64
			if err := rows.Scan(&day, &value, &revision); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s=%d r%d", day, value, revision))
		}
		if want := "2023-12-01=14 r2 2023-12-02=290 r2 2023-12-03=300 r1"; strings.Join(got, " ") != want {
			t.Fatalf("current reports %q, want %q", strings.Join(got, " "), want)
		}
	})
	bad := []struct {
		name, text, want string
	}{
		{"ErrNegative", "unit_code,metric,date,value\n90000,collected,2023-12-01,-5\n", "reports.csv:2:"},
		{"ErrNotANumber", "unit_code,metric,date,value\n90000,collected,2023-12-01,1.234\n", "not a whole number"},
		{"ErrBadDate", "unit_code,metric,date,value\n90000,collected,01/12/2023,5\n", "not a date"},
		{"ErrUnknownUnit", "unit_code,metric,date,value\n90000,collected,2023-12-01,5\n12345,collected,2023-12-01,5\n", "reports.csv:3 (unit_code)"},
		{"ErrUnknownMetric", "unit_code,metric,date,value\n90000,likes,2023-12-01,5\n", "unknown metric"},
		{"ErrFuture", "unit_code,metric,date,value\n90000,collected,2030-01-01,5\n", "in the future"},
		{"ErrDuplicate", "unit_code,metric,date,value\n90000,collected,2023-12-01,5\n90000,collected,2023-12-01,6\n", "the same unit, metric and date as line 2"},
		{"ErrDecreasing", "unit_code,metric,date,value\n90000,collected,2023-12-01,50\n90000,collected,2023-12-02,40\n", "lower than the figure of 2023-12-01"},
		{"ErrMissingColumn", "unit_code,metric,value\n90000,collected,5\n", "missing column \"date\""},
		{"ErrUnknownColumn", "unit_code,metric,date,value,colour\n90000,collected,2023-12-01,5,red\n", "unknown column"},
		{"ErrFieldCount", "unit_code,metric,date,value\n90000,collected,2023-12-01\n", "3 fields"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := setup(t)
			_, err := importReports(store, tc.text, now)
			if err == nil {
				t.Fatal("accepted")
			}
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("code %s, want BAD_INPUT", domain.ErrorCode(err))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if n := countRows(t, store, "report_revisions"); n != 0 {
				t.Fatalf("%d reports written from a bad file", n)
			}
		})
	}
	t.Run("ErrCorrectionWithoutNote", func(t *testing.T) {
		t.Parallel()
		store := setup(t)
		if _, err := importReports(store, "unit_code,metric,date,value\n90000,collected,2023-12-01,50\n", now); err != nil {
			t.Fatal(err)
		}
		_, err := importReports(store, "unit_code,metric,date,value\n90000,collected,2023-12-01,60\n", now)
		if err == nil || !strings.Contains(err.Error(), "needs a note") {
			t.Fatalf("a silent overwrite was accepted: %v", err)
		}
		if n := countRows(t, store, "report_revisions"); n != 1 {
			t.Fatalf("%d revisions, want 1", n)
		}
	})
	t.Run("ErrRevisionsAreAppendOnly", func(t *testing.T) {
		t.Parallel()
		store := setup(t)
		if _, err := importReports(store, "unit_code,metric,date,value\n90000,collected,2023-12-01,50\n", now); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Pool.Exec(context.Background(), `UPDATE report_revisions SET value = 1`); err == nil {
			t.Fatal("a report revision was overwritten")
		}
		if _, err := store.Pool.Exec(context.Background(), `DELETE FROM report_revisions`); err == nil {
			t.Fatal("a report revision was deleted")
		}
	})
}
