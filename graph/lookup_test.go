package graph_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/tiendo-vn/tiendo/graph/graphtest"
)

// TestLookupRule: the rule the schema's descriptions state. A field that
// finds one object by its key answers null, without an error, when there
// is none; a field that needs an object to compute something answers
// NOT_FOUND naming the unknown argument.
func TestLookupRule(t *testing.T) {
	t.Parallel()
	_, h := setup(t)
	nulls := map[string]string{
		"campaign": `{ campaign(slug: "unknown") { slug } }`,
		"unit":     `{ unit(code: "00000") { code } }`,
		"bulletin": `{ bulletin(campaign: "unknown", date: "2023-12-01") { title } }`,
	}
	for field, q := range nulls {
		data, errs := run(t, h, q)
		if len(errs) > 0 || string(data[field]) != "null" {
			t.Errorf("%s: want null and no error, got %s %v", q, data[field], errs)
		}
	}
	notFound := map[string]string{
		`{ ranking(campaign: "unknown", metric: "collected", level: PROVINCE) { totalCount } }`:                              "campaign",
		`{ progress(campaign: "unknown", unitCode: "VN", metric: "collected") { totalCount } }`:                              "campaign",
		`{ ranking(campaign: "ref", metric: "collected", scopeCode: "00000", level: PROVINCE) { totalCount } }`:              "00000",
		`{ milestoneRanking(campaign: "unknown", date: "2023-12-10", metric: "collected", level: PROVINCE) { totalCount } }`: "campaign",
		`{ corrections(campaign: "unknown") { totalCount } }`:                                                                "campaign",
		`{ bulletins(campaign: "unknown") { totalCount } }`:                                                                  "campaign",
		`{ campaign(slug: "ref") { quotaHistory(unitCode: "00000") { totalCount } } }`:                                       "00000",
	}
	for q, arg := range notFound {
		_, errs := run(t, h, q)
		if len(errs) == 0 || errs[0].Extensions["code"] != "NOT_FOUND" {
			t.Errorf("%s: want NOT_FOUND, got %v", q, errs)
			continue
		}
		if !strings.Contains(errs[0].Message, arg) {
			t.Errorf("%s: NOT_FOUND does not say %q: %s", q, arg, errs[0].Message)
		}
	}
}

func run(t *testing.T, h http.Handler, query string) (map[string]json.RawMessage, []gqlError) {
	t.Helper()
	var resp struct {
		Data   map[string]json.RawMessage
		Errors []gqlError
	}
	graphtest.Decode(t, graphtest.Query(h, query), &resp)
	return resp.Data, resp.Errors
}
