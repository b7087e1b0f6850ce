package app_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/app"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// The PostgreSQL store is the application's store.
var _ app.Store = (*db.DB)(nil)

type expectedRow struct {
	Code   string  `json:"code"`
	Figure int64   `json:"figure"`
	Quota  int64   `json:"quota"`
	Rate   float64 `json:"rate"`
	Source string  `json:"source"`
	Rank   int     `json:"rank"`
	Band   string  `json:"band"`
}

// TestRankingExample checks the stored engine, and the renumbering of a
// smaller scope, against every expected ranking of the spec's worked
// example, exactly.
func TestRankingExample(t *testing.T) {
	t.Parallel()
	store := dbtest.New(t)
	a := &app.App{Store: store}
	c := dbtest.MustLoadExample(t, store)
	files, _ := filepath.Glob(filepath.Join(dbtest.ExampleDir(), "expected-*.json"))
	if len(files) == 0 {
		t.Fatal("no expected rankings")
	}
	for _, file := range files {
		// expected-DATE-METRIC-LEVEL-SCOPE.json
		parts := strings.Split(strings.TrimSuffix(filepath.Base(file), ".json"), "-")
		day, metric, level, scope := domain.MustDate(strings.Join(parts[1:4], "-")), parts[4], parts[5], parts[6]
		t.Run(filepath.Base(file), func(t *testing.T) {
			var want []expectedRow
			b, _ := os.ReadFile(file)
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			kind, _ := domain.ParseUnitKind(level)
			su, err := store.UnitByCode(context.Background(), scope, day)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := a.RankingAll(context.Background(), "", domain.RankingFilter{Campaign: c, Metric: metric, Day: day, ScopeID: su.ID, Kind: kind})
			total := len(rows)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(want) || len(rows) != len(want) {
				t.Fatalf("%d rows (total %d), want %d", len(rows), total, len(want))
			}
			for i, w := range want {
				r := rows[i]
				got := expectedRow{Code: r.Code, Source: string(r.Source)}
				if r.Value != nil {
					got.Figure = *r.Value
				}
				if r.Quota != nil {
					got.Quota = *r.Quota
				}
				if r.Rate != nil {
					got.Rate = *r.Rate
				}
				if r.Rank != nil {
					got.Rank = *r.Rank
				}
				if r.Band != nil {
					got.Band = *r.Band
				}
				if got != w {
					t.Errorf("row %d:\n got %+v\nwant %+v", i+1, got, w)
				}
			}
		})
	}
}
