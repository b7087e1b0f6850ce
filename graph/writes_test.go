package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/app"
	"github.com/tiendo-vn/tiendo/db"
	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/domain"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/httpapi"
)

// writeNow is inside the live campaign: 10 January 2024, 10:00 in Vietnam.
var writeNow = time.Date(2024, 1, 10, 3, 0, 0, 0, time.UTC)

// writeWorld is the bundle of a write test: a store with the example's
// units (plus a commune that ends on 5 January 2024 and one that begins
// the day after), a live campaign over province 92 from 1 to 31 January
// 2024, its quotas, and tokens.
type writeWorld struct {
	store *db.DB
	app   *app.App
	h     http.Handler
	// Secrets of the tokens.
	admin, rep92, rep920, rep921, revoked string
}

const liveQuotas = `campaign,unit_code,metric,target,effective_from,reason
live,92000,collected,1000,2024-01-01,initial
live,92001,collected,1000,2024-01-01,initial
live,92000,issued,1000,2024-01-01,initial
live,92001,issued,400,2024-01-01,initial
live,920,issued,5000,2024-01-01,initial
`

func setupWrites(t *testing.T) *writeWorld {
	t.Helper()
	ctx := context.Background()
	store := dbtest.New(t)
	units, err := os.ReadFile(filepath.Join(dbtest.ExampleDir(), "units.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(units)), "\n")
	text := "code,name,kind,parent_code,valid_from,valid_to\n" + strings.Join(lines[1:], ",,\n") + ",,\n" +
		"92399,Xã cũ,commune,923,,2024-01-05\n92398,Xã mới,commune,923,2024-01-06,\n"
	dbtest.MustImportUnits(t, store, text)
	cli := domain.CLI("test")
	if _, err := store.CreateCampaignAs(ctx, cli, &domain.CampaignDef{ScopeCode: "92", Campaign: domain.Campaign{
		Slug: "live", Name: "Chiến dịch 31 ngày", Start: domain.MustDate("2024-01-01"), End: domain.MustDate("2024-01-31"),
		DeadlineMinutes: 450, DeadlineDays: 1, TimeZone: domain.DefaultTimeZone, MetricKeys: []string{"collected", "issued", "activated"},
	}}); err != nil {
		t.Fatal(err)
	}
	w := &writeWorld{store: store}
	var quotas []domain.QuotaChange
	for _, line := range strings.Split(strings.TrimSpace(liveQuotas), "\n")[1:] {
		f := strings.Split(line, ",")
		var target int64
		json.Unmarshal([]byte(f[3]), &target)
		d := domain.MustDate(f[4])
		quotas = append(quotas, domain.QuotaChange{UnitCode: f[1], Metric: f[2], Target: target, EffectiveFrom: &d, Reason: f[5]})
	}
	if _, err := store.SetQuotas(ctx, cli, domain.SetQuotasRequest{Campaign: "live", Quotas: quotas}, dbtest.Refreshing(t, store, domain.WriteOptions{Now: writeNow})); err != nil {
		t.Fatal(err)
	}
	mk := func(role, unit, name string) string {
		_, secret, err := store.CreateToken(ctx, cli, role, unit, name)
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	w.admin = mk(domain.RoleAdmin, "", "Quản trị")
	w.rep92 = mk(domain.RoleReporter, "92", "Công an tỉnh 2")
	w.rep920 = mk(domain.RoleReporter, "920", "Công an huyện 2.0")
	w.rep921 = mk(domain.RoleReporter, "921", "Công an huyện 2.1")
	w.revoked = mk(domain.RoleReporter, "92", "Thu hồi")
	ts, _ := store.ListTokens(ctx)
	if _, _, err := store.RevokeToken(ctx, cli, ts[0].ID); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	now := func() time.Time { return writeNow }
	w.app = &app.App{Store: store, Now: now, Logger: logger}
	res := &graph.Resolver{DB: store, Logger: logger, Now: now, App: w.app}
	w.h = graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{Complexity: 2000, Depth: 8}))
	return w
}

// response is a GraphQL response.
type response struct {
	status int
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// post runs a GraphQL request over POST with a token ("" for none).
func (w *writeWorld) post(t testing.TB, token, query string, vars map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return w.raw(t, http.MethodPost, token, "application/json", "/graphql", body)
}

// raw sends any request to the endpoint.
func (w *writeWorld) raw(t testing.TB, method, token, contentType, target string, body []byte) response {
	t.Helper()
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	// A write is acknowledged before its figures are refreshed: the tests
	// read what every write before settled to.
	if w.app != nil {
		if err := w.app.Settle(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	var resp response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("%s %s: %v: %s", method, target, err, rec.Body)
	}
	resp.status = rec.Code
	return resp
}

// must runs a request that must succeed and decodes its data into out.
func (w *writeWorld) must(t testing.TB, token, query string, vars map[string]any, out any) {
	t.Helper()
	resp := w.post(t, token, query, vars)
	if len(resp.Errors) > 0 {
		t.Fatalf("%s: %+v", query, resp.Errors)
	}
	if out != nil {
		if err := json.Unmarshal(resp.Data, out); err != nil {
			t.Fatal(err)
		}
	}
}

// counts are the rows of every table a write touches.
type counts map[string]int

func (w *writeWorld) counts(t testing.TB) counts {
	t.Helper()
	c := counts{}
	for _, table := range []string{"report_revisions", "report_current", "quota_revisions", "audit_log", "client_keys",
		"campaigns", "campaign_metrics", "milestones", "units", "api_tokens"} {
		var n int
		if err := w.store.Pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		c[table] = n
	}
	return c
}

const submitMutation = `mutation($input: SubmitReportsInput!) {
	submitReports(input: $input) { campaign clientKey written unchanged replayed receivedAt
		items { index unitCode metric date value status revision previous flagged } } }`

const correctMutation = `mutation($input: CorrectReportInput!) {
	correctReport(input: $input) { written unchanged items { status revision previous value } } }`

// report is one ReportInput.
func report(unit, metric, date string, value any) map[string]any {
	return map[string]any{"unitCode": unit, "metric": metric, "date": date, "value": value}
}

// batch is a SubmitReportsInput.
func batch(key string, reports ...map[string]any) map[string]any {
	return map[string]any{"input": map[string]any{"campaign": "live", "clientKey": key, "reports": reports}}
}

type submitResult struct {
	SubmitReports struct {
		Campaign, ClientKey string
		Written, Unchanged  int
		Replayed            bool
		ReceivedAt          string
		Items               []struct {
			Index                          int
			UnitCode, Metric, Date, Status string
			Value, Revision                int
			Previous                       *int
			Flagged                        bool
		}
	}
}

// testWriter sends the server's log to the test's, shown when it fails;
// an error logged fails the test (no write may fail unseen).
type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	line := strings.TrimSpace(string(b))
	if strings.Contains(line, "level=ERROR") {
		w.t.Errorf("server error: %s", line)
	} else {
		w.t.Log(line)
	}
	return len(b), nil
}

func urlEscape(s string) string { return url.QueryEscape(s) }
