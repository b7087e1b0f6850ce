package graph_test

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/graph/graphtest"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// setup serves the API over the spec's worked example.
func setup(t *testing.T) (*client.Client, http.Handler) {
	t.Helper()
	store := dbtest.New(t)
	dbtest.MustLoadExample(t, store)
	res := &graph.Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return dbtest.ExampleNow }}
	h := graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{Complexity: 2000, Depth: 8}))
	return client.New(h), h
}

// pageInfo is a connection's pageInfo.
type pageInfo struct {
	HasNextPage bool
	EndCursor   string
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// errorsOf runs a query that must fail and returns its errors, whatever
// the HTTP status.
func errorsOf(t *testing.T, h http.Handler, query string) []gqlError {
	t.Helper()
	var resp struct{ Errors []gqlError }
	graphtest.Decode(t, graphtest.Query(h, query), &resp)
	if len(resp.Errors) == 0 {
		t.Fatalf("query succeeded: %s", query)
	}
	return resp.Errors
}

func TestQueries(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	t.Run("Units", func(t *testing.T) {
		var resp struct {
			Units struct {
				TotalCount int
				Edges      []struct{ Node struct{ Code, Kind string } }
			}
		}
		c.MustPost(`{ units(kind: PROVINCE, asOf: "2023-12-10") { totalCount edges { node { code kind } } } }`, &resp)
		if resp.Units.TotalCount != 3 || resp.Units.Edges[0].Node.Code != "90" || resp.Units.Edges[0].Node.Kind != "PROVINCE" {
			t.Fatalf("%+v", resp)
		}
	})
	t.Run("UnitTree", func(t *testing.T) {
		var resp struct {
			Unit struct {
				Name      string
				Parent    struct{ Code string }
				Ancestors []struct{ Code string }
				Children  struct{ TotalCount int }
			}
		}
		c.MustPost(`{ unit(code: "910", asOf: "2023-12-10") { name parent { code } ancestors { code } children { totalCount } } }`, &resp)
		if resp.Unit.Name != "Huyện 1.0" || resp.Unit.Parent.Code != "91" || len(resp.Unit.Ancestors) != 2 || resp.Unit.Children.TotalCount != 4 {
			t.Fatalf("%+v", resp)
		}
	})
	t.Run("UnknownUnitIsNull", func(t *testing.T) {
		var resp struct{ Unit *struct{ Code string } }
		c.MustPost(`{ unit(code: "12345") { code } }`, &resp)
		if resp.Unit != nil {
			t.Fatalf("%+v", resp)
		}
	})
	t.Run("Paging", func(t *testing.T) {
		var resp struct {
			Units struct {
				TotalCount int
				PageInfo   pageInfo
				Edges      []struct{ Node struct{ Code string } }
			}
		}
		c.MustPost(`{ units(kind: COMMUNE, asOf: "2023-12-10", first: 10) { totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } }`, &resp)
		if resp.Units.TotalCount != 23 || len(resp.Units.Edges) != 10 || !resp.Units.PageInfo.HasNextPage {
			t.Fatalf("%+v", resp)
		}
		after := resp.Units.PageInfo.EndCursor
		c.MustPost(`query($after: String) { units(kind: COMMUNE, asOf: "2023-12-10", first: 20, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } }`, &resp, client.Var("after", after))
		if len(resp.Units.Edges) != 13 || resp.Units.PageInfo.HasNextPage || resp.Units.Edges[0].Node.Code != "92003" {
			t.Fatalf("%+v", resp)
		}
	})
	t.Run("Campaign", func(t *testing.T) {
		var resp struct {
			Campaign struct {
				Slug, Status, ReportDeadline, StartDate string
				Scope                                   struct{ Code string }
				Metrics                                 []struct{ Key string }
				Bands                                   []struct {
					Key string
					Min float64
				}
				Quotas struct{ TotalCount int }
			}
		}
		c.MustPost(`{ campaign(slug: "ref") { slug status reportDeadline startDate scope { code } metrics { key } bands { key min } quotas(metric: "collected", asOf: "2023-12-10") { totalCount } } }`, &resp)
		cp := resp.Campaign
		if cp.Status != "ENDED" || cp.ReportDeadline != "07:30" || cp.StartDate != "2023-12-01" || cp.Scope.Code != "VN" ||
			len(cp.Metrics) != 2 || cp.Bands[1].Key != "KHA" || cp.Bands[1].Min != 0.7 || cp.Quotas.TotalCount == 0 {
			t.Fatalf("%+v", cp)
		}
	})
	t.Run("QuotaHistory", func(t *testing.T) {
		var resp struct {
			Campaign struct {
				QuotaHistory struct {
					Edges []struct {
						Node struct {
							Target        int
							EffectiveFrom string
							Reason        string
						}
					}
				}
			}
		}
		c.MustPost(`{ campaign(slug: "ref") { quotaHistory(unitCode: "91", metric: "collected") { edges { node { target effectiveFrom reason } } } } }`, &resp)
		e := resp.Campaign.QuotaHistory.Edges
		if len(e) != 2 || e[0].Node.Target != 2370 || e[1].Node.Target != 474 || e[1].Node.Reason != "revised" {
			t.Fatalf("%+v", e)
		}
	})
	t.Run("Progress", func(t *testing.T) {
		var resp struct {
			Progress struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Date       string
						Figure     *int
						Quota      *int
						Rate       *float64
						Source     string
						Delta      *int
						FigureText *string
						RateText   *string
					}
				}
			}
		}
		c.MustPost(`{ progress(campaign: "ref", unitCode: "91", metric: "activated", from: "2023-12-09", to: "2023-12-10") {
			totalCount edges { node { date figure quota rate source delta figureText rateText } } } }`, &resp)
		e := resp.Progress.Edges
		if resp.Progress.TotalCount != 2 || len(e) != 2 {
			t.Fatalf("%+v", resp)
		}
		n := e[1].Node
		if n.Date != "2023-12-10" || *n.Figure != 6107 || *n.Quota != 3769 || n.Source != "ROLLUP" || *n.RateText != "162,03%" || *n.FigureText != "6.107" {
			t.Fatalf("%+v", n)
		}
		if n.Delta == nil || e[0].Node.Figure == nil || *n.Delta != *n.Figure-*e[0].Node.Figure {
			t.Fatalf("delta %+v", n)
		}
	})
	t.Run("Ranking", func(t *testing.T) {
		var resp struct {
			Ranking struct {
				TotalCount int
				Date       string
				Edges      []struct {
					Node struct {
						Rank     int
						Unit     struct{ Code string }
						Figure   int
						Quota    int
						Band     string
						Source   string
						RateText string
						Coverage struct{ OnTime, Late, Missing, Total int }
					}
				}
			}
		}
		c.MustPost(`{ ranking(campaign: "ref", metric: "activated", date: "2023-12-10", level: PROVINCE) {
			totalCount date edges { node { rank unit { code } figure quota band source rateText(lang: EN) coverage { onTime late missing total } } } } }`, &resp)
		e := resp.Ranking.Edges
		if resp.Ranking.TotalCount != 3 || e[0].Node.Unit.Code != "91" || e[0].Node.Figure != 6107 || e[0].Node.RateText != "162.03%" ||
			e[2].Node.Unit.Code != "90" || e[2].Node.Band != "TRUNG_BINH" {
			t.Fatalf("%+v", resp)
		}
		if cov := e[0].Node.Coverage; cov.Total != 4 || cov.OnTime+cov.Late+cov.Missing != 4 {
			t.Fatalf("coverage %+v", cov)
		}
		c.MustPost(`{ ranking(campaign: "ref", metric: "collected", date: "2023-12-10", level: DISTRICT, scopeCode: "91") {
			totalCount date edges { node { rank unit { code } figure quota band source rateText(lang: EN) coverage { onTime late missing total } } } } }`, &resp)
		if resp.Ranking.TotalCount != 1 || resp.Ranking.Edges[0].Node.Figure != 6128 || resp.Ranking.Edges[0].Node.Quota != 1802 {
			t.Fatalf("%+v", resp)
		}
	})
}

