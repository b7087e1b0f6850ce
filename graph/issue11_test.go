package graph_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// Issue 11: a ranking level at or above its scope's own is BAD_INPUT naming
// the field level (defect 6). Before the fix, ranking(scopeCode: "90",
// level: PROVINCE) answered the province itself.
func TestRankingLevelMustBeBelowScope(t *testing.T) {
	t.Parallel()
	_, h := setup(t)
	for name, q := range map[string]string{
		"ProvinceInProvince": `{ ranking(campaign: "ref", metric: "collected", date: "2023-12-10", scopeCode: "90", level: PROVINCE) { totalCount } }`,
		"DistrictInDistrict": `{ ranking(campaign: "ref", metric: "collected", date: "2023-12-10", scopeCode: "910", level: DISTRICT) { totalCount } }`,
		"ProvinceInDistrict": `{ ranking(campaign: "ref", metric: "collected", date: "2023-12-10", scopeCode: "910", level: PROVINCE) { totalCount } }`,
	} {
		t.Run(name, func(t *testing.T) {
			errs := errorsOf(t, h, q)
			e := errs[0]
			if e.Extensions["code"] != "BAD_INPUT" || e.Extensions["field"] != "level" {
				t.Fatalf("got %+v, want BAD_INPUT on field level", e)
			}
			if want := "level: "; len(e.Message) < len(want) || e.Message[:len(want)] != want {
				t.Errorf("message %q does not start with %q", e.Message, want)
			}
		})
	}
	t.Run("BelowIsFine", func(t *testing.T) {
		c, _ := setup(t)
		var resp struct{ Ranking struct{ TotalCount int } }
		c.MustPost(`{ ranking(campaign: "ref", metric: "collected", date: "2023-12-10", scopeCode: "90", level: DISTRICT) { totalCount } }`, &resp)
		if resp.Ranking.TotalCount == 0 {
			t.Fatal("no districts in province 90")
		}
	})
}

type outcomeRow struct {
	Unit                struct{ Code string }
	Figure, Quota       *int64
	AtRisk              bool
	Outcome             *string
	RequiredPace        *float64
	ProjectedCompletion *string
	RateText            *string
}

const outcomeFields = `unit { code } figure quota atRisk outcome requiredPace projectedCompletion rateText`

// setupAt serves the worked example with the clock at now.
func setupAt(t *testing.T, now time.Time) *client.Client {
	t.Helper()
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	res := &graph.Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }}
	return client.New(graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{Complexity: 5000, Depth: 8})))
}

func communes(t *testing.T, c *client.Client, date string) []outcomeRow {
	t.Helper()
	var resp struct {
		Ranking struct{ Edges []struct{ Node outcomeRow } }
	}
	c.MustPost(`query($d: Date) { ranking(campaign: "ref", metric: "activated", date: $d, level: COMMUNE, first: 100) { edges { node { `+outcomeFields+` } } } }`,
		&resp, client.Var("d", date))
	out := make([]outcomeRow, len(resp.Ranking.Edges))
	for i, e := range resp.Ranking.Edges {
		out[i] = e.Node
	}
	return out
}

