package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// FuzzRequestParams reads arbitrary POST bodies and GET query strings as
// the transport does: it never panics, a request it accepts has a query
// (or a persisted one), and it accepts no JSON object that names a member
// twice, which duplicateKey must find exactly when encoding/json's own
// tokens show one. The seed corpus is in testdata/fuzz/FuzzRequestParams.
func FuzzRequestParams(f *testing.F) {
	f.Add([]byte(`{"query":"{ metrics { key } }"}`), "query=%7B+metrics+%7B+key+%7D+%7D")
	f.Fuzz(func(t *testing.T, body []byte, rawQuery string) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		var p graphql.RawParams
		if status, msg := readPOSTParams(req, &p); msg == "" {
			if status != 0 || strings.TrimSpace(p.Query) == "" && p.Extensions["persistedQuery"] == nil {
				t.Fatalf("accepted %q without a query: %d %+v", body, status, p)
			}
			if dup := tokenDuplicate(bytes.TrimSpace(body)); dup {
				t.Fatalf("accepted %q, which names a member twice", body)
			}
		} else if status < 400 || status > 499 {
			t.Fatalf("refused %q with status %d: %s", body, status, msg)
		}
		if json.Valid(body) {
			if got, want := duplicateKey(body) != "", tokenDuplicate(body); got != want {
				t.Fatalf("duplicateKey(%q) = %q, want a duplicate: %v", body, duplicateKey(body), want)
			}
		}
		get := httptest.NewRequest(http.MethodGet, "/graphql", nil)
		get.URL.RawQuery = rawQuery
		p = graphql.RawParams{}
		if status, msg := readGETParams(get, &p); msg == "" {
			if status != 0 || strings.TrimSpace(p.Query) == "" && p.Extensions["persistedQuery"] == nil {
				t.Fatalf("accepted ?%s without a query: %d %+v", rawQuery, status, p)
			}
			q, _ := url.ParseQuery(rawQuery)
			for _, k := range []string{"variables", "extensions"} {
				if tokenDuplicate([]byte(q.Get(k))) {
					t.Fatalf("accepted ?%s, whose %s names a member twice", rawQuery, k)
				}
			}
		} else if status != http.StatusBadRequest {
			t.Fatalf("refused ?%s with status %d: %s", rawQuery, status, msg)
		}
	})
}

// tokenDuplicate reports whether valid JSON text names a member of an
// object twice, read with encoding/json's tokens (slow, but plainly right).
func tokenDuplicate(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		keys   map[string]bool
		object bool
		key    bool // the next string token is a member name
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.key {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			k := tok.(string)
			if top.keys[k] {
				return true
			}
			top.keys[k] = true
			top.key = false
			continue
		}
		if top != nil && top.object {
			top.key = true // this token is a member's value
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{keys: map[string]bool{}, object: true, key: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}
