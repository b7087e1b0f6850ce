package graph_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/domain"
)

// links: both ends of the reform's links read from either side.
func links(t *testing.T, h http.Handler) {
	var r struct {
		New struct {
			Predecessors []struct {
				Kind, Source string
				Unit         struct{ Code, ValidTo string }
			}
		}
		Old struct {
			Successors []struct {
				Kind string
				Unit struct{ Code, FullName string }
			}
		}
	}
	errs := post(t, h, `{ new: unit(code: "86") { predecessors { kind source unit { code validTo } } }
		old: unit(code: "83", asOf: "2023-11-14") { successors { kind unit { code fullName } } } }`, nil, &r)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var codes []string
	for _, p := range r.New.Predecessors {
		codes = append(codes, p.Unit.Code+"/"+p.Kind+"/"+p.Unit.ValidTo)
		if p.Source != "tỉnh Bến Tre, tỉnh Trà Vinh và tỉnh Vĩnh Long" {
			t.Errorf("source %q", p.Source)
		}
	}
	if strings.Join(codes, " ") != "83/WHOLE/2025-06-30 84/WHOLE/2025-06-30 86/WHOLE/2025-06-30" {
		t.Errorf("predecessors of 86: %v", codes)
	}
	if len(r.Old.Successors) != 1 || r.Old.Successors[0].Unit.Code != "86" || r.Old.Successors[0].Unit.FullName != "Tỉnh Vĩnh Long" {
		t.Errorf("successors of 83: %+v", r.Old.Successors)
	}
}

// search: an old name finds the old unit (former) and what it became.
func search(t *testing.T, h http.Handler) {
	var r struct {
		Units struct {
			Former []struct {
				Code       string
				Successors []struct{ Unit struct{ Code string } }
			}
		}
	}
	if errs := post(t, h, `{ units(search: "ben tre") { former { code successors { unit { code } } } } }`, nil, &r); len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(r.Units.Former) == 0 || r.Units.Former[0].Code != "83" || len(r.Units.Former[0].Successors) != 1 || r.Units.Former[0].Successors[0].Unit.Code != "86" {
		t.Errorf("former units for Bến Tre: %+v", r.Units.Former)
	}
	// A search is text, not a pattern: % and _ match themselves (no
	// unit's name has them), not every name.
	for _, q := range []string{"%", "_", "b_n tre"} {
		var w struct {
			Units struct {
				TotalCount int
				Former     []struct{ Code string }
			}
		}
		if errs := post(t, h, `query($s: String) { units(search: $s) { totalCount former { code } } }`, map[string]any{"s": q}, &w); len(errs) > 0 {
			t.Fatal(errs)
		}
		if w.Units.TotalCount != 0 || len(w.Units.Former) != 0 {
			t.Errorf("search %q: %d units and %d former, want none", q, w.Units.TotalCount, len(w.Units.Former))
		}
	}
}

// acrossTheReform: new Vĩnh Long's series in the summer 2025 drive
// continues backwards through Bến Tre, Trà Vinh and old Vĩnh Long.
func acrossTheReform(t *testing.T, h http.Handler) {
	type series struct {
		Progress struct {
			Edges []struct {
				Node struct {
					Date       string
					Figure     *int64
					Quota      *int64
					Comparable bool
				}
			}
		}
	}
	q := `query($u: String!, $map: ReformMap) { progress(campaign: "vinh-long-he-2025", unitCode: $u, metric: "activated_l2",
		from: "2025-06-30", to: "2025-07-01", map: $map) { edges { node { date figure quota comparable } } } }`
	var cur series
	if errs := post(t, h, q, map[string]any{"u": "86", "map": "CURRENT"}, &cur); len(errs) > 0 || len(cur.Progress.Edges) != 2 {
		t.Fatalf("%v %+v", errs, cur)
	}
	var sum, quota int64
	for _, code := range []string{"83", "84", "86"} {
		var old series
		q := strings.Replace(q, `from: "2025-06-30", to: "2025-07-01"`, `from: "2025-06-30", to: "2025-06-30"`, 1)
		if errs := post(t, h, q, map[string]any{"u": code}, &old); len(errs) > 0 || len(old.Progress.Edges) != 1 {
			t.Fatalf("%s: %v %+v", code, errs, old)
		}
		sum, quota = sum+*old.Progress.Edges[0].Node.Figure, quota+*old.Progress.Edges[0].Node.Quota
	}
	n := cur.Progress.Edges[0].Node
	if !n.Comparable || n.Figure == nil || *n.Figure != sum || *n.Quota != quota {
		t.Errorf("86 on 30/06/2025 on today's map: %+v, want %d / %d", n, sum, quota)
	}
	if after := cur.Progress.Edges[1].Node; after.Figure == nil || *after.Figure < sum {
		t.Errorf("86 on 01/07/2025: %+v after %d", after, sum)
	}
	// A new ward of Hà Nội formed from parts of old ones (the drive's scope
	// is the nation), before 01/07/2025: no figure, no rank, the split
	// predecessors named.
	var part struct {
		Ranking struct {
			Edges []struct {
				Node struct {
					Rank        *int
					Figure      *int64
					Comparable  bool
					PartialText *string
				}
			}
		}
	}
	if errs := post(t, h, `{ ranking(campaign: "vinh-long-he-2025", metric: "activated_l2", date: "2025-06-20", level: COMMUNE, scopeCode: "01", map: CURRENT, first: 100) {
		edges { node { rank figure comparable partialText } } } }`, nil, &part); len(errs) > 0 {
		t.Fatal(errs)
	}
	split := 0
	for _, e := range part.Ranking.Edges {
		if n := e.Node; !n.Comparable {
			split++
			if n.Rank != nil || n.Figure != nil || n.PartialText == nil || *n.PartialText == "" {
				t.Errorf("not comparable: %+v", n)
			}
		}
	}
	if split == 0 {
		t.Error("no new ward of Hà Nội is formed from part of an old one")
	}
	// An old unit's quota history in a campaign that ends on today's map
	// (read on its last day: NOT_FOUND on the campaign's last day before asOf).
	var qh struct {
		Campaign struct{ QuotaHistory struct{ TotalCount int } }
	}
	if errs := post(t, h, `{ campaign(slug: "vinh-long-he-2025") { quotaHistory(unitCode: "29002", asOf: "2025-06-30") { totalCount } } }`, nil, &qh); len(errs) > 0 || qh.Campaign.QuotaHistory.TotalCount != 1 {
		t.Errorf("quota history of 29002 on 30/06/2025: %v %+v", errs, qh)
	}
}

