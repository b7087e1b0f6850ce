package db_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
)

// pointRowsSQL gives rows shaped as the rankings read theirs (the stored
// figure's columns, the unit's code and parent) with every nullable column
// NULL on some rows and set on others, in every combination over the rows,
// an empty band, Vietnamese band names and more names than a campaign has.
const pointRowsSQL = `
	SELECT date '2024-03-01' + (g % 90) - CASE WHEN g % 59 = 0 THEN 40000 ELSE 0 END, g::bigint,
	  (ARRAY['COMMUNE', 'DISTRICT', 'PROVINCE', 'NATION', 'VILLAGE', 'AGENCY', 'OTHER'])[g % 7 + 1],
	  CASE WHEN g % 3 = 0 THEN NULL ELSE g::bigint * 1000003 END,
	  (ARRAY['REPORTED', 'ROLLUP', 'CARRIED', 'NONE'])[g % 4 + 1], g % 5,
	  CASE WHEN g % 5 = 0 THEN NULL ELSE g * 7 END::bigint, g % 2 = 0,
	  CASE WHEN g % 7 = 0 THEN NULL ELSE g / 3.0 END::float8,
	  CASE WHEN g % 11 = 0 THEN NULL ELSE g - 500 END::bigint, CASE WHEN g % 13 = 0 THEN NULL ELSE 500 - g END::bigint,
	  CASE WHEN g % 17 = 0 THEN NULL ELSE g * 0.25 END::float8, CASE WHEN g % 19 = 0 THEN NULL ELSE -g * 0.5 END::float8,
	  CASE WHEN g % 23 = 0 THEN NULL ELSE date '2024-06-01' + g END, g % 3 = 1,
	  CASE WHEN g % 29 = 0 THEN NULL WHEN g % 29 = 1 THEN '' WHEN g % 29 < 9 THEN (ARRAY['Đạt', 'Khá', 'Chưa đạt'])[g % 3 + 1]
	       ELSE 'nhóm ' || (g % 40) END,
	  CASE WHEN g % 31 = 0 THEN NULL ELSE g END::int, CASE WHEN g % 37 = 0 THEN NULL ELSE g % 9 - 4 END::int,
	  g % 41, g % 43, g % 47, g % 4,
	  'U' || g, CASE WHEN g % 53 = 0 THEN NULL ELSE g / 10 END::bigint
	FROM generate_series(1, 3000) AS s(g) ORDER BY s.g`

// The rankings' scanner reads every column as pgx's own scanning into the
// point's fields does (NULL as a nil pointer), row after row.
func TestScanRankRowsAsPgx(t *testing.T) {
	t.Parallel()
	store := dbtest.New(t)
	ctx := context.Background()
	got, err := db.ScanRankRows(ctx, store, pointRowsSQL)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := store.Pool.Query(ctx, pointRowsSQL)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pgx.CollectRows(rows, scanByReflection)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	nils := 0
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("row %d:\n got %s\nwant %s", i+1, show(got[i]), show(want[i]))
		}
		if got[i].Band == nil {
			nils++
		}
	}
	if nils == 0 || nils == len(got) {
		t.Fatalf("%d of %d rows without a band: the rows do not try both", nils, len(got))
	}
}

// scanByReflection scans as the rankings did before pointScan: pgx's
// scanning into the point's fields (through reflection for the nullable
// ones).
func scanByReflection(row pgx.CollectableRow) (*domain.RankRow, error) {
	var r domain.RankRow
	p := &r.Point
	var day time.Time
	var projected *time.Time
	var kind, source string
	err := row.Scan(&day, &p.UnitID, &kind, &p.Value, &source, &p.StaleDays, &p.Quota, &p.QuotaOwn, &p.Rate, &p.Delta, &p.Delta7,
		&p.Pace7d, &p.RequiredPace, &projected, &p.AtRisk, &p.Band, &p.Rank, &p.RankChange, &p.OnTime, &p.Late, &p.Missing, &p.RulesVersion,
		&r.Code, &r.ParentID)
	p.Day, p.Kind, p.Source = domain.DateFromTime(day), domain.UnitKind(kind), domain.Source(source)
	if projected != nil {
		d := domain.DateFromTime(*projected)
		p.Projected = &d
	}
	return &r, err
}

// Reading the nation's communes' rows (10,035; 3,000 rows here, each
// query run whole): pgx's reflection against pointScan.
func BenchmarkScanRankRows(b *testing.B) {
	store := dbtest.New(b)
	ctx := context.Background()
	b.Run("reflection", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rows, err := store.Pool.Query(ctx, pointRowsSQL)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := pgx.CollectRows(rows, scanByReflection); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pointScan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := db.ScanRankRows(ctx, store, pointRowsSQL); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// show prints a rank row with its pointers followed.
func show(r *domain.RankRow) string {
	v := reflect.ValueOf(r.Point)
	s := ""
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				s += v.Type().Field(i).Name + "=nil "
				continue
			}
			f = f.Elem()
		}
		s += v.Type().Field(i).Name + "=" + fmt.Sprint(f.Interface()) + " "
	}
	return s + "code=" + r.Code
}

// A ranking read with its ranks put in place from figure_ranks equals the
// figures view's rows, on every day, metric and kind of the spec's
// example (units ranked, unranked, and of blocks without ranks).
func TestRankingAsTheFiguresView(t *testing.T) {
	t.Parallel()
	store := dbtest.New(t)
	ctx := context.Background()
	c := dbtest.MustLoadExample(t, store)
	compared := 0
	for _, metric := range c.MetricKeys {
		for day := c.Start; day <= c.End; day++ {
			for _, kind := range []domain.UnitKind{domain.KindProvince, domain.KindDistrict, domain.KindCommune, domain.KindAgency} {
				got, total, err := store.Ranking(ctx, domain.RankingFilter{Campaign: c, Metric: metric, Day: day, Kind: kind, Limit: -1})
				if err != nil {
					t.Fatal(err)
				}
				rows, err := store.Pool.Query(ctx, `
					SELECT `+db.PointColumns+`, u.code, f.parent_id
					FROM figures f JOIN units u ON u.id = f.unit_id
					WHERE f.campaign_id = $1 AND f.metric_id = (SELECT id FROM metrics WHERE key = $2) AND f.day = $3 AND f.kind = $4
					ORDER BY f.rank NULLS LAST, u.code`, c.ID, metric, day.String(), string(kind))
				if err != nil {
					t.Fatal(err)
				}
				want, err := pgx.CollectRows(rows, scanByReflection)
				if err != nil {
					t.Fatal(err)
				}
				if total != len(want) || len(got) != len(want) {
					t.Fatalf("%s %s %s: %d rows (total %d), the view %d", metric, day, kind, len(got), total, len(want))
				}
				for i := range want {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Fatalf("%s %s %s row %d:\n got %s\nwant %s", metric, day, kind, i+1, show(got[i]), show(want[i]))
					}
					if want[i].Rank != nil {
						compared++
					}
				}
			}
		}
	}
	if compared == 0 {
		t.Fatal("no ranked row compared")
	}
}
