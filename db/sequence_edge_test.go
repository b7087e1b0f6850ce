package db_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
)

// TestSequenceNewMorning checks rule 3 on a morning's import, which finds
// most units' last stored figure among the last stored day's rather than
// one probe per unit (validate.go): a unit that skipped that day is still
// compared with its last report before it, one that reported that day with
// that day's, and a day stored already, or one after a gap, is checked as
// before.
func TestSequenceNewMorning(t *testing.T) {
	t.Parallel()
	const n = 80 // enough units for the morning's path (64 or more)
	var units strings.Builder
	units.WriteString("code,name,kind,parent_code\nVN,Việt Nam,nation,\n90,Tỉnh 0,province,VN\n900,Huyện 0.0,district,90\n")
	for i := range n {
		fmt.Fprintf(&units, "9%04d,Xã %d,commune,900\n", i, i)
	}
	store := dbtest.New(t)
	dbtest.MustImportUnits(t, store, units.String())
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	// day writes every unit's figure of day d: base, but special's for the
	// units it names (-1: no report).
	day := func(d int, base int64, special map[int]int64) string {
		var b strings.Builder
		b.WriteString("unit_code,metric,date,value\n")
		for i := range n {
			v, ok := special[i]
			if !ok {
				v = base
			}
			if v >= 0 {
				fmt.Fprintf(&b, "9%04d,collected,2023-12-%02d,%d\n", i, d, v)
			}
		}
		return b.String()
	}
	mustImport := func(text string, inserted int) {
		t.Helper()
		res, err := importReports(store, text, now)
		if err != nil || res.Inserted != inserted {
			t.Fatalf("import: %+v %v, want %d inserted", res, err, inserted)
		}
	}
	mustImport(day(1, 100, nil), n)
	mustImport(day(2, 110, map[int]int64{5: -1, 6: 310}), n-1) // unit 5 skips day 2

	_, err := importReports(store, day(3, 120, map[int]int64{0: 100, 5: 90, 6: 150}), now)
	for _, want := range []string{
		"reports.csv:2 (value): 100 is lower than the figure of 2023-12-02 (110)", // unit 0: its report of the last day
		"reports.csv:7 (value): 90 is lower than the figure of 2023-12-01 (100)",  // unit 5: its last report is before the last day
		"reports.csv:8 (value): 150 is lower than the figure of 2023-12-02 (310)", // unit 6
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("day 3: error %v does not say %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "reports.csv:9 ") {
		t.Errorf("day 3: unit 7's 120 after 110 refused: %v", err)
	}
	good3 := day(3, 120, map[int]int64{5: 100, 6: 310})
	mustImport(good3, n)
	mustImport(good3, 0) // the same day again: nothing replaced
	// A day stored already, without a note, among a morning's figures.
	bad := day(4, 400, nil) + "90010,collected,2023-12-03,125\n"
	if _, err := importReports(store, bad, now); err == nil || !strings.Contains(err.Error(), "125 replaces the stored figure 120") {
		t.Errorf("a stored figure replaced without a note: %v", err)
	}
	// After a gap (no day 4), the last stored day is still the neighbour.
	if _, err := importReports(store, day(5, 119, nil), now); err == nil ||
		!strings.Contains(err.Error(), "119 is lower than the figure of 2023-12-03 (120)") {
		t.Errorf("day 5 after a gap: %v", err)
	}
	mustImport(day(4, 400, nil), n)
	if got := countRows(t, store, "report_revisions"); got != 4*n-1 {
		t.Errorf("%d revisions, want %d", got, 4*n-1)
	}
}
