package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tiendo-vn/tiendo/db/dbtest"
	"github.com/tiendo-vn/tiendo/graph"
	"github.com/tiendo-vn/tiendo/httpapi"
)

const (
	gqlResponse = "application/graphql-response+json"
	appJSON     = "application/json"
)

// TestGraphQLOverHTTP checks media types and status codes against the
// GraphQL-over-HTTP spec (what graph/httpaudit runs with graphql-http's
// audit suite, and more), so `go test` covers them without node.
func TestGraphQLOverHTTP(t *testing.T) {
	t.Parallel()
	store := dbtest.New(t)
	res := &graph.Resolver{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	api := graph.LoaderMiddleware(store, httpapi.NewHandler(res, httpapi.Limits{Complexity: 2000, Depth: 4}))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 4096)
		api.ServeHTTP(w, r)
	})
	get := func(params ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(params); i += 2 {
			v.Set(params[i], params[i+1])
		}
		return "/graphql?" + v.Encode()
	}
	const typename = `{"query":"{ __typename }"}`
	type tc struct {
		name        string
		method      string // POST if empty
		target      string // /graphql if empty
		contentType string // application/json if empty; "-" for none
		accept      string
		body        string
		status      int
		media       string // the response's media type
		code        string // extensions.code of the first error; "" for none
		says        string
		data        string // "present", "absent" or "" (either)
		allow       string // the Allow header, if set
	}
	cases := []tc{
		// Media types.
		{name: "AcceptGraphQLResponse", accept: gqlResponse, body: typename, status: 200, media: gqlResponse, data: "present"},
		{name: "AcceptGraphQLResponseWithCharset", accept: gqlResponse + "; charset=utf-8", body: typename, status: 200, media: gqlResponse},
		{name: "AcceptBothPreferringNew", accept: gqlResponse + ", application/json;q=0.9", body: typename, status: 200, media: gqlResponse},
		{name: "AcceptJSON", accept: appJSON, body: typename, status: 200, media: appJSON, data: "present"},
		{name: "AcceptMissing", body: typename, status: 200, media: appJSON},
		{name: "AcceptAnything", accept: "*/*", body: typename, status: 200, media: appJSON},
		{name: "AcceptBrowser", method: "GET", target: get("query", "{ __typename }"), accept: "text/html,application/xhtml+xml,*/*;q=0.8", status: 200, media: appJSON},
		{name: "AcceptNothingWeServe", accept: "text/html", body: typename, status: 406, media: appJSON, code: "BAD_INPUT", says: "Accept header"},
		{name: "UTF8Request", contentType: "application/json; charset=utf-8", accept: gqlResponse, body: `{"query":"{ __type(name: \"Run🏃Swim🏊\") { name } }"}`, status: 200, media: gqlResponse},
		// Request errors: 400 under application/graphql-response+json, 200
		// under application/json, and no data entry either way.
		{name: "ParseErrorNew", accept: gqlResponse, body: `{"query":"{"}`, status: 400, media: gqlResponse, code: "BAD_INPUT", data: "absent"},
		{name: "ParseErrorLegacy", accept: appJSON, body: `{"query":"{"}`, status: 200, media: appJSON, code: "BAD_INPUT", data: "absent"},
		{name: "ValidationErrorNew", accept: gqlResponse, body: `{"query":"{ noSuchField }"}`, status: 400, code: "BAD_INPUT", says: "noSuchField", data: "absent"},
		{name: "ValidationErrorLegacy", body: `{"query":"{ noSuchField }"}`, status: 200, code: "BAD_INPUT", data: "absent"},
		{name: "CoercionErrorNew", accept: gqlResponse, body: `{"query":"query Q($id: ID!) { __typename }","variables":{"id":null}}`, status: 400, code: "BAD_INPUT", data: "absent"},
		{name: "CoercionErrorLegacy", accept: appJSON, body: `{"query":"query Q($id: ID!) { __typename }","variables":{"id":null}}`, status: 200, code: "BAD_INPUT", data: "absent"},
		{name: "UnknownOperationName", accept: gqlResponse, body: `{"query":"query A { __typename }","operationName":"B"}`, status: 400, code: "BAD_INPUT", says: "B"},
		{name: "TooDeepNew", accept: gqlResponse, body: `{"query":"{ unit(code: \"VN\") { parent { parent { parent { code } } } } }"}`, status: 400, code: "TOO_COMPLEX", says: "levels deep", data: "absent"},
		// Execution: 200 whatever the fields' errors, with data.
		{name: "FieldErrorNew", accept: gqlResponse, body: `{"query":"{ auditLog { totalCount } }"}`, status: 200, media: gqlResponse, code: "UNAUTHENTICATED", data: "present"},
		{name: "NamedOperation", accept: gqlResponse, body: `{"query":"query A { __typename } query B { __typename }","operationName":"B"}`, status: 200},
		{name: "NullParameters", accept: gqlResponse, body: `{"query":"{ __typename }","variables":null,"operationName":null,"extensions":null}`, status: 200},
		{name: "MapParameters", accept: gqlResponse, body: `{"query":"query T($n: String!) { __type(name: $n) { name } }","variables":{"n":"Query"},"extensions":{"some":"value"}}`, status: 200, data: "present"},
		// Requests that are not well-formed: 400 and a message saying what to send.
		{name: "NoQuery", accept: gqlResponse, body: `{"notquery":"{ __typename }"}`, status: 400, media: gqlResponse, code: "BAD_INPUT", says: `the request has no query: send a JSON object such as {"query":`, data: "absent"},
		{name: "NoQueryLegacy", body: `{}`, status: 400, media: appJSON, code: "BAD_INPUT", says: "has no query"},
		{name: "BlankQuery", body: `{"query":"  "}`, status: 400, code: "BAD_INPUT", says: "has no query"},
		{name: "QueryNotAString", body: `{"query":0}`, status: 400, code: "BAD_INPUT", says: "query must be a string holding a GraphQL document, not a number"},
		{name: "QueryAnObject", body: `{"query":{"obj":"ect"}}`, status: 400, code: "BAD_INPUT", says: "not an object"},
		{name: "OperationNameNotAString", body: `{"query":"{ __typename }","operationName":false}`, status: 400, code: "BAD_INPUT", says: "operationName must be a string"},
		{name: "VariablesNotAnObject", body: `{"query":"{ __typename }","variables":["array"]}`, status: 400, code: "BAD_INPUT", says: "variables must be a JSON object"},
		{name: "VariablesAString", body: `{"query":"{ __typename }","variables":"{}"}`, status: 400, code: "BAD_INPUT", says: "not a string"},
		{name: "ExtensionsNotAnObject", body: `{"query":"{ __typename }","extensions":0}`, status: 400, code: "BAD_INPUT", says: "extensions must be a JSON object"},
		{name: "MalformedJSON", accept: gqlResponse, body: `{ "not a JSON`, status: 400, media: gqlResponse, code: "BAD_INPUT", says: "could not be decoded as JSON"},
		{name: "MalformedJSONLegacy", accept: appJSON, body: `{ "not a JSON`, status: 400, media: appJSON, code: "BAD_INPUT", says: "could not be decoded"},
		{name: "EmptyBody", body: ``, status: 400, code: "BAD_INPUT", says: "the request body is empty"},
		{name: "NullBody", body: `null`, status: 400, code: "BAD_INPUT", says: "must be a JSON object"},
		{name: "Batch", body: `[` + typename + `]`, status: 400, code: "BAD_INPUT", says: "batched requests are not supported"},
		{name: "TwoValues", body: typename + typename, status: 400, code: "BAD_INPUT", says: "more than one JSON value"},
		{name: "DuplicateQuery", body: `{"query":"{ __typename }","query":"{ metrics { key } }"}`, status: 400, code: "BAD_INPUT", says: "names query twice", data: "absent"},
		{name: "DuplicateEscapedQuery", body: `{"query":"{ __typename }","\u0071uery":"{ metrics { key } }"}`, status: 400, code: "BAD_INPUT", says: "names query twice"},
		{name: "DuplicateVariable", body: `{"query":"query T($n: String!) { __type(name: $n) { name } }","variables":{"n":"Query","n":"Mutation"}}`, status: 400, code: "BAD_INPUT", says: "names variables.n twice"},
		{name: "DuplicateNestedKey", body: `{"query":"{ __typename }","variables":{"in":{"list":[{"a":1},{"a":1,"b":[],"a":2}]}}}`, status: 400, code: "BAD_INPUT", says: "names variables.in.list[1].a twice"},
		{name: "SameKeyInSiblings", body: `{"query":"{ __typename }","variables":{"x":{"a":1},"y":{"a":1}}}`, status: 200},
		{name: "GETDuplicateQuery", method: "GET", target: get("query", "{ __typename }") + "&query=%7B+metrics+%7B+key+%7D+%7D", status: 400, code: "BAD_INPUT", says: "names query twice"},
		{name: "GETDuplicateVariable", method: "GET", target: get("query", "{ __typename }", "variables", `{"n":1,"n":2}`), status: 400, code: "BAD_INPUT", says: "variables names n twice"},
		{name: "TooLarge", body: `{"query":"{ __typename }","variables":{"x":"` + strings.Repeat("x", 5000) + `"}}`, status: 413, code: "BAD_INPUT", says: "larger than the limit of 4096 bytes"},
		// Content types and methods.
		{name: "NoContentType", contentType: "-", body: typename, status: 415, code: "BAD_INPUT", says: "must be JSON"},
		{name: "TextPlain", contentType: "text/plain;charset=UTF-8", body: typename, status: 415, code: "BAD_INPUT", says: "must be JSON"},
		{name: "GraphQLContentType", contentType: "application/graphql", body: `{ __typename }`, status: 415, code: "BAD_INPUT"},
		{name: "NotUTF8", contentType: "application/json; charset=latin1", body: typename, status: 415, code: "BAD_INPUT", says: "UTF-8"},
		{name: "GET", method: "GET", target: get("query", "{ __typename }"), accept: gqlResponse, status: 200, media: gqlResponse, data: "present"},
		{name: "GETVariables", method: "GET", target: get("query", "query T($n: String!) { __type(name: $n) { name } }", "variables", `{"n":"Query"}`), status: 200, media: appJSON, data: "present"},
		{name: "GETBadVariables", method: "GET", target: get("query", "{ __typename }", "variables", `{"n":`), status: 400, code: "BAD_INPUT", says: "variables is not valid JSON"},
		{name: "GETVariablesNotAnObject", method: "GET", target: get("query", "{ __typename }", "variables", `[1]`), status: 400, code: "BAD_INPUT", says: "variables must be a JSON object"},
		{name: "GETNoQuery", method: "GET", target: "/graphql", status: 400, code: "BAD_INPUT", says: "add ?query="},
		{name: "GETParseError", method: "GET", target: get("query", "{"), accept: gqlResponse, status: 400, code: "BAD_INPUT", data: "absent"},
		{name: "GETMutation", method: "GET", target: get("query", "mutation { __typename }"), accept: gqlResponse, status: 405, media: gqlResponse, code: "BAD_INPUT", says: "GET requests may only run queries", allow: "POST"},
		{name: "GETMutationByName", method: "GET", target: get("query", "query A { __typename } mutation B { __typename }", "operationName", "B"), status: 405, code: "BAD_INPUT", allow: "POST"},
		{name: "GETQueryBesideMutation", method: "GET", target: get("query", "query A { __typename } mutation B { __typename }", "operationName", "A"), status: 200},
		{name: "PUT", method: "PUT", body: typename, status: 405, code: "BAD_INPUT", says: "POST", allow: "GET, POST, OPTIONS"},
		{name: "HEAD", method: "HEAD", status: 405, allow: "GET, POST, OPTIONS"},
		{name: "OPTIONS", method: "OPTIONS", status: 200, allow: "OPTIONS, GET, POST"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method, target, ct := c.method, c.target, c.contentType
			if method == "" {
				method = http.MethodPost
			}
			if target == "" {
				target = "/graphql"
			}
			if ct == "" && method == http.MethodPost {
				ct = appJSON
			}
			req := httptest.NewRequest(method, target, strings.NewReader(c.body))
			if ct != "-" && ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			if c.accept != "" {
				req.Header.Set("Accept", c.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.status {
				t.Errorf("HTTP %d, want %d: %s", rec.Code, c.status, rec.Body)
			}
			if c.allow != "" && rec.Header().Get("Allow") != c.allow {
				t.Errorf("Allow %q, want %q", rec.Header().Get("Allow"), c.allow)
			}
			if method == http.MethodHead || method == http.MethodOptions {
				return
			}
			media := c.media
			if media == "" {
				media = appJSON
				if strings.HasPrefix(c.accept, gqlResponse) {
					media = gqlResponse
				}
			}
			if got := rec.Header().Get("Content-Type"); got != media+"; charset=utf-8" {
				t.Errorf("Content-Type %q, want %s; charset=utf-8", got, media)
			}
			if !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept") {
				t.Errorf("no Vary: Accept (%v)", rec.Header())
			}
			var body map[string]json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body is not a JSON object: %v: %s", err, rec.Body)
			}
			var errs []gqlError
			json.Unmarshal(body["errors"], &errs)
			switch {
			case c.code == "" && len(errs) > 0:
				t.Errorf("errors: %s", rec.Body)
			case c.code != "" && len(errs) == 0:
				t.Errorf("no error: %s", rec.Body)
			case c.code != "":
				if errs[0].Extensions["code"] != c.code {
					t.Errorf("code %v, want %s: %s", errs[0].Extensions["code"], c.code, rec.Body)
				}
				if !strings.Contains(errs[0].Message, c.says) {
					t.Errorf("message %q does not say %q", errs[0].Message, c.says)
				}
				if strings.Contains(errs[0].Message, `"not a JSON`) || strings.Contains(errs[0].Message, "xxxx") {
					t.Errorf("the message echoes the body: %q", errs[0].Message)
				}
			}
			_, hasData := body["data"]
			if c.data == "present" && !hasData || c.data == "absent" && hasData {
				t.Errorf("data entry %s expected: %s", c.data, rec.Body)
			}
		})
	}

	// A request whose deadline passes before there is any response.
	t.Run("Deadline", func(t *testing.T) {
		late := httpapi.Timeout(time.Nanosecond, api)
		for accept, want := range map[string]int{gqlResponse: 503, appJSON: 200} {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(typename))
			req.Header.Set("Content-Type", appJSON)
			req.Header.Set("Accept", accept)
			rec := httptest.NewRecorder()
			late.ServeHTTP(rec, req)
			if rec.Code != want || !strings.Contains(rec.Body.String(), "took too long") || !strings.Contains(rec.Body.String(), "TOO_COMPLEX") {
				t.Errorf("Accept %s: %d %s, want %d", accept, rec.Code, rec.Body, want)
			}
		}
	})

	// Automatic persisted queries still work, over GET too.
	t.Run("PersistedQuery", func(t *testing.T) {
		const q = "{ __typename }"
		sum := sha256.Sum256([]byte(q))
		ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`
		send := func(method, target, body string) (int, string) {
			req := httptest.NewRequest(method, target, strings.NewReader(body))
			if method == http.MethodPost {
				req.Header.Set("Content-Type", appJSON)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Code, rec.Body.String()
		}
		if code, body := send("GET", get("extensions", ext), ""); code != 200 || !strings.Contains(body, "PersistedQueryNotFound") {
			t.Fatalf("unknown hash: %d %s", code, body)
		}
		if code, body := send("POST", "/graphql", `{"query":"`+q+`","extensions":`+ext+`}`); code != 200 || !strings.Contains(body, `"__typename":"Query"`) {
			t.Fatalf("registering: %d %s", code, body)
		}
		if code, body := send("GET", get("extensions", ext), ""); code != 200 || !strings.Contains(body, `"__typename":"Query"`) {
			t.Fatalf("by hash: %d %s", code, body)
		}
	})
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}
