package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/csvio"
	"github.com/tiendo-vn/tiendo/domain"
)

// TestWriteErrors sends bad requests (mutations, queries, headers, bodies)
// and checks that each gets its code and that nothing at all was written.
func TestWriteErrors(t *testing.T) {
	t.Parallel()
	w := setupWrites(t)
	// Stored figures to check cumulative order and client keys against:
	// 92000 collected 100 on 5 January and 200 on 8 January, key seed-1.
	var seed submitResult
	w.must(t, w.admin, submitMutation, batch("seed-1",
		report("92000", "collected", "2024-01-05", 100),
		report("92000", "collected", "2024-01-08", 200)), &seed)
	if seed.SubmitReports.Written != 2 {
		t.Fatalf("seed: %+v", seed)
	}
	tokens := map[string]string{"": "", "admin": w.admin, "rep92": w.rep92, "rep920": w.rep920, "rep921": w.rep921,
		"revoked": w.revoked, "unknown": "td_thisIsNotATokenThisServiceIssued", "short": "abc"}
	keys := 0
	one := func(unit, metric, date string, value any) map[string]any {
		keys++
		return batch(fmt.Sprintf("k-%d", keys), report(unit, metric, date, value))
	}
	type tc struct {
		name   string
		token  string // a key of tokens
		query  string
		vars   map[string]any
		raw    func() response // instead of query
		code   string
		says   string
		field  string // extensions.field of the first error, if set
		errors int    // how many errors, if set
		status int    // HTTP status, if set
	}
	get := func(q, op string) func() response {
		return func() response {
			return w.raw(t, http.MethodGet, w.admin, "", "/graphql?"+url.Values{"query": {q}, "operationName": {op}}.Encode(), nil)
		}
	}
	quotaInput := func(q map[string]any) map[string]any {
		return map[string]any{"input": map[string]any{"campaign": "live", "reason": "test", "quotas": []any{q}}}
	}
	const setQuotas = `mutation($input: SetQuotasInput!) { setQuotas(input: $input) { written } }`
	const createCampaign = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { slug } }`
	const upsertUnits = `mutation($input: UpsertUnitsInput!) { upsertUnits(input: $input) { created } }`
	campaign := func(slug, start, end string) map[string]any {
		return map[string]any{"input": map[string]any{"slug": slug, "name": "Thử", "scopeCode": "92",
			"startDate": start, "endDate": end, "metrics": []string{"collected"}}}
	}
	// csv imports a reports file and answers as the API would.
	csv := func(text string) func() response {
		return func() response {
			src := func(fn func(csvio.Line[domain.ReportRow]) error) error {
				return csvio.ReadReports(strings.NewReader(text), "reports.csv", fn)
			}
			_, err := w.store.ImportReports(context.Background(), "reports.csv", src, "test", writeNow, nil)
			if err == nil {
				return response{}
			}
			return response{Errors: []gqlError{{Message: err.Error(), Extensions: map[string]any{"code": domain.ErrorCode(err)}}}}
		}
	}
	cases := []tc{
		// Headers and tokens.
		{name: "ErrNoToken", token: "", query: submitMutation, vars: one("92000", "collected", "2024-01-09", 210), code: "UNAUTHENTICATED", says: "needs a token"},
		{name: "ErrRevokedToken", token: "revoked", query: submitMutation, vars: one("92000", "collected", "2024-01-09", 210), code: "UNAUTHENTICATED", says: "revoked", status: 401},
		{name: "ErrUnknownToken", token: "unknown", query: submitMutation, vars: one("92000", "collected", "2024-01-09", 210), code: "UNAUTHENTICATED", says: "not valid", status: 401},
		{name: "ErrShortToken", token: "short", query: `{ metrics { key } }`, code: "UNAUTHENTICATED", says: "not valid", status: 401},
		{name: "ErrNotBearer", raw: func() response {
			return w.rawHeader(t, "Authorization", "Basic dXNlcjpwYXNz", `{"query":"{ metrics { key } }"}`)
		}, code: "UNAUTHENTICATED", says: "Bearer", status: 401},
		{name: "ErrReporterOutsideSubtree", token: "rep921", query: submitMutation, vars: one("92000", "collected", "2024-01-09", 210), code: "FORBIDDEN", says: "outside the subtree of 921", field: "reports[0].unitCode"},
		{name: "ErrReporterCorrectsOutsideSubtree", token: "rep921", query: correctMutation, vars: map[string]any{"input": map[string]any{
			"campaign": "live", "unitCode": "92000", "metric": "collected", "date": "2024-01-08", "value": 190, "reason": "nhập trùng"}}, code: "FORBIDDEN", says: "outside the subtree"},
		{name: "ErrReporterSetsQuotas", token: "rep92", query: setQuotas, vars: quotaInput(map[string]any{"unitCode": "92000", "metric": "collected", "target": 5}), code: "FORBIDDEN", says: "only an admin"},
		{name: "ErrReporterCreatesCampaign", token: "rep92", query: createCampaign, vars: campaign("thu", "2024-02-01", "2024-02-10"), code: "FORBIDDEN", says: "only an admin"},
		{name: "ErrReporterReadsAuditLog", token: "rep92", query: `{ auditLog { totalCount } }`, code: "FORBIDDEN", says: "only an admin"},
		{name: "ErrAnonymousReadsAuditLog", token: "", query: `{ auditLog { totalCount } }`, code: "UNAUTHENTICATED", says: "token"},
		// Values.
		{name: "ErrNegative", token: "admin", query: submitMutation, vars: one("92000", "collected", "2024-01-09", -5), code: "BAD_INPUT", says: "negative", field: "reports[0].value"},
		{name: "ErrNotAWholeNumber", token: "admin", query: submitMutation, vars: one("92000", "collected", "2024-01-09", 210.5), code: "BAD_INPUT", says: "Int"},
		{name: "ErrTooLarge", token: "admin", query: submitMutation, vars: one("92000", "collected", "2024-01-09", int64(1)<<31), code: "BAD_INPUT", says: "out of range", field: "$input.reports[0].value"},
		{name: "ErrTooLargeCSV", raw: csv("unit_code,metric,date,value\n92000,collected,2024-01-09,2147483648\n"), code: "BAD_INPUT", says: "larger than 2147483647, the largest count accepted"},
		{name: "ErrAboveQuotaFactor", token: "admin", query: submitMutation, vars: one("92001", "collected", "2024-01-09", 3001), code: "BAD_INPUT", says: "more than 3 times the quota", field: "reports[0].value"},
		// Days.
		{name: "ErrFuture", token: "admin", query: submitMutation, vars: one("92000", "collected", "2024-01-11", 210), code: "BAD_INPUT", says: "in the future", field: "reports[0].date"},
		{name: "ErrBeforeCampaign", token: "admin", query: submitMutation, vars: one("92000", "collected", "2023-12-31", 10), code: "BAD_INPUT", says: "outside the campaign", field: "reports[0].date"},
		{name: "ErrBadDate", token: "admin", query: submitMutation, vars: one("92000", "collected", "09/01/2024", 210), code: "BAD_INPUT", says: "YYYY-MM-DD"},
		// Units and metrics.
		{name: "ErrUnknownUnit", token: "admin", query: submitMutation, vars: one("12345", "collected", "2024-01-09", 5), code: "BAD_INPUT", says: "unknown unit code", field: "reports[0].unitCode"},
		{name: "ErrUnitNotValidThatDay", token: "admin", query: submitMutation, vars: one("92399", "collected", "2024-01-08", 5), code: "BAD_INPUT", says: "not valid that day"},
		{name: "ErrUnitOutsideCampaign", token: "admin", query: submitMutation, vars: one("90000", "collected", "2024-01-08", 5), code: "BAD_INPUT", says: "outside the scope of campaign live"},
		{name: "ErrUnknownMetric", token: "admin", query: submitMutation, vars: one("92000", "likes", "2024-01-09", 5), code: "BAD_INPUT", says: "unknown metric", field: "reports[0].metric"},
		{name: "ErrUntrackedMetric", token: "admin", query: submitMutation, vars: one("92000", "cccd_issued", "2024-01-09", 5), code: "BAD_INPUT", says: "does not track"},
		{name: "ErrUnknownCampaign", token: "admin", query: submitMutation, vars: map[string]any{"input": map[string]any{"campaign": "nope", "clientKey": "x", "reports": []any{report("92000", "collected", "2024-01-09", 5)}}}, code: "BAD_INPUT", says: "unknown campaign", field: "campaign"},
		// Cumulative figures (rule 3).
		{name: "ErrLowerThanEarlierDay", token: "admin", query: submitMutation, vars: one("92000", "collected", "2024-01-09", 150), code: "BAD_INPUT", says: "lower than the figure of 2024-01-08"},
		{name: "ErrReplacesStoredFigure", token: "admin", query: submitMutation, vars: one("92000", "collected", "2024-01-08", 250), code: "BAD_INPUT", says: "correctReport"},
		{name: "ErrHigherThanLaterDay", token: "admin", query: submitMutation, vars: one("92000", "collected", "2024-01-06", 300), code: "BAD_INPUT", says: "higher than the figure of the later day 2024-01-08"},
		{name: "ErrCorrectionWithoutReason", token: "admin", query: correctMutation, vars: map[string]any{"input": map[string]any{
			"campaign": "live", "unitCode": "92000", "metric": "collected", "date": "2024-01-08", "value": 190, "reason": "  "}}, code: "BAD_INPUT", says: "needs a reason", field: "reason"},
		{name: "ErrCorrectionInFuture", token: "admin", query: correctMutation, vars: map[string]any{"input": map[string]any{
			"campaign": "live", "unitCode": "92000", "metric": "collected", "date": "2024-01-12", "value": 190, "reason": "sai"}}, code: "BAD_INPUT", says: "future", field: "input.date"},
		// Batches.
		{name: "ErrDuplicateItems", token: "admin", query: submitMutation, vars: batch("dup", report("92001", "collected", "2024-01-09", 5), report("92001", "collected", "2024-01-09", 6)), code: "BAD_INPUT", says: "same unit, metric and date as item 0", field: "reports[1].date"},
		{name: "ErrHalfGoodBatch", token: "admin", query: submitMutation, vars: batch("half", report("92001", "collected", "2024-01-09", 5), report("92001", "collected", "2024-01-10", -1)), code: "BAD_INPUT", says: "negative", field: "reports[1].value", errors: 1},
		{name: "ErrEveryProblemTogether", token: "admin", query: submitMutation, vars: batch("many", report("92001", "collected", "2024-01-09", -1), report("92001", "likes", "2024-01-09", 1), report("92001", "collected", "2025-01-01", 1)), code: "BAD_INPUT", says: "negative", errors: 3},
		{name: "ErrClientKeyReusedForAnotherBatch", token: "admin", query: submitMutation, vars: batch("seed-1", report("92000", "collected", "2024-01-09", 300)), code: "CONFLICT", says: "used already", field: "clientKey"},
		{name: "ErrNoClientKey", token: "admin", query: submitMutation, vars: batch("  ", report("92000", "collected", "2024-01-09", 300)), code: "BAD_INPUT", says: "client key", field: "clientKey"},
		{name: "ErrEmptyBatch", token: "admin", query: submitMutation, vars: map[string]any{"input": map[string]any{"campaign": "live", "clientKey": "empty", "reports": []any{}}}, code: "BAD_INPUT", says: "empty"},
		{name: "ErrMissingInputField", token: "admin", query: submitMutation, vars: map[string]any{"input": map[string]any{"campaign": "live", "reports": []any{}}}, code: "BAD_INPUT", says: "must be defined"},
		// Quotas, campaigns, units, rules.
		{name: "ErrQuotaNegative", token: "admin", query: setQuotas, vars: quotaInput(map[string]any{"unitCode": "92000", "metric": "collected", "target": -1}), code: "BAD_INPUT", says: "negative", field: "quotas[0].target"},
		{name: "ErrQuotaNoReason", token: "admin", query: setQuotas, vars: map[string]any{"input": map[string]any{"campaign": "live", "quotas": []any{map[string]any{"unitCode": "92000", "metric": "collected", "target": 5}}}}, code: "BAD_INPUT", says: "needs a reason", field: "quotas[0].reason"},
		{name: "ErrQuotaAfterCampaign", token: "admin", query: setQuotas, vars: quotaInput(map[string]any{"unitCode": "92000", "metric": "collected", "target": 5, "effectiveFrom": "2024-02-01"}), code: "BAD_INPUT", says: "after the campaign ends", field: "quotas[0].effectiveFrom"},
		{name: "ErrQuotaOutsideScope", token: "admin", query: setQuotas, vars: quotaInput(map[string]any{"unitCode": "91", "metric": "collected", "target": 5}), code: "BAD_INPUT", says: "outside the scope"},
		{name: "ErrCampaignBadSlug", token: "admin", query: createCampaign, vars: campaign("Thử Nghiệm", "2024-02-01", "2024-02-10"), code: "BAD_INPUT", says: "not a slug", field: "input.slug"},
		{name: "ErrCampaignEndsBeforeStart", token: "admin", query: createCampaign, vars: campaign("thu", "2024-02-10", "2024-02-01"), code: "BAD_INPUT", says: "before it starts", field: "input.endDate"},
		{name: "ErrCampaignSlugTaken", token: "admin", query: createCampaign, vars: campaign("live", "2024-02-01", "2024-02-10"), code: "CONFLICT", says: "exists already"},
		{name: "ErrUpdateUnknownCampaign", token: "admin", query: `mutation { updateCampaign(slug: "nope", input: {name: "x"}) { slug } }`, code: "NOT_FOUND", says: "nope"},
		{name: "ErrUnitUnknownParent", token: "admin", query: upsertUnits, vars: map[string]any{"input": map[string]any{"units": []any{map[string]any{"code": "92999", "name": "Mới", "kind": "COMMUNE", "parentCode": "999"}}}}, code: "BAD_INPUT", says: "parent 999", field: "units[0].parentCode"},
		{name: "ErrUnitOverlap", token: "admin", query: upsertUnits, vars: map[string]any{"input": map[string]any{"units": []any{map[string]any{"code": "92000", "name": "Trùng", "kind": "COMMUNE", "parentCode": "920", "validFrom": "2024-01-01"}}}}, code: "BAD_INPUT", says: "overlapping"},
		{name: "ErrFollowRuleWithoutBaseMetric", token: "admin", query: `mutation { setTargetsFromRule(input: {campaign: "live", metric: "activated", rule: FOLLOW, level: COMMUNE}) { written } }`, code: "BAD_INPUT", says: "baseMetric"},
		// Queries and transport.
		{name: "ErrPageTooLarge", token: "admin", query: `{ auditLog(first: 101) { totalCount } }`, code: "BAD_INPUT", says: "between 0 and 100"},
		{name: "ErrTooDeep", token: "", query: `{ unit(code: "VN") { parent { parent { parent { parent { parent { parent { parent { parent { code } } } } } } } } } }`, code: "TOO_COMPLEX", says: "levels deep"},
		{name: "ErrTooComplex", token: "", query: `{ units(first: 100) { edges { node { children(first: 100) { edges { node { code } } } } } } }`, code: "TOO_COMPLEX", says: "exceeds the limit"},
		{name: "ErrMalformedJSON", raw: func() response {
			return w.raw(t, http.MethodPost, w.admin, "application/json", "/graphql", []byte(`{"query": "mutation {`))
		}, code: "BAD_INPUT", says: "could not be decoded", status: 400},
		{name: "ErrNotJSON", raw: func() response {
			return w.raw(t, http.MethodPost, w.admin, "text/plain", "/graphql", []byte(`mutation { x }`))
		}, code: "BAD_INPUT", says: "must be JSON", status: 415},
		{name: "ErrNoQuery", raw: func() response {
			return w.raw(t, http.MethodPost, w.admin, "application/json", "/graphql", []byte(`{}`))
		}, code: "BAD_INPUT", says: ""},
		{name: "ErrSyntax", token: "admin", query: `mutation { submitReports(input: {`, code: "BAD_INPUT", says: ""},
		{name: "ErrGETMutation", raw: get(`mutation { submitReports(input: {campaign: "live", clientKey: "get", reports: [{unitCode: "92000", metric: "collected", date: "2024-01-09", value: 210}]}) { written } }`, ""),
			code: "BAD_INPUT", says: "GET requests may only run queries", status: 405},
		{name: "ErrGETNamedMutation", raw: get(`query Q { metrics { key } } mutation M { upsertUnits(input: {units: [{code: "92998", name: "X", kind: COMMUNE, parentCode: "920"}]}) { created } }`, "M"),
			code: "BAD_INPUT", says: "GET requests may only run queries", status: 405},
		{name: "ErrPUT", raw: func() response {
			return w.raw(t, http.MethodPut, w.admin, "application/json", "/graphql", []byte(`{"query":"{ metrics { key } }"}`))
		}, code: "BAD_INPUT", says: "POST", status: 405},
		// CSV imports share the checks.
		{name: "ErrCSVNegative", raw: csv("unit_code,metric,date,value\n92000,collected,2024-01-09,-5\n"), code: "BAD_INPUT", says: "negative"},
		{name: "ErrCSVFuture", raw: csv("unit_code,metric,date,value\n92000,collected,2024-02-01,5\n"), code: "BAD_INPUT", says: "in the future"},
		{name: "ErrCSVUnitNotValidThatDay", raw: csv("unit_code,metric,date,value\n92398,collected,2024-01-02,5\n"), code: "BAD_INPUT", says: "not valid that day"},
		{name: "ErrCSVLowerWithoutNote", raw: csv("unit_code,metric,date,value\n92000,collected,2024-01-09,150\n"), code: "BAD_INPUT", says: "lower than the figure of 2024-01-08"},
		{name: "ErrCSVHalfGoodFile", raw: csv("unit_code,metric,date,value\n92001,collected,2024-01-09,5\n92001,likes,2024-01-09,5\n"), code: "BAD_INPUT", says: "reports.csv:3 (metric)"},
	}
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := w.counts(t)
			var resp response
			if c.raw != nil {
				resp = c.raw()
			} else {
				resp = w.post(t, tokens[c.token], c.query, c.vars)
			}
			if len(resp.Errors) == 0 {
				t.Fatalf("accepted: %s", resp.Data)
			}
			e := resp.Errors[0]
			if got := e.Extensions["code"]; got != c.code {
				t.Errorf("code %v, want %s (%s)", got, c.code, e.Message)
			}
			if !strings.Contains(e.Message, c.says) {
				t.Errorf("message %q does not say %q", e.Message, c.says)
			}
			if c.field != "" && e.Extensions["field"] != c.field {
				t.Errorf("field %v, want %s (%s)", e.Extensions["field"], c.field, e.Message)
			}
			if c.errors != 0 && len(resp.Errors) != c.errors {
				t.Errorf("%d errors, want %d: %+v", len(resp.Errors), c.errors, resp.Errors)
			}
			if c.status != 0 && resp.status != c.status {
				t.Errorf("HTTP %d, want %d", resp.status, c.status)
			}
			for _, e := range resp.Errors {
				if e.Extensions["code"] == nil {
					t.Errorf("an error without a code: %+v", e)
				}
			}
			if after := w.counts(t); !equalCounts(before, after) {
				t.Errorf("something was written:\nbefore %v\nafter  %v", before, after)
			}
			if strings.Contains(string(resp.Data), "written") && !strings.Contains(string(resp.Data), "null") {
				t.Errorf("data: %s", resp.Data)
			}
		})
	}
	t.Run("ErrorsNameEveryItem", func(t *testing.T) {
		resp := w.post(t, w.admin, submitMutation, batch("many2",
			report("92001", "collected", "2024-01-09", -1), report("92001", "likes", "2024-01-09", 1),
			report("92001", "collected", "2025-01-01", 1)))
		var fields []string
		for _, e := range resp.Errors {
			fields = append(fields, e.Extensions["field"].(string))
		}
		if strings.Join(fields, " ") != "reports[0].value reports[1].metric reports[2].date" {
			t.Fatalf("fields %v", fields)
		}
	})
}

func equalCounts(a, b counts) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// rawHeader posts a JSON body with one header.
func (w *writeWorld) rawHeader(t testing.TB, key, value, body string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(key, value)
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	var resp response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	resp.status = rec.Code
	return resp
}