// totals: for every demo campaign, metric and day, the campaign read on
// the old map and on today's map count the same people. Compared at the
// commune level: the old map's sum over its communes (and districts with
// no commune that became one) equals today's sum over the comparable new
// communes plus, for those not comparable (a PART predecessor), the old
// units behind them (all their predecessors), each counted once (a unit counted twice or lost would
// show). Old units no text names (reform/REPORT.md) have no place on
// today's map: the difference must be exactly theirs.
func totals(t *testing.T, store *db.DB) {
	ctx := context.Background()
	cs, _, err := store.FindCampaigns(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	nation, err := store.UnitByCode(ctx, "VN", domain.Reform2025)
	if err != nil {
		t.Fatal(err)
	}
	today := domain.DateFromTime(time.Now())
	for _, c := range cs {
		to, err := store.ComputedTo(ctx, c.ID)
		if err != nil || to == nil {
			t.Fatalf("%s: %v", c.Slug, err)
		}
		for _, metric := range c.MetricKeys {
			first, err := store.CurrentCandidates(ctx, c, metric, nation.ID, domain.KindCommune, c.Start, today)
			if err != nil {
				t.Fatal(err)
			}
			last, err := store.CurrentCandidates(ctx, c, metric, nation.ID, domain.KindCommune, *to, today)
			if err != nil {
				t.Fatal(err)
			}
			units := union(first, last)
			series, err := store.CurrentFigures(ctx, c, metric, units, c.Start, *to)
			if err != nil {
				t.Fatal(err)
			}
			old, lost := oldTotals(t, store, c, metric)
			ids := make([]int64, len(units))
			for i, u := range units {
				ids[i] = u.ID
			}
			all, err := store.LinksOf(ctx, ids, false)
			if err != nil {
				t.Fatal(err)
			}
			preds := map[int64][]domain.Link{}
			for _, l := range all {
				preds[l.NewID] = append(preds[l.NewID], l)
			}
			incomparable := 0
			for d := c.Start; d <= *to; d++ {
				var sum int64
				behind := map[int64]bool{}
				for i := range units {
					mp := series[i][d-c.Start]
					switch {
					case mp == nil:
					case mp.Comparable && mp.Value != nil:
						sum += *mp.Value
					case !mp.Comparable:
						incomparable++
						for _, l := range preds[units[i].ID] {
							behind[l.OldID] = true
						}
					}
				}
				sum += behindSum(t, store, c, metric, d, behind)
				if sum+lost[d] != old[d] {
					t.Errorf("%s %s %s: old map %d, today's map %d (+%d in units with no successor)", c.Slug, metric, d, old[d], sum, lost[d])
				}
			}
			t.Logf("%s %s: %d days equal; %d unit-days not comparable", c.Slug, metric, *to-c.Start+1, incomparable)
		}
	}
}

func union(a, b []*domain.Unit) []*domain.Unit {
	seen := map[int64]bool{}
	var out []*domain.Unit
	for _, u := range append(a, b...) {
		if !seen[u.ID] {
			seen[u.ID] = true
			out = append(out, u)
		}
	}
	return out
}

// oldTotals sums a campaign's commune-level figures per day on its own map,
// and separately those of the old units with no successor.
func oldTotals(t *testing.T, store *db.DB, c *domain.Campaign, metric string) (all, lost map[domain.Date]int64) {
	rows, err := store.Pool.Query(context.Background(), `
		SELECT f.day, coalesce(sum(f.value), 0), coalesce(sum(f.value) FILTER (WHERE u.valid @> '2025-06-30'::date
			AND NOT EXISTS (SELECT 1 FROM unit_links l WHERE l.old_id = f.unit_id)), 0)
		FROM figures f JOIN units u ON u.id = f.unit_id
		WHERE f.campaign_id = $1 AND f.metric_id = (SELECT id FROM metrics WHERE key = $2)
		  AND (f.kind = 'COMMUNE' OR (f.kind = 'DISTRICT' AND EXISTS (SELECT 1 FROM unit_links l WHERE l.old_id = f.unit_id)))
		GROUP BY f.day`, c.ID, metric)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	all, lost = map[domain.Date]int64{}, map[domain.Date]int64{}
	for rows.Next() {
		var day time.Time
		var a, l int64
		if err := rows.Scan(&day, &a, &l); err != nil {
			t.Fatal(err)
		}
		all[domain.DateFromTime(day)], lost[domain.DateFromTime(day)] = a, l
	}
	return all, lost
}

func behindSum(t *testing.T, store *db.DB, c *domain.Campaign, metric string, d domain.Date, ids map[int64]bool) int64 {
	if len(ids) == 0 {
		return 0
	}
	var list []int64
	for id := range ids {
		list = append(list, id)
	}
	var s int64
	err := store.Pool.QueryRow(context.Background(), `SELECT coalesce(sum(value), 0) FROM figures WHERE campaign_id = $1
		AND metric_id = (SELECT id FROM metrics WHERE key = $2) AND day = $3 AND unit_id = ANY($4)`, c.ID, metric, d.UTC(), list).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// badInputs: each is BAD_INPUT naming the item, and writes nothing.
func badInputs(t *testing.T, store *db.DB, h http.Handler) {
	ctx := context.Background()
	for _, tc := range []struct{ query, field, says string }{
		{`{ ranking(campaign: "ben-tre-cong-dan-so", metric: "activated", level: COMMUNE, map: TODAY) { totalCount } }`, "ranking(map:)", "CAMPAIGN, CURRENT"},
		{`{ progress(campaign: "ben-tre-cong-dan-so", unitCode: "86", metric: "activated", map: NOW) { totalCount } }`, "progress(map:)", "ReformMap"},
		{`{ ranking(campaign: "ben-tre-cong-dan-so", metric: "activated", level: DISTRICT, map: CURRENT) { totalCount } }`, "level", "no districts"},
	} {
		errs := errorsOf(t, h, tc.query)
		if errs[0].Extensions["code"] != "BAD_INPUT" || errs[0].Extensions["field"] != tc.field || !strings.Contains(errs[0].Message, tc.says) {
			t.Errorf("%s: %+v", tc.query, errs)
		}
	}
	count := func() (n int) {
		if err := store.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM unit_links) + (SELECT count(*) FROM report_revisions) + (SELECT count(*) FROM audit_log)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	// A crosswalk naming an old unit that does not exist on 30/06/2025.
	var rows []csvio.Line[domain.LinkRow]
	err := csvio.ReadCrosswalk(strings.NewReader("old_code,new_code,kind,source\n83,86,WHOLE,x\n99999,86,WHOLE,y\n"), "cw.csv",
		func(l csvio.Line[domain.LinkRow]) error { rows = append(rows, l); return nil })
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.ImportCrosswalk(ctx, "cw.csv", rows, "test")
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Field != "cw.csv:3 (old_code)" {
		t.Errorf("dangling crosswalk: %v", err)
	}
	// Reports for an old commune after 30/06/2025 and a new one before 01/07/2025.
	for _, line := range []string{"29002,activated,2025-07-02,9000", "11948,activated,2025-06-02,9000"} {
		src := func(fn func(csvio.Line[domain.ReportRow]) error) error {
			return csvio.ReadReports(strings.NewReader("unit_code,metric,date,value\n"+line+"\n"), "r.csv", fn)
		}
		_, err = store.ImportReports(ctx, "r.csv", src, "test", time.Now(), nil)
		if !errors.As(err, &de) || de.Code != domain.EINVALID || !strings.Contains(err.Error(), "r.csv:2") ||
			!strings.Contains(err.Error(), "is valid") {
			t.Errorf("%s: %v", line, err)
		}
		t.Log(err)
	}
	if after := count(); after != before {
		t.Errorf("bad inputs wrote %d rows", after-before)
	}
}
