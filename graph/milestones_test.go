package graph_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/demo"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/httpapi"
	"github.com/tiendo-vn/tiendo/publish"
)

const milestoneQuery = `query($date: Date!, $metric: String!, $level: UnitKind!, $scope: String) {
	milestoneRanking(campaign: "hai-phong-cao-diem", date: $date, metric: $metric, level: $level, scopeCode: $scope, first: 100) {
		frozen freezesAt frozenAt sha256 changedCount totalCount csvUrl jsonUrl milestone { labelVi }
		rulesVersion { version } currentRulesVersion { version }
		edges { node { rank unit { code } figure rateText band changes correctionsUrl
			current { rank figure band rulesVersion } } } } }`

type milestoneRow struct {
	Rank    *int
	Unit    struct{ Code string }
	Figure  *int64
	Band    *string
	Changes []string
	Current *struct {
		Rank         *int
		Figure       *int64
		RulesVersion int
	}
	CorrectionsURL *string
}

type milestoneAnswer struct {
	MilestoneRanking struct {
		Frozen                   bool
		FreezesAt, FrozenAt      string
		Sha256                   *string
		ChangedCount, TotalCount int
		CsvURL                   *string
		RulesVersion             *struct{ Version int }
		CurrentRulesVersion      struct{ Version int }
		Edges                    []struct{ Node milestoneRow }
	}
}

