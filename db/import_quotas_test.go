package db_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

func importQuotas(store *db.DB, text string) (domain.ImportResult, error) {
	var rows []csvio.Line[domain.QuotaRow]
	if err := csvio.ReadQuotas(strings.NewReader(text), "quotas.csv", func(l csvio.Line[domain.QuotaRow]) error {
		rows = append(rows, l)
		return nil
	}); err != nil {
		return domain.ImportResult{}, err
	}
	return store.ImportQuotas(context.Background(), "quotas.csv", rows, "test")
}

// The quota import refuses what setQuotas refuses: two revisions of one
// unit, metric and day in one file (equal or conflicting), and a unit
// outside the campaign's scope; naming file and line, writing nothing.
func TestImportQuotasOneRevisionADay(t *testing.T) {
	t.Parallel()
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	const head = "campaign,unit_code,metric,target,effective_from,reason\n"
	for _, c := range []struct{ name, text, want string }{
		{"ErrRepeated", head + "ref,90000,collected,1000,2023-12-05,a\nref,90001,collected,5,2023-12-05,a\nref,90000,collected,1000,2023-12-05,a\n",
			"quotas.csv:4 (effective_from): repeats line 2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := countRows(t, store, "quota_revisions")
			_, err := importQuotas(store, c.text)
			if err == nil || domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want BAD_INPUT saying %q", err, c.want)
			}
			if n := countRows(t, store, "quota_revisions"); n != before {
				t.Errorf("%d quota revisions written", n-before)
			}
		})
	}
	t.Run("OKSameDayRevised", func(t *testing.T) {
		// As in the spec's example: set, then revised the same day; both
		// kept, the later in force.
		res, err := importQuotas(store, head+"ref,90002,collected,1000,2023-12-07,initial\nref,90002,collected,2000,2023-12-07,revised\n")
		if err != nil || res.Inserted != 2 {
			t.Fatalf("%+v %v", res, err)
		}
		var target int64
		if err := store.Pool.QueryRow(context.Background(), `SELECT target FROM quota_revisions q JOIN units u ON u.id = q.unit_id
			WHERE u.code = '90002' AND q.effective_from = '2023-12-07' ORDER BY q.id DESC LIMIT 1`).Scan(&target); err != nil || target != 2000 {
			t.Errorf("the revision in force is %d (%v), want the later 2000", target, err)
		}
	})
	t.Run("OKOtherDayOrMetric", func(t *testing.T) {
		res, err := importQuotas(store, head+"ref,90000,collected,1000,2023-12-05,a\nref,90000,collected,2000,2023-12-06,b\nref,90000,activated,900,2023-12-05,a\n")
		if err != nil || res.Inserted != 3 {
			t.Fatalf("%+v %v", res, err)
		}
	})
}