// Issue 11 defect 4: on the last day of an ended campaign the outcome is
// stated (COMPLETED / NOT_COMPLETED), never a risk. Before the fix every
// unit short of its quota was at risk and there was no outcome.
func TestOutcomeAfterTheEnd(t *testing.T) {
	t.Parallel()
	c := setupAt(t, dbtest.ExampleNow) // after the campaign's last day, 2023-12-20
	rows := communes(t, c, "2023-12-20")
	var done, short int
	for _, r := range rows {
		if r.AtRisk {
			t.Errorf("%s: at risk after the end", r.Unit.Code)
		}
		switch {
		case r.Quota == nil:
			if r.Outcome != nil {
				t.Errorf("%s: outcome %s without a quota", r.Unit.Code, *r.Outcome)
			}
		case r.Outcome == nil:
			t.Errorf("%s: no outcome on the last day of an ended campaign", r.Unit.Code)
		case r.Figure != nil && *r.Figure >= *r.Quota:
			done++
			if *r.Outcome != "COMPLETED" {
				t.Errorf("%s: %d/%d is %s", r.Unit.Code, *r.Figure, *r.Quota, *r.Outcome)
			}
		default:
			short++
			if *r.Outcome != "NOT_COMPLETED" {
				t.Errorf("%s: %v/%d is %s", r.Unit.Code, r.Figure, *r.Quota, *r.Outcome)
			}
		}
	}
	if done == 0 || short == 0 {
		t.Fatalf("%d completed, %d short: the example should have both", done, short)
	}
	// The day before the last: no outcome yet.
	for _, r := range communes(t, c, "2023-12-19") {
		if r.Outcome != nil {
			t.Errorf("%s: outcome %s before the last day", r.Unit.Code, *r.Outcome)
		}
	}
	// A series says the same on its last day.
	var resp struct {
		Progress struct {
			Edges []struct {
				Node struct {
					Date    string
					AtRisk  bool
					Outcome *string
				}
			}
		}
	}
	c.MustPost(`{ progress(campaign: "ref", unitCode: "VN", metric: "activated", from: "2023-12-19", to: "2023-12-20") { edges { node { date atRisk outcome } } } }`, &resp)
	e := resp.Progress.Edges
	if len(e) != 2 || e[0].Node.Outcome != nil || e[1].Node.Outcome == nil || e[1].Node.AtRisk {
		t.Fatalf("series around the end: %+v", e)
	}
}

// While the campaign runs (its last day, before it is over) there is no
// outcome yet, and a unit short of its quota on the last day is at risk.
func TestNoOutcomeWhileRunning(t *testing.T) {
	t.Parallel()
	c := setupAt(t, time.Date(2023, 12, 20, 15, 0, 0, 0, time.UTC)) // 22:00 on the last day in Vietnam
	risk := 0
	for _, r := range communes(t, c, "2023-12-20") {
		if r.Outcome != nil {
			t.Errorf("%s: outcome %s while the campaign runs", r.Unit.Code, *r.Outcome)
		}
		if r.AtRisk {
			risk++
		}
	}
	if risk == 0 {
		t.Error("no unit short of its quota is at risk on the last day of a running campaign")
	}
}

// Issue 11 defect 3 (the API's part): a unit at or over its quota needs no
// pace (0), has no projected day, is not at risk, and its rate never reads
// as below 100%; every day of the example.
func TestCompletedUnitsAreConsistent(t *testing.T) {
	t.Parallel()
	c := setupAt(t, dbtest.ExampleNow)
	n := 0
	for d := 1; d <= 20; d++ {
		for _, r := range communes(t, c, time.Date(2023, 12, d, 0, 0, 0, 0, time.UTC).Format("2006-01-02")) {
			if r.Figure == nil || r.Quota == nil || *r.Quota <= 0 || *r.Figure < *r.Quota {
				if r.RateText != nil && *r.RateText == "100%" {
					t.Errorf("%s on day %d: %v/%d prints 100%%", r.Unit.Code, d, r.Figure, *r.Quota)
				}
				continue
			}
			n++
			if r.AtRisk || r.RequiredPace == nil || *r.RequiredPace != 0 || r.ProjectedCompletion != nil {
				t.Errorf("%s on day %d, %d/%d: atRisk %v, requiredPace %v, projected %v", r.Unit.Code, d, *r.Figure, *r.Quota,
					r.AtRisk, r.RequiredPace, r.ProjectedCompletion)
			}
		}
	}
	if n == 0 {
		t.Fatal("no completed unit in the example")
	}
}

// The demo flag: false on a database the demo was not loaded into.
func TestDatasetReal(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	var resp struct {
		Dataset struct {
			Demo                bool
			Licence, LicenceURL string
			Contact             *string
		}
	}
	c.MustPost(`{ dataset { demo licence licenceUrl contact } }`, &resp)
	if resp.Dataset.Demo || resp.Dataset.Licence != "CC BY 4.0" || resp.Dataset.LicenceURL != "https://creativecommons.org/licenses/by/4.0/" || resp.Dataset.Contact != nil {
		t.Fatalf("%+v", resp.Dataset)
	}
}
