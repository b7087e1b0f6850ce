package httpapi

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/tiendo-vn/tiendo/domain"
)

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// negotiateMediaType picks the media type of a response from the Accept
// header, as the GraphQL-over-HTTP spec says: application/graphql-response+json
// when the client names it (and does not prefer application/json),
// application/json when the header is missing, names only application/json
// or only wildcards (older clients). ok is false when the header accepts
// neither (the answer is then 406 Not Acceptable).
func negotiateMediaType(accept []string) (mt string, ok bool) {
	header := strings.TrimSpace(strings.Join(accept, ","))
	if header == "" {
		return mediaJSON, true
	}
	// The quality of each type: that of the most specific range matching
	// it (-1: no range matches).
	qJSON, qGQL := -1.0, -1.0
	specJSON, specGQL := -1, -1 // 0 */*, 1 application/*, 2 exact
	named := false              // application/graphql-response+json named itself
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		rng, params, err := mime.ParseMediaType(part)
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		spec := -1
		switch rng {
		case "*/*":
			spec = 0
		case "application/*":
			spec = 1
		}
		if spec >= 0 || rng == mediaJSON {
			s := spec
			if rng == mediaJSON {
				s = 2
			}
			if s > specJSON {
				specJSON, qJSON = s, q
			}
		}
		if spec >= 0 || rng == mediaGraphQLResponse {
			s := spec
			if rng == mediaGraphQLResponse {
				s = 2
				named = q > 0
			}
			if s > specGQL {
				specGQL, qGQL = s, q
			}
		}
	}
	switch {
	case named && qGQL >= qJSON:
		return mediaGraphQLResponse, true
	case qJSON > 0:
		return mediaJSON, true
	case qGQL > 0:
		return mediaGraphQLResponse, true
	}
	return "", false
}

// httpGuard refuses, before gqlgen, what its transports would answer
// without an error code: a mutation over GET (405: GET never changes
// anything, even if a link or a prefetch follows it), a method other than
// GET, POST and OPTIONS (405), a POST body that is not UTF-8 JSON (415) and
// an Accept header that allows no media type this API answers in (406).
func httpGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodPost:
			if _, ok := negotiateMediaType(r.Header.Values("Accept")); !ok {
				writeHTTPError(w, r, http.StatusNotAcceptable, domain.EINVALID,
					"the Accept header allows no media type this API answers in: accept application/graphql-response+json or application/json")
				return
			}
		}
		switch r.Method {
		case http.MethodGet:
			if getHeader(r.Header, "Upgrade") == "" && getIsNotQuery(r) {
				setHeader(w.Header(), "Allow", "POST")
				writeHTTPError(w, r, http.StatusMethodNotAllowed, domain.EINVALID,
					"GET requests may only run queries; send mutations with POST")
				return
			}
		case http.MethodPost:
			mt, params, err := mime.ParseMediaType(getHeader(r.Header, "Content-Type"))
			if err != nil || mt != mediaJSON {
				writeHTTPError(w, r, http.StatusUnsupportedMediaType, domain.EINVALID,
					"a POST body must be JSON (Content-Type: application/json) with query, variables and operationName")
				return
			}
			if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
				writeHTTPError(w, r, http.StatusUnsupportedMediaType, domain.EINVALID,
					"a POST body must be JSON encoded as UTF-8 (Content-Type: application/json; charset=utf-8), not "+cs)
				return
			}
		case http.MethodOptions:
		default:
			setHeader(w.Header(), "Allow", "GET, POST, OPTIONS")
			writeHTTPError(w, r, http.StatusMethodNotAllowed, domain.EINVALID, "use GET for queries or POST for queries and mutations")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// getIsNotQuery reports whether a GET request selects a mutation or a
// subscription. A query that does not parse is left to gqlgen, which
// answers it with BAD_INPUT.
func getIsNotQuery(r *http.Request) bool {
	q := r.URL.Query()
	doc, err := parser.ParseQuery(&ast.Source{Input: q.Get("query")})
	if err != nil {
		return false
	}
	name := q.Get("operationName")
	for _, op := range doc.Operations {
		if (name == "" || op.Name == name) && op.Operation != ast.Query {
			return true
		}
	}
	return false
}
