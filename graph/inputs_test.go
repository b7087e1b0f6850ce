package graph_test

import (
	"net/http"
	"strings"
	"testing"
)

// Input values are checked by their types before anything runs: a NUL in
// any text is BAD_INPUT naming the value (not an INTERNAL error from
// PostgreSQL), an Int is a whole JSON number that fits in 32 bits (not a
// string, fraction or exponent), a String is not a number; and lengths
// are counted in characters, as they are stated.
func TestInputValues(t *testing.T) {
	t.Parallel()
	w := setupWrites(t)
	nul := "a\x00b"
	upsert := `mutation($input: UpsertUnitsInput!) { upsertUnits(input: $input) { created } }`
	type tc struct {
		name  string
		query string
		vars  map[string]any
		body  string // raw JSON variables, instead of vars
		says  string
		field string
	}
	cases := []tc{
		// A NUL in text, wherever it is.
		{name: "NULUnitCode", query: `query($c: String!) { unit(code: $c) { code } }`, vars: map[string]any{"c": nul}, says: "NUL", field: "$c"},
		{name: "NULSearch", query: `query($s: String) { units(search: $s) { totalCount } }`, vars: map[string]any{"s": nul}, says: "NUL", field: "$s"},
		{name: "NULSlug", query: `query($s: String!) { campaign(slug: $s) { name } }`, vars: map[string]any{"s": nul}, says: "NUL", field: "$s"},
		{name: "NULNote", query: submitMutation, vars: map[string]any{"input": map[string]any{"campaign": "live", "clientKey": "k-nul-note",
			"reports": []any{map[string]any{"unitCode": "92000", "metric": "collected", "date": "2024-01-09", "value": 5, "note": nul}}}},
			says: "NUL", field: "$input.reports[0].note"},
		{name: "NULClientKey", query: submitMutation, vars: batch(nul, report("92000", "collected", "2024-01-09", 5)), says: "NUL", field: "$input.clientKey"},
		{name: "NULReason", query: correctMutation, vars: map[string]any{"input": map[string]any{"campaign": "live", "unitCode": "92000",
			"metric": "collected", "date": "2024-01-08", "value": 5, "reason": nul}}, says: "NUL", field: "$input.reason"},
		{name: "NULUnitName", query: upsert, vars: map[string]any{"input": map[string]any{"units": []any{map[string]any{"code": "92990",
			"name": nul, "kind": "COMMUNE", "parentCode": "920"}}}}, says: "NUL", field: "$input.units[0].name"},
		{name: "NULDate", query: `query($d: Date) { ranking(campaign: "live", metric: "collected", level: COMMUNE, date: $d) { totalCount } }`,
			vars: map[string]any{"d": nul}, says: "NUL", field: "$d"},
		{name: "NULLiteral", query: `{ unit(code: "9\u0000") { code } }`, says: "NUL", field: "unit(code:)"},
		{name: "NULLiteralInInput", query: `mutation { upsertUnits(input: {units: [{code: "92990", name: "x\u0000", kind: COMMUNE, parentCode: "920"}]}) { created } }`,
			says: "NUL", field: "upsertUnits(input:).units[0].name"},
		// Ints.
		{name: "IntAsString", query: submitMutation, body: `{"input":{"campaign":"live","clientKey":"k-s","reports":[{"unitCode":"92000","metric":"collected","date":"2024-01-09","value":"100"}]}}`,
			says: `"100" is a string, not an Int`, field: "$input.reports[0].value"},
		{name: "IntFraction", query: submitMutation, body: `{"input":{"campaign":"live","clientKey":"k-f","reports":[{"unitCode":"92000","metric":"collected","date":"2024-01-09","value":1.5}]}}`,
			says: "1.5 is not a whole number: Int holds whole numbers from -2147483648 to 2147483647", field: "$input.reports[0].value"},
		{name: "IntExponent", query: submitMutation, body: `{"input":{"campaign":"live","clientKey":"k-e","reports":[{"unitCode":"92000","metric":"collected","date":"2024-01-09","value":1e3}]}}`,
			says: "1e3 is not written as an integer", field: "$input.reports[0].value"},
		{name: "Int2To63", query: submitMutation, body: `{"input":{"campaign":"live","clientKey":"k-63","reports":[{"unitCode":"92000","metric":"collected","date":"2024-01-09","value":9223372036854775808}]}}`,
			says: "9223372036854775808 is out of range: Int holds whole numbers from -2147483648 to 2147483647", field: "$input.reports[0].value"},
		{name: "Int2To31", query: submitMutation, body: `{"input":{"campaign":"live","clientKey":"k-31","reports":[{"unitCode":"92000","metric":"collected","date":"2024-01-09","value":2147483648}]}}`,
			says: "2147483648 is out of range", field: "$input.reports[0].value"},
		{name: "QuotaTooLarge", query: `mutation($input: SetQuotasInput!) { setQuotas(input: $input) { written } }`,
			body: `{"input":{"campaign":"live","reason":"x","quotas":[{"unitCode":"92000","metric":"collected","target":4294967296}]}}`,
			says: "out of range", field: "$input.quotas[0].target"},
		{name: "TopLevelIntAsString", query: `query($n: Int) { units(first: $n) { totalCount } }`, body: `{"n":"10"}`, says: `"10" is a string, not an Int`, field: "$n"},
		{name: "TopLevelIntFraction", query: `query($n: Int) { units(first: $n) { totalCount } }`, body: `{"n":1.5}`, says: "1.5 is not a whole number", field: "$n"},
		{name: "TopLevelIntHuge", query: `query($n: Int) { units(first: $n) { totalCount } }`, body: `{"n":9223372036854775808}`, says: "out of range", field: "$n"},
		{name: "StringAsNumber", query: `query($c: String!) { unit(code: $c) { code } }`, body: `{"c":836}`, says: "836 is a number, not a String", field: "$c"},
		// Lengths in characters.
		{name: "NoteTooLong", query: submitMutation, vars: map[string]any{"input": map[string]any{"campaign": "live", "clientKey": "k-long",
			"reports": []any{map[string]any{"unitCode": "92000", "metric": "collected", "date": "2024-01-09", "value": 5, "note": strings.Repeat("ệ", 2001)}}}},
			says: "longer than 2000 characters", field: "reports[0].note"},
		{name: "SearchTooLong", query: `query($s: String) { units(search: $s) { totalCount } }`, vars: map[string]any{"s": strings.Repeat("ệ", 101)},
			says: "longer than 100 characters", field: "search"},
		{name: "ClientKeyTooLong", query: submitMutation, vars: batch(strings.Repeat("ệ", 201), report("92000", "collected", "2024-01-09", 5)),
			says: "longer than 200 characters", field: "clientKey"},
	}
	before := w.counts(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var resp response
			if c.body != "" {
				body := `{"query":` + jsonString(c.query) + `,"variables":` + c.body + `}`
				resp = w.raw(t, http.MethodPost, w.admin, "application/json", "/graphql", []byte(body))
			} else {
				resp = w.post(t, w.admin, c.query, c.vars)
			}
			if len(resp.Errors) == 0 {
				t.Fatalf("no error: %s", resp.Data)
			}
			e := resp.Errors[0]
			if e.Extensions["code"] != "BAD_INPUT" || !strings.Contains(e.Message, c.says) || e.Extensions["field"] != c.field {
				t.Errorf("got %s %q (field %v), want BAD_INPUT saying %q, field %q", e.Extensions["code"], e.Message, e.Extensions["field"], c.says, c.field)
			}
		})
	}
	if after := w.counts(t); !equalCounts(before, after) {
		t.Errorf("refused requests wrote: %v, then %v", before, after)
	}

	// Lengths are characters: 700 × "ệ" (2,100 bytes) is a note of 700
	// characters, and 200 of them a client key of 200.
	var res submitResult
	w.must(t, w.admin, submitMutation, map[string]any{"input": map[string]any{"campaign": "live", "clientKey": strings.Repeat("ệ", 200),
		"reports": []any{map[string]any{"unitCode": "92000", "metric": "collected", "date": "2024-01-09", "value": 5, "note": strings.Repeat("ệ", 700)}}}}, &res)
	if res.SubmitReports.Written != 1 {
		t.Errorf("a note of 700 × ệ: %+v", res)
	}
	// The largest Int is a count like any other.
	most := report("92000", "collected", "2024-01-10", 2147483647)
	most["confirmAboveQuota"] = true
	w.must(t, w.admin, submitMutation, batch("k-max", most), &res)
}

func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}