func TestErrors(t *testing.T) {
	t.Parallel()
	_, h := setup(t)
	cases := []struct {
		name, query, code, says string
	}{
		{"ErrPageTooLarge", `{ units(first: 101) { totalCount } }`, "BAD_INPUT", "first must be between 0 and 100"},
		{"ErrBadCursor", `{ units(after: "xyz") { totalCount } }`, "BAD_INPUT", "cursor"},
		{"ErrBadDate", `{ units(asOf: "14/11/2023") { totalCount } }`, "BAD_INPUT", "YYYY-MM-DD"},
		{"ErrBadKind", `{ units(kind: PLANET) { totalCount } }`, "BAD_INPUT", "PLANET"},
		{"ErrUnknownField", `{ units { colour } }`, "BAD_INPUT", "colour"},
		{"ErrSyntax", `{ units { `, "BAD_INPUT", ""},
		{"ErrUnknownCampaign", `{ progress(campaign: "nope", unitCode: "VN", metric: "collected") { totalCount } }`, "NOT_FOUND", "campaign"},
		{"ErrUntrackedMetric", `{ progress(campaign: "ref", unitCode: "VN", metric: "issued") { totalCount } }`, "BAD_INPUT", "does not track"},
		{"ErrUnknownUnit", `{ progress(campaign: "ref", unitCode: "00000", metric: "collected") { totalCount } }`, "NOT_FOUND", "unit"},
		{"ErrBackwardsRange", `{ progress(campaign: "ref", unitCode: "VN", metric: "collected", from: "2023-12-10", to: "2023-12-01") { totalCount } }`, "BAD_INPUT", "after"},
		{"ErrRankingOutsideCampaign", `{ ranking(campaign: "ref", metric: "collected", date: "2024-05-01", level: PROVINCE) { totalCount } }`, "BAD_INPUT", "outside the campaign"},
		{"ErrRankNation", `{ ranking(campaign: "ref", metric: "collected", level: NATION) { totalCount } }`, "BAD_INPUT", "only one nation"},
		{"ErrTooComplex", `{ units(first: 100) { edges { node { children(first: 100) { edges { node { code } } } } } } }`, "TOO_COMPLEX", "exceeds the limit"},
		{"ErrTooDeep", `{ unit(code: "VN") { parent { parent { parent { parent { parent { parent { parent { parent { code } } } } } } } } } }`, "TOO_COMPLEX", "levels deep"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := errorsOf(t, h, tc.query)
			if got := errs[0].Extensions["code"]; got != tc.code {
				t.Errorf("code %v, want %s (%s)", got, tc.code, errs[0].Message)
			}
			if !strings.Contains(errs[0].Message, tc.says) {
				t.Errorf("message %q does not say %q", errs[0].Message, tc.says)
			}
		})
	}
}