// TestMilestoneRanking: the API serves a frozen milestone ranking from its
// record; after a correction the frozen rows stay, the current ones differ
// and are marked and linked to the corrections; bad input is BAD_INPUT
// naming the field.
func TestMilestoneRanking(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := dbtest.New(t)
	if err := demo.Load(ctx, store, io.Discard); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2023, 6, 21, 2, 0, 0, 0, time.UTC) // 09:00 on 21/6 in Vietnam
	clock := func() time.Time { return now }
	svc := &publish.Service{DB: store, Grace: 30 * time.Minute, Now: clock}
	res := &graph.Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock, Bulletins: svc}
	w := &writeWorld{store: store, h: graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{Complexity: 5000, Depth: 8}))}
	c, err := store.CampaignBySlug(ctx, "hai-phong-cao-diem")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.RefreshFigures(ctx, c.ID, 0, now); err != nil {
		t.Fatal(err)
	}
	scope, _ := store.UnitByID(ctx, c.ScopeUnitID)
	if _, _, err := svc.Freeze(ctx, c, scope, c.Milestones[0], "test"); err != nil {
		t.Fatal(err)
	}
	ask := func(vars map[string]any) milestoneAnswer {
		t.Helper()
		var out milestoneAnswer
		w.must(t, "", milestoneQuery, vars, &out)
		return out
	}
	districts := map[string]any{"date": "2023-06-20", "metric": "activated", "level": "DISTRICT"}
	before := ask(districts).MilestoneRanking
	if !before.Frozen || before.Sha256 == nil || before.TotalCount != 15 || before.ChangedCount != 0 || before.RulesVersion.Version != 1 ||
		before.CsvURL == nil || *before.CsvURL != "/downloads/hai-phong-cao-diem/milestones/2023-06-20.csv" {
		t.Fatalf("frozen 20/6: %+v", before)
	}
	for _, e := range before.Edges {
		if len(e.Node.Changes) != 0 || e.Node.CorrectionsURL != nil || e.Node.Current == nil || *e.Node.Current.Figure != *e.Node.Figure {
			t.Fatalf("before any correction, %s differs: %+v", e.Node.Unit.Code, e.Node)
		}
	}
	if later := ask(map[string]any{"date": "2023-06-30", "metric": "activated", "level": "DISTRICT"}).MilestoneRanking; later.Frozen ||
		len(later.Edges) != 0 || later.FreezesAt != "2023-07-01T08:00:00+07:00" {
		t.Errorf("30/6, not frozen yet: %+v", later)
	}

	// A commune of district 303 reports 5.000 more for 20/6, late.
	var code string
	var value int64
	if err := store.Pool.QueryRow(ctx, `SELECT u.code, rc.value FROM report_current rc JOIN units u ON u.id = rc.unit_id
		JOIN metrics m ON m.id = rc.metric_id WHERE u.parent_id = (SELECT id FROM units WHERE code = '303' AND upper(valid) IS NOT NULL)
		AND m.key = 'activated' AND rc.day = '2023-06-20' ORDER BY u.code LIMIT 1`).Scan(&code, &value); err != nil {
		t.Fatal(err)
	}
	now = now.Add(48 * time.Hour)
	src := func(fn func(csvio.Line[domain.ReportRow]) error) error {
		return fn(csvio.Line[domain.ReportRow]{Line: 2, Row: domain.ReportRow{UnitCode: code, Metric: "activated",
			Date: domain.MustDate("2023-06-20"), Value: value + 5000, Note: "bổ sung"}})
	}
	if _, err := store.ImportReports(ctx, "c.csv", src, "test", now, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := store.RefreshFigures(ctx, c.ID, 0, now); err != nil {
		t.Fatal(err)
	}
	after := ask(districts).MilestoneRanking
	if *after.Sha256 != *before.Sha256 || after.ChangedCount == 0 {
		t.Fatalf("after the correction: hash %s (was %s), %d rows changed", *after.Sha256, *before.Sha256, after.ChangedCount)
	}
	found := false
	for i, e := range after.Edges {
		was := before.Edges[i].Node
		if e.Node.Unit.Code != was.Unit.Code || *e.Node.Figure != *was.Figure || *e.Node.Rank != *was.Rank {
			t.Fatalf("frozen row %d changed: %+v, was %+v", i, e.Node, was)
		}
		if e.Node.Unit.Code == "303" {
			found = true
			cur := e.Node.Current
			if *cur.Figure != *was.Figure+5000 || !strings.Contains(strings.Join(e.Node.Changes, " "), "FIGURE") ||
				e.Node.CorrectionsURL == nil || *e.Node.CorrectionsURL != "/corrections.html?campaign=hai-phong-cao-diem&date=2023-06-20&unit=303" {
				t.Errorf("303 after the correction: %+v (current %+v)", e.Node, *cur)
			}
		} else if len(e.Node.Changes) > 0 && (e.Node.CorrectionsURL == nil || !strings.HasSuffix(*e.Node.CorrectionsURL, "&unit=31")) {
			t.Errorf("%s moved by another unit's correction links %v, want the scope's corrections", e.Node.Unit.Code, e.Node.CorrectionsURL)
		}
	}
	if !found {
		t.Fatal("district 303 is not in the frozen ranking")
	}
	// The communes of 303, renumbered within it.
	communes := ask(map[string]any{"date": "2023-06-20", "metric": "activated", "level": "COMMUNE", "scope": "303"}).MilestoneRanking
	if communes.TotalCount == 0 || *communes.Edges[0].Node.Rank != 1 {
		t.Fatalf("communes of 303: %+v", communes)
	}
	for _, e := range communes.Edges {
		if e.Node.Unit.Code == code && (e.Node.CorrectionsURL == nil || !strings.Contains(*e.Node.CorrectionsURL, "unit="+code)) {
			t.Errorf("commune %s: %+v", code, e.Node)
		}
	}

	t.Run("BadInput", func(t *testing.T) {
		for _, c := range []struct {
			vars  map[string]any
			field string
		}{
			{map[string]any{"date": "2023-06-21", "metric": "activated", "level": "DISTRICT"}, "date"},
			{map[string]any{"date": "2023-06-20", "metric": "issued", "level": "DISTRICT"}, "metric"},
			{map[string]any{"date": "2023-06-20", "metric": "activated", "level": "PROVINCE"}, "level"},
			{map[string]any{"date": "2023-06-20", "metric": "activated", "level": "DISTRICT", "scope": "303"}, "level"},
			{map[string]any{"date": "2023-06-20", "metric": "activated", "level": "COMMUNE", "scope": "01"}, "scopeCode"},
			{map[string]any{"date": "2023-06-20", "metric": "activated", "level": "COMMUNE", "scope": "zz"}, "scopeCode"},
		} {
			resp := w.post(t, "", milestoneQuery, c.vars)
			if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "BAD_INPUT" || resp.Errors[0].Extensions["field"] != c.field {
				t.Errorf("%v: %+v, want BAD_INPUT naming %s", c.vars, resp.Errors, c.field)
			}
		}
	})
}
